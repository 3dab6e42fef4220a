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

@Suite("Summary API")
struct SummaryRouteTests {
    @Test("exported spans show up in the summary per model once the rollup has run; bad parameters are named")
    func summary() async throws {
        let harness = try await CollectorHarness.make("summary")
        func llmSpan(_ index: UInt8, model: String, milliseconds: UInt64, input: Int, output: Int, error: Bool = false) -> OTLPSpan {
            var result = span(trace: 20, span: index)
            result.endTimeUnixNano = result.startTimeUnixNano + milliseconds * 1_000_000
            var attributes: [OTLPKeyValue] = []
            for (key, value) in [("gen_ai.response.model", model), ("gen_ai.operation.name", "chat")] {
                var pair = OTLPKeyValue()
                pair.key = key
                pair.value.stringValue = value
                attributes.append(pair)
            }
            for (key, value) in [("gen_ai.usage.input_tokens", input), ("gen_ai.usage.output_tokens", output)] {
                var pair = OTLPKeyValue()
                pair.key = key
                pair.value.intValue = Int64(value)
                attributes.append(pair)
            }
            result.attributes = attributes
            if error { result.status.code = .error }
            return result
        }
        let spans = [
            llmSpan(1, model: "gpt-4o-2024-08-06", milliseconds: 100, input: 1000, output: 100),
            llmSpan(2, model: "gpt-4o", milliseconds: 300, input: 2000, output: 200, error: true),
            llmSpan(3, model: "my-own-model", milliseconds: 50, input: 10, output: 10),
        ]
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: try traceRequest(spans)) { response in
                #expect(response.status == .ok)
            }
            let runner = ProcessorRunner(processor: RollupProcessor(prices: shippedPrices), database: harness.test.database, logger: harness.test.logger)
            try await harness.test.withConnection { try await runner.runToHead(on: $0) }
            try await client.execute(uri: "/api/v1/summary?group_by=model&from=\(Int64(Date().timeIntervalSince1970 * 1000) - 600_000)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                let groups = body["groups"] as? [[String: Any]] ?? []
                let byModel = Dictionary(uniqueKeysWithValues: groups.map { ($0["model"] as? String ?? "?", $0) })
                let gpt = try #require(byModel["gpt-4o"])
                #expect(gpt["count"] as? Int == 2)
                #expect(gpt["errors"] as? Int == 1)
                #expect(gpt["error_rate"] as? Double == 0.5)
                #expect(gpt["input_tokens"] as? Int == 3000)
                // (3000 × 2.50 + 300 × 10.00) / 1e6
                #expect("\(gpt["cost_usd"] ?? "")" == "0.0105")
                let latency = try #require(gpt["latency_ms"] as? [String: Any])
                #expect(abs((latency["p50"] as? Double ?? 0) - 200) <= 2, "numpy's p50 of 100 and 300 ms is 200 ms")
                let own = try #require(byModel["my-own-model"])
                #expect(own["unpriced_calls"] as? Int == 1)
                #expect("\(own["cost_usd"] ?? "")" == "0")
            }
            try await client.execute(uri: "/api/v1/models/unpriced", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                let models = try json(response.body)["models"] as? [[String: Any]] ?? []
                #expect(models.compactMap { $0["model"] as? String } == ["my-own-model"])
            }
            try await client.execute(uri: "/api/v1/summary?group_by=model", method: .get, headers: headers(key: harness.otherProjectReadKey, contentType: nil)) { response in
                let groups = try json(response.body)["groups"] as? [[String: Any]] ?? []
                #expect(groups.isEmpty, "another project's key sees none of it")
            }
            let tenMinutesAgo = Int64(Date().timeIntervalSince1970 * 1000) - 600_000
            try await client.execute(uri: "/api/v1/timeseries?metric=count&step=1m&from=\(tenMinutesAgo)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                #expect(response.status == .ok)
                let points = try json(response.body)["points"] as? [[String: Any]] ?? []
                #expect((10...11).contains(points.count), "one point a minute")
                #expect(points.compactMap { $0["value"] as? Int }.reduce(0, +) == 3)
            }
            try await client.execute(uri: "/api/v1/timeseries?metric=cost_usd&step=1h&model=gpt-4o&from=\(tenMinutesAgo)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                let values = (try json(response.body)["points"] as? [[String: Any]] ?? []).map { "\($0["value"] ?? "")" }
                #expect(values.contains("0.0105"))
            }
            try await client.execute(uri: "/api/v1/timeseries?metric=latency_p99&step=5m&from=\(tenMinutesAgo)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                let points = try json(response.body)["points"] as? [[String: Any]] ?? []
                #expect(points.contains { $0["value"] is NSNull }, "empty buckets have no percentile")
                #expect(points.contains { ($0["value"] as? Double ?? 0) > 200 })
            }
            for (bad, parameter) in [("metric=nope", "metric"), ("metric=count&step=30s", "step"), ("metric=count&step=1m&from=0", "step")] {
                try await client.execute(uri: "/api/v1/timeseries?\(bad)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    let message = (try json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
                    #expect(message.contains(parameter), "\(bad): \(message)")
                }
            }
            for (bad, parameter) in [("from=yesterday", "from"), ("to=2026-13-01T00:00:00Z", "to"), ("group_by=colour", "group_by"), ("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")] {
                try await client.execute(uri: "/api/v1/summary?\(bad)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    let message = (try json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
                    #expect(message.contains(parameter), "\(bad): \(message)")
                }
            }
        }
    }

    @Test("request, tool and agent spans are not counted as calls by default; kind picks them, groups by them, and a bad kind is named")
    func spanKinds() async throws {
        let harness = try await CollectorHarness.make("summarykinds")
        func kindSpan(_ index: UInt8, milliseconds: UInt64, attributes pairs: [(String, String)]) -> OTLPSpan {
            var result = span(trace: 30, span: index)
            result.endTimeUnixNano = result.startTimeUnixNano + milliseconds * 1_000_000
            result.attributes = pairs.map { key, value in
                var pair = OTLPKeyValue()
                pair.key = key
                pair.value.stringValue = value
                return pair
            }
            return result
        }
        let spans = [
            // One LLM call (GenAI), one embedding call (OpenInference).
            kindSpan(1, milliseconds: 100, attributes: [("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o")]),
            kindSpan(2, milliseconds: 20, attributes: [("openinference.span.kind", "EMBEDDING"), ("llm.model_name", "text-embedding-3-small")]),
            // A tool call, an agent run, an OpenInference chain and two HTTP requests: not calls.
            kindSpan(3, milliseconds: 5, attributes: [("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "search")]),
            kindSpan(4, milliseconds: 900, attributes: [("gen_ai.operation.name", "invoke_agent")]),
            kindSpan(5, milliseconds: 800, attributes: [("openinference.span.kind", "CHAIN")]),
            kindSpan(6, milliseconds: 4000, attributes: [("http.request.method", "POST")]),
            kindSpan(7, milliseconds: 5000, attributes: [("http.request.method", "GET")]),
        ]
        let readHeaders = headers(key: harness.readKey, contentType: nil)
        let ingestHeaders = headers(key: harness.ingestKey, contentType: "application/x-protobuf")
        let database = harness.test.database
        let logger = harness.test.logger
        let test = harness.test
        let export = try traceRequest(spans)
        let from = Int64(Date().timeIntervalSince1970 * 1000) - 600_000
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: ingestHeaders, body: export) { response in
                #expect(response.status == .ok)
            }
            let runner = ProcessorRunner(processor: RollupProcessor(prices: shippedPrices), database: database, logger: logger)
            try await test.withConnection { try await runner.runToHead(on: $0) }
            try await client.execute(uri: "/api/v1/summary?from=\(from)", method: .get, headers: readHeaders) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["kind"] as? String == "llm")
                let groups = body["groups"] as? [[String: Any]] ?? []
                #expect(groups.count == 1)
                #expect(groups.first?["count"] as? Int == 2, "the chat and the embedding call, none of the other five spans")
                let latency = groups.first?["latency_ms"] as? [String: Any]
                let p99 = latency?["p99"] as? Double ?? .infinity
                #expect(p99 < 110, "the HTTP requests' seconds stay out of the calls' latency")
            }
            try await client.execute(uri: "/api/v1/summary?kind=all&group_by=kind&from=\(from)", method: .get, headers: readHeaders) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["kind"] as? String == "all")
                let groups = body["groups"] as? [[String: Any]] ?? []
                let counts = Dictionary(uniqueKeysWithValues: groups.map { ($0["kind"] as? String ?? "?", $0["count"] as? Int ?? -1) })
                #expect(counts == ["llm": 2, "tool": 1, "agent": 1, "other": 3])
            }
            try await client.execute(uri: "/api/v1/summary?kind=tool&group_by=operation&from=\(from)", method: .get, headers: readHeaders) { response in
                let groups = try json(response.body)["groups"] as? [[String: Any]] ?? []
                let operations = groups.compactMap { $0["operation"] as? String }
                #expect(operations == ["execute_tool"])
            }
            try await client.execute(uri: "/api/v1/timeseries?metric=count&step=1h&from=\(from)", method: .get, headers: readHeaders) { response in
                let points = try json(response.body)["points"] as? [[String: Any]] ?? []
                let total = points.compactMap { $0["value"] as? Int }.reduce(0, +)
                #expect(total == 2)
            }
            try await client.execute(uri: "/api/v1/timeseries?metric=count&step=1h&kind=other&from=\(from)", method: .get, headers: readHeaders) { response in
                let points = try json(response.body)["points"] as? [[String: Any]] ?? []
                let total = points.compactMap { $0["value"] as? Int }.reduce(0, +)
                #expect(total == 3)
            }
            for path in ["/api/v1/summary?kind=http", "/api/v1/timeseries?metric=count&kind=LLM"] {
                try await client.execute(uri: path, method: .get, headers: readHeaders) { response in
                    #expect(response.status == .badRequest, "\(path)")
                    let message = (try json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
                    #expect(message.contains("kind"), "\(path): \(message)")
                }
            }
        }
    }
}

let shippedPrices: PriceTable = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pricing/prices.json")
    return try! PriceTable(json: try! Data(contentsOf: url), source: "pricing/prices.json")
}()
