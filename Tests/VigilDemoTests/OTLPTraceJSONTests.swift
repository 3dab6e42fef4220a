import Foundation
import Testing
import VigilDemo

@Suite("OTLP JSON and API bodies")
struct OTLPTraceJSONTests {
    static func traces() -> [DemoTrace] {
        TrafficGenerator(seed: 1).traces(for: TrafficSlice(index: 0, startNanos: 1_764_000_000_000_000_000, lengthNanos: 60_000_000_000,
                                                           minutes: 1, phases: [.errorBurst]))
    }

    @Test("one resource per service, hex ids, 64-bit numbers as strings, errors as status 2")
    func traceBody() throws {
        let traces = Self.traces()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(OTLPTraceJSON.body(traces))) as? [String: Any])
        let resources = try #require(object["resourceSpans"] as? [[String: Any]])
        var services: [String] = []
        var spanCount = 0
        var errors = 0
        for resource in resources {
            let attributes = try #require((resource["resource"] as? [String: Any])?["attributes"] as? [[String: Any]])
            let service = try #require(attributes.first { $0["key"] as? String == "service.name" }?["value"] as? [String: Any])
            services.append(try #require(service["stringValue"] as? String))
            let scopes = try #require(resource["scopeSpans"] as? [[String: Any]])
            for span in try #require(scopes.first?["spans"] as? [[String: Any]]) {
                spanCount += 1
                let traceID = try #require(span["traceId"] as? String)
                #expect(traceID.count == 32 && traceID.allSatisfy(\.isHexDigit))
                #expect((span["spanId"] as? String)?.count == 16)
                #expect(UInt64(try #require(span["startTimeUnixNano"] as? String)) != nil)
                for attribute in try #require(span["attributes"] as? [[String: Any]]) {
                    let value = try #require(attribute["value"] as? [String: Any])
                    if let number = value["intValue"] { #expect(number is String) }
                }
                if let status = span["status"] as? [String: Any] {
                    #expect(status["code"] as? Int == 2)
                    errors += 1
                }
            }
        }
        #expect(Set(services) == Set(TrafficGenerator.services))
        #expect(services.count == Set(services).count)
        #expect(spanCount == traces.reduce(0) { $0 + $1.spans.count })
        #expect(errors == traces.flatMap(\.spans).filter(\.isError).count)
        #expect(errors > 0)
    }

    @Test("embedding vectors go as base64 of little-endian float32, with time, trace and span")
    func embeddingBody() throws {
        let trace = try #require(Self.traces().first { $0.prompt != nil })
        let prompt = try #require(trace.prompt)
        let body = DemoAPIBody.embeddings(feature: "prompt_embedding", model: "m", [(trace.traceID, prompt)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["feature"] as? String == "prompt_embedding")
        let item = try #require((object["embeddings"] as? [[String: Any]])?.first)
        let text = try #require(item["vector"] as? String)
        let bytes = try #require(Data(base64Encoded: text).map { Array($0) })
        var floats: [Float] = []
        for offset in stride(from: 0, to: bytes.count, by: 4) {
            var bits = UInt32(bytes[offset])
            bits |= UInt32(bytes[offset + 1]) << 8
            bits |= UInt32(bytes[offset + 2]) << 16
            bits |= UInt32(bytes[offset + 3]) << 24
            floats.append(Float(bitPattern: bits))
        }
        #expect(floats == prompt.vector)
        #expect(item["trace_id"] as? String == trace.traceID)
        #expect(item["span_id"] as? String == prompt.spanID)
        #expect((item["time"] as? String)?.hasSuffix("Z") == true)
    }

    @Test("evaluations name their trace, span, value and time")
    func evaluationBody() throws {
        let trace = try #require(Self.traces().first { !$0.evaluations.isEmpty })
        let evaluation = trace.evaluations[0]
        let object = try #require(try JSONSerialization.jsonObject(with: Data(DemoAPIBody.evaluations([(trace.traceID, evaluation)]))) as? [String: Any])
        let item = try #require((object["evaluations"] as? [[String: Any]])?.first)
        #expect(item["trace_id"] as? String == trace.traceID)
        #expect(item["span_id"] as? String == evaluation.spanID)
        #expect(item["name"] as? String == evaluation.name)
        #expect(item["value"] != nil)
    }
}
