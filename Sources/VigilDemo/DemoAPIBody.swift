internal import Foundation
internal import VigilCore

/// The JSON bodies of Vigil's API the demo sends besides OTLP: evaluations, embeddings, a baseline
/// to pin, a report to make now.
public enum DemoAPIBody {
    /// `POST /api/v1/evaluations`: `{"evaluations": [...]}` for the evaluations of `traces`.
    public static func evaluations(_ items: [(traceID: String, evaluation: DemoTrace.Evaluation)]) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("evaluations")
        for (traceID, evaluation) in items {
            writer.beginObject()
            writer.string("trace_id", traceID)
            writer.string("span_id", evaluation.spanID)
            writer.string("name", evaluation.name)
            switch evaluation.value {
            case .number(let score): writer.double("value", score)
            case .flag(let flag): writer.bool("value", flag)
            }
            writer.string("evaluator", evaluation.evaluator)
            writer.string("time", CivilTime.rfc3339(micros: Int64(evaluation.timeNanos / 1_000)))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// `POST /api/v1/embeddings`: the prompts' vectors under `feature`, each with its time, text
    /// and (when it has one) trace and span.
    public static func embeddings(feature: String, model: String, _ items: [(traceID: String?, prompt: DemoTrace.Prompt)]) -> [UInt8] {
        var writer = JSONWriter(capacity: items.count * 400 + 128)
        writer.beginObject()
        writer.string("feature", feature)
        writer.string("model", model)
        writer.beginArray("embeddings")
        for (traceID, prompt) in items {
            writer.beginObject()
            let data = prompt.vector.withUnsafeBufferPointer { Data(buffer: $0) }
            writer.string("vector", littleEndian(data).base64EncodedString())
            writer.string("time", CivilTime.rfc3339(micros: Int64(prompt.timeNanos / 1_000)))
            if let traceID, let spanID = prompt.spanID {
                writer.string("trace_id", traceID)
                writer.string("span_id", spanID)
            }
            writer.string("text", prompt.text)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// `POST /api/v1/drift/baselines`: pin `feature`'s reference to [`fromNanos`, `toNanos`).
    public static func baseline(feature: String, fromNanos: UInt64, toNanos: UInt64) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("feature", feature)
        writer.string("from", CivilTime.rfc3339(micros: Int64(fromNanos / 1_000)))
        writer.string("to", CivilTime.rfc3339(micros: Int64(toNanos / 1_000)))
        writer.endObject()
        return writer.bytes
    }

    /// `POST /api/v1/drift/reports`: a report of `feature` now.
    public static func report(feature: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("feature", feature)
        writer.endObject()
        return writer.bytes
    }

    /// Float32 bytes in little-endian order whatever the machine's order.
    private static func littleEndian(_ data: Data) -> Data {
        guard UInt32(1).littleEndian != 1 else { return data }
        var swapped = Data(capacity: data.count)
        var index = data.startIndex
        while index + 4 <= data.endIndex {
            swapped.append(contentsOf: data[index..<index + 4].reversed())
            index += 4
        }
        return swapped
    }
}
