import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilEventLog
import VigilOTLPProto
import VigilProcessors
import VigilTestSupport

@Suite("Evaluations and output quality")
struct QualityRouteTests {
    func attribute(_ key: String, _ value: Any) -> OTLPKeyValue {
        var pair = OTLPKeyValue()
        pair.key = key
        switch value {
        case let text as String: pair.value.stringValue = text
        case let number as Double: pair.value.doubleValue = number
        case let list as [String]:
            var array = OTLPArrayValue()
            array.values = list.map { var any = OTLPAnyValue(); any.stringValue = $0; return any }
            pair.value.arrayValue = array
        default: break
        }
        return pair
    }

    @Test("evaluations from the API and from span attributes and events, and the built-in checks, reach the summary's quality")
    func quality() async throws {
        let harness = try await CollectorHarness.make("quality")
        var spans: [OTLPSpan] = []
        let outputs: [(String, [String], Bool)] = [
            ("Paris.", ["stop"], false),
            ("I'm sorry, but I can't help with that.", ["stop"], false),
            ("The answer begins", ["length"], false),
            ("{\"ok\": tru", ["stop"], true),
            ("", ["stop"], false),
        ]
        for (index, (output, reasons, json)) in outputs.enumerated() {
            var call = span(trace: 30, span: UInt8(index + 1))
            call.attributes = [
                attribute("gen_ai.response.model", "gpt-4o"),
                attribute("gen_ai.completion", output),
                attribute("gen_ai.response.finish_reasons", reasons),
            ]
            if json { call.attributes.append(attribute("gen_ai.output.type", "json")) }
            if index == 0 {
                call.attributes += [attribute("gen_ai.evaluation.name", "relevance"), attribute("gen_ai.evaluation.score.value", 0.5)]
            }
            if index == 1 {
                var event = OTLPSpan.Event()
                event.name = "gen_ai.evaluation.result"
                event.timeUnixNano = call.startTimeUnixNano
                event.attributes = [attribute("gen_ai.evaluation.name", "relevance"), attribute("gen_ai.evaluation.score.value", 1.0)]
                call.events = [event]
            }
            spans.append(call)
        }
        let traceID = String(repeating: "1e", count: 16)
        let body = try traceRequest(spans)
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: body) { #expect($0.status == .ok) }
            let evaluations = """
                {"evaluations": [
                  {"trace_id": "\(traceID)", "span_id": "0101010101010101", "name": "relevance", "value": 0.25, "evaluator": "judge-v1"},
                  {"trace_id": "\(traceID)", "name": "helpful", "value": true},
                  {"trace_id": "\(traceID)", "name": "helpful", "value": false, "comment": "missed the point"},
                  {"trace_id": "\(traceID)", "name": "tone", "value": "friendly"}
                ]}
                """
            try await client.execute(uri: "/api/v1/evaluations", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/json"), body: ByteBuffer(string: evaluations)) { response in
                #expect(response.status == .ok)
                let answer = try json(response.body)
                #expect(answer["accepted"] as? Int == 4)
            }
            for (bad, mention) in [
                ("{\"trace_id\": \"xyz\", \"name\": \"a\", \"value\": 1}", "trace_id"),
                ("[{\"trace_id\": \"\(traceID)\", \"name\": \"a\", \"value\": 1}, {\"trace_id\": \"\(traceID)\", \"value\": 1}]", "evaluation 1: name"),
                ("{\"trace_id\": \"\(traceID)\", \"name\": \"a\"}", "value"),
                ("{\"trace_id\": \"\(traceID)\", \"span_id\": \"12\", \"name\": \"a\", \"value\": 1}", "span_id"),
                ("{\"trace_id\": \"\(traceID)\", \"name\": \"a\", \"value\": 1, \"time\": \"soon\"}", "time"),
                ("not json", "JSON"),
                ("[]", "1 to 1000"),
            ] {
                try await client.execute(uri: "/api/v1/evaluations", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/json"), body: ByteBuffer(string: bad)) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    let message = (try json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
                    #expect(message.contains(mention), "\(bad): \(message)")
                }
            }
            try await client.execute(uri: "/api/v1/evaluations", method: .post, headers: headers(key: harness.readKey, contentType: "application/json"), body: ByteBuffer(string: evaluations)) { response in
                #expect(response.status == .forbidden, "evaluations need an ingest key")
            }
            let runner = ProcessorRunner(processor: RollupProcessor(prices: shippedPrices), database: harness.test.database, logger: harness.test.logger)
            try await harness.test.withConnection { try await runner.runToHead(on: $0) }
            let from = Int64(Date().timeIntervalSince1970 * 1000) - 600_000
            try await client.execute(uri: "/api/v1/summary?group_by=model&from=\(from)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                let groups = try json(response.body)["groups"] as? [[String: Any]] ?? []
                let gpt = try #require(groups.first { $0["model"] as? String == "gpt-4o" })
                let quality = try #require(gpt["quality"] as? [String: Any])
                // relevance: 0.5 (attribute), 1.0 (span event), 0.25 (API, attributed to span 01's model)
                #expect(abs((quality["relevance"] as? Double ?? 0) - 1.75 / 3) < 1e-9)
                #expect(quality["helpful"] as? Double == 0.5, "true and false")
                #expect(quality["tone"] is NSNull, "labels only: counted, no mean")
                #expect((gpt["quality_counts"] as? [String: Any])?["tone"] as? Int == 1)
                #expect(quality["check.empty_output"] as? Double == 0.2)
                #expect(quality["check.refusal"] as? Double == 0.2)
                #expect(quality["check.truncated"] as? Double == 0.2)
                #expect(quality["check.invalid_json"] as? Double == 1, "one span asked for JSON and got a broken one")
            }
            // The checks are counted in the rollup rows, so they group by status too; evaluations are kept by service and model alone.
            try await client.execute(uri: "/api/v1/summary?group_by=status&from=\(from)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                let groups = try json(response.body)["groups"] as? [[String: Any]] ?? []
                let checked = groups.map { ($0["quality_counts"] as? [String: Any])?["check.empty_output"] as? Int ?? 0 }.reduce(0, +)
                #expect(checked == outputs.count, "every output checked once: \(groups)")
                #expect(groups.allSatisfy { ($0["quality"] as? [String: Any])?["relevance"] == nil }, "no evaluation in a grouping by status")
            }
        }
    }
}
