internal import Foundation
internal import Hummingbird
internal import NIOCore
internal import VigilCore

extension Request {
    /// The body of a JSON request to the API: a 415 naming `what` when it is not
    /// `application/json`, a 413 when it is larger than `limit` bytes.
    func jsonBody(_ what: String, upTo limit: Int) async throws -> Data {
        guard JSONContentType.matches(headers[.contentType]) else {
            throw VigilError(.unsupportedMediaType, "send \(what) as application/json")
        }
        do {
            return Data(try await body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw VigilError(.tooLarge, "the body is larger than the limit of \(limit) bytes")
        }
    }
}

/// Whether a `Content-Type` is JSON (parameters such as `charset` allowed).
enum JSONContentType {
    static func matches(_ value: String?) -> Bool {
        (value?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }) == "application/json"
    }
}
