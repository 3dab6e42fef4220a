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
        let batch: EmbeddingBatch
        do {
            batch = try JSONDecoder().decode(EmbeddingBatch.self, from: body)
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.invalidInput, "send {\"feature\": ..., \"model\": ..., \"vectors\": [[...], ...]} as JSON (vectors as arrays of numbers or base64 float32)")
        }
        guard let feature = batch.feature?.trimmingWhitespace(), !feature.isEmpty, feature.count <= 200 else {
            throw VigilError(.invalidInput, "feature must be a non-empty string of at most 200 characters")
        }
        try InputText.check(feature, "feature", maxLength: 200)
        if let model = batch.model { try InputText.check(model, "model", maxLength: 200) }
        var items = batch.embeddings ?? []
        items += (batch.vectors ?? []).map { EmbeddingItem(vector: $0) }
        guard !items.isEmpty, items.count <= 10_000 else {
            throw VigilError(.invalidInput, "send 1 to 10000 vectors at a time (got \(items.count))")
        }
        var dimension: Int?
        let now = EventTime.nowMicros()
        let redactor = redaction.redactor(projectID: principal.projectID)
        var events: [NewEvent] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            func bad(_ message: String) -> VigilError { VigilError(.invalidInput, "vector \(index): \(message)") }
            guard let vector = item.vector else { throw bad("vector is missing") }
            let values = try vector.floats(index: index)
            guard !values.isEmpty else { throw bad("the vector is empty") }
            guard values.count <= 16_384 else { throw bad("\(values.count) components; 16384 at most") }
            if let position = values.firstIndex(where: { !$0.isFinite }) { throw bad("component \(position) is not a finite number") }
            if let dimension, dimension != values.count {
                throw bad("has \(values.count) components where the request's first vector has \(dimension)")
            }
            dimension = values.count
            var micros = now
            if let text = item.time?.text ?? batch.time?.text {
                guard let parsed = TimeParameter.parse(text) else { throw bad("time must be \(CivilTime.expectedText)") }
                micros = parsed
            }
            var writer = JSONWriter(capacity: values.count * 6 + 256)
            writer.beginObject()
            writer.string("feature", feature)
            writer.string("model", batch.model ?? "")
            writer.int("dimension", Int64(values.count))
            writer.string("vector", Data(EmbeddingVector.bytes(values)).base64EncodedString())
            var counts = RedactionCounts()
            for (key, value) in [("trace_id", item.trace_id ?? batch.trace_id), ("span_id", item.span_id ?? batch.span_id)] {
                if let value { writer.string(key, String(value.prefix(10_000))) }
            }
            if let text = item.text { writer.string("text", redactor.redact(String(text.prefix(10_000)), counts: &counts)) }
            if !counts.isEmpty { counts.write("pii", into: &writer) }
            writer.int("ordinal", Int64(index))
            writer.string("time", CivilTime.rfc3339(micros: micros))
            writer.endObject()
            events.append(NewEvent(projectID: principal.projectID, kind: .embedding, occurredAtMicros: micros,
                                   dedupKey: ContentKey.make(kind: .embedding, body: writer.bytes), body: writer.bytes))
        }
        if let dimension {
            let known = try await drift.register(projectID: principal.projectID, feature: feature, dimension: dimension, model: batch.model ?? "")
            guard known == dimension else {
                throw VigilError(.invalidInput, "feature \(feature) has vectors of \(known) dimensions; these have \(dimension)")
            }
        }
        try await appender.append(events)
        var writer = JSONWriter()
        writer.beginObject()
        writer.int("accepted", Int64(events.count))
        writer.string("feature", feature)
        writer.int("dimension", Int64(dimension ?? 0))
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
