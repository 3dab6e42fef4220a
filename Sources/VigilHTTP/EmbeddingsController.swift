internal import Foundation
public import Hummingbird
internal import NIOCore
internal import VigilCore
public import VigilEventLog
public import VigilQueries
public import VigilHTTPBase
internal import VigilProjections
public import VigilSafety

/// `POST /api/v1/embeddings`: embedding vectors of a drift feature from apps that embed their
/// prompts or responses themselves. `{"feature", "model", "vectors": [[numbers] or "base64 of
/// little-endian float32"], "time"?, "trace_id"?, "span_id"?}`, or per-vector metadata in
/// `"embeddings": [{"vector", "time"?, "trace_id"?, "span_id"?, "text"?}]`; `time` (RFC 3339 or Unix
/// ms) lets history be backfilled, receipt time otherwise. A feature's dimension is fixed by its
/// first vectors; any other is a 400. Each vector is an `embedding` event holding it as float32;
/// its `text` is redacted with the project's policy before it is stored.
public struct EmbeddingsController: Sendable {
    private let appender: EventAppender
    private let drift: DriftStore
    private let maxBodyBytes: Int
    private let redaction: RedactionPolicies

    /// Makes the controller.
    public init(appender: EventAppender, drift: DriftStore, maxBodyBytes: Int, redaction: RedactionPolicies = RedactionPolicies()) {
        self.appender = appender
        self.drift = drift
        self.maxBodyBytes = maxBodyBytes
        self.redaction = redaction
    }

    /// Adds the route to `group` (guarded with the ingest role by the caller).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        group.post("/api/v1/embeddings") { request, context in
            try await create(request: request, context: context)
        }
    }

    func create(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonBody("the embeddings", upTo: maxBodyBytes)
        let upload = try EmbeddingUpload.read(body, projectID: principal.projectID, receivedAtMicros: EventTime.nowMicros(),
                                              redactor: redaction.redactor(projectID: principal.projectID))
        let known = try await drift.register(projectID: principal.projectID, feature: upload.feature, dimension: upload.dimension, model: upload.model)
        guard known == upload.dimension else {
            throw VigilError(.invalidInput, "feature \(upload.feature) has vectors of \(known) dimensions; these have \(upload.dimension)")
        }
        try await appender.append(upload.events)
        var writer = JSONWriter()
        writer.beginObject()
        writer.int("accepted", Int64(upload.vectorCount))
        writer.string("feature", upload.feature)
        writer.int("dimension", Int64(upload.dimension))
        writer.endObject()
        return Response.json(writer.bytes)
    }
}

/// What an app sends.
struct EmbeddingBatch: Decodable {
    var feature: String?
    var model: String?
    var time: EvaluationInput.Time?
    var trace_id: String?
    var span_id: String?
    var vectors: [EmbeddingItem.Vector]?
    var embeddings: [EmbeddingItem]?
}

/// One vector with its own metadata.
struct EmbeddingItem: Decodable {
    /// Numbers, or base64 of little-endian float32.
    enum Vector: Decodable {
        case numbers([Double])
        case base64(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .base64(text)
            } else {
                self = .numbers(try container.decode([Double].self))
            }
        }

        func floats(index: Int) throws -> [Float] {
            switch self {
            case .numbers(let numbers):
                return numbers.map { Float($0) }
            case .base64(let text):
                guard let data = Data(base64Encoded: text) else {
                    throw VigilError(.invalidInput, "vector \(index): not base64 (send an array of numbers or base64 of little-endian float32)")
                }
                guard data.count % 4 == 0 else {
                    throw VigilError(.invalidInput, "vector \(index): \(data.count) bytes is not a whole number of float32 components")
                }
                var values: [Float] = []
                _ = data.withUnsafeBytes { EmbeddingVector.append($0, to: &values) }
                return values
            }
        }
    }

    var vector: Vector?
    var time: EvaluationInput.Time?
    var trace_id: String?
    var span_id: String?
    var text: String?

    init(vector: Vector) {
        self.vector = vector
    }
}
