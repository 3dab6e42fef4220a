internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import VigilCore

/// Talks to Vigil over HTTP for the demo: OTLP exports and the API, with the project's ingest,
/// read and operate keys. Answers other than 2xx become `VigilError`s that say what Vigil said.
struct VigilDemoClient: Sendable {
    /// Which key a request carries.
    enum Key { case ingest, read, operate }

    let baseURL: String
    let ingestKey: String
    let readKey: String
    let operateKey: String

    /// Whether Vigil answers `/healthz` at `baseURL`.
    static func checkReachable(_ baseURL: String) async throws {
        var request = HTTPClientRequest(url: baseURL + "/healthz")
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        } catch {
            throw VigilError(.unavailable, "Vigil is not listening at \(baseURL) (\(describe(error))). Start it with `make run` (or `vigil serve`) first, or point --url at it.")
        }
        guard response.status.code == 200 else {
            throw VigilError(.unavailable, "\(baseURL)/healthz answered \(response.status.code): is that Vigil?")
        }
    }

    /// POSTs `body`; returns the status and the answer's body. Retries 429 and 503 a few times,
    /// after the server's `Retry-After`.
    @discardableResult
    func post(_ path: String, _ body: [UInt8], key: Key, contentType: String = "application/json", accept: Set<Int> = [200, 201]) async throws -> [UInt8] {
        try await send(.POST, path, body: body, key: key, contentType: contentType, accept: accept).body
    }

    /// GETs `path` with the read key; returns the answer's body.
    func get(_ path: String) async throws -> [UInt8] {
        try await send(.GET, path, body: nil, key: .read, contentType: nil, accept: [200]).body
    }

    /// A request whose every status the caller looks at itself.
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?, key: Key, contentType: String?, accept: Set<Int>) async throws -> (status: Int, body: [UInt8]) {
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            let token = switch key {
            case .ingest: ingestKey
            case .read: readKey
            case .operate: operateKey
            }
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            let response: HTTPClientResponse
            let bytes: [UInt8]
            do {
                response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                bytes = Array(try await response.body.collect(upTo: 64 << 20).readableBytesView)
            } catch {
                if attempt < 4 {
                    try await Task.sleep(for: .seconds(1))
                    continue
                }
                throw VigilError(.unavailable, "\(method.rawValue) \(baseURL)\(path) failed: \(Self.describe(error)). Is Vigil still running?")
            }
            let status = Int(response.status.code)
            if accept.contains(status) { return (status, bytes) }
            if [429, 503].contains(status), attempt < 6 {
                let wait = response.headers.first(name: "Retry-After").flatMap(Int.init) ?? 1
                try await Task.sleep(for: .seconds(min(max(wait, 1), 10)))
                continue
            }
            let message = Self.message(in: bytes) ?? String(decoding: bytes.prefix(300), as: UTF8.self)
            switch status {
            case 401:
                throw VigilError(.unauthenticated, "Vigil at \(baseURL) refused the demo's key (401: \(message)). Does it use the same database as this command (VIGIL_DATABASE_URL, VIGIL_DATA_DIR)?")
            case 404 where path.hasPrefix("/api/v1/drift/reports"):
                throw VigilError(.notFound, "Vigil at \(baseURL) has no POST /api/v1/drift/reports: is it older than this vigil?")
            default:
                throw VigilError(.invalidInput, "\(method.rawValue) \(path) answered \(status): \(message)")
            }
        }
    }

    /// The message of an error answer: `{"error": {"message"}}` (the API) or a `google.rpc.Status` (OTLP).
    static func message(in body: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
        return object["message"] as? String
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") { return "no answer in time" }
        return text
    }
}
