internal import Foundation
internal import VigilCore
internal import VigilProjections
package import VigilSafety

/// The body of `POST /api/v1/embeddings` read and checked: the feature, the model, the vectors'
/// dimension and one `embedding` event per vector, ready to append. Pure: no clock, no database,
/// so the route and the libFuzzer target under `Fuzz/` (hence `package`) run the same code.
package struct EmbeddingUpload {
    /// The drift feature the vectors belong to.
    package var feature: String
    /// The embedding model, empty when the app did not name it.
    package var model: String
    /// The number of components every vector has.
    package var dimension: Int
    /// One `embedding` event per vector, in the order sent.
    var events: [NewEvent]

    /// How many vectors were read.
    package var vectorCount: Int { events.count }

    /// Reads `body` (JSON bytes) for `projectID`; vectors without a `time` get `receivedAtMicros`,
    /// each `text` is redacted with `redactor`.
    /// - Throws: `VigilError` `.invalidInput` naming what is wrong.
    package static func read(_ body: [UInt8], projectID: Int64, receivedAtMicros: Int64, redactor: Redactor) throws -> EmbeddingUpload {
        try read(Data(body), projectID: projectID, receivedAtMicros: receivedAtMicros, redactor: redactor)
    }

    /// Reads `body` (JSON) for `projectID`; see `read(_:projectID:receivedAtMicros:redactor:)`.
    static func read(_ body: Data, projectID: Int64, receivedAtMicros: Int64, redactor: Redactor) throws -> EmbeddingUpload {
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
            var micros = receivedAtMicros
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
            events.append(NewEvent(projectID: projectID, kind: .embedding, occurredAtMicros: micros,
                                   dedupKey: ContentKey.make(kind: .embedding, body: writer.bytes), body: writer.bytes))
        }
        return EmbeddingUpload(feature: feature, model: batch.model ?? "", dimension: dimension ?? 0, events: events)
    }
}
