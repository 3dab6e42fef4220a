internal import Foundation
internal import HTTPTypes
public import Hummingbird
internal import NIOCore
internal import VigilCore
public import VigilCollector
internal import VigilIngest
public import VigilHTTPBase

/// The OTLP/HTTP collectors: `POST /v1/traces`, `/v1/metrics`, `/v1/logs`, over `OTLPIntake`.
/// A request is answered 200 only after its events are committed; refused items are reported in
/// `partial_success`. The key's spend quota is checked before the body is read, and a body over
/// `maxBodyBytes` is refused unread (413).
public struct OTLPController: Sendable {
    private let intake: OTLPIntake
    private let maxBodyBytes: Int

    /// Makes the collectors over `intake`, reading bodies of up to `maxBodyBytes`.
    public init(intake: OTLPIntake, maxBodyBytes: Int) {
        self.intake = intake
        self.maxBodyBytes = maxBodyBytes
    }

    /// Adds the three routes to `group` (which the caller guards with the ingest role).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        for signal in OTLPSignal.allCases {
            group.post(RouterPath(signal.path)) { request, context in
                try await export(signal: signal, request: request, context: context)
            }
        }
    }

    func export(signal: OTLPSignal, request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let format = OTLPFormat(contentType: request.headers[.contentType]) else {
            let given = request.headers[.contentType] ?? "none"
            throw VigilError(.unsupportedMediaType, "Content-Type \(given) is not accepted: send application/x-protobuf or application/json")
        }
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces) ?? "identity"
        guard encoding == "gzip" || encoding == "identity" || encoding.isEmpty else {
            throw VigilError(.unsupportedMediaType, "Content-Encoding \(encoding) is not accepted: send gzip or no encoding")
        }
        try await intake.admitSpend(principal)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw VigilError(.tooLarge, "the body has \(length) bytes, more than the limit of \(maxBodyBytes)")
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: maxBodyBytes))
        } catch is NIOTooManyBytesError {
            throw VigilError(.tooLarge, "the body is larger than the limit of \(maxBodyBytes) bytes")
        }
        let response = try await intake.export(signal: signal, format: format, body: body, gzipped: encoding == "gzip", principal: principal)
        return Response(
            status: .ok,
            headers: [.contentType: format.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: response))
        )
    }
}
