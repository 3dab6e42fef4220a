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
}

let shippedPrices: PriceTable = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pricing/prices.json")
    return try! PriceTable(json: try! Data(contentsOf: url), source: "pricing/prices.json")
}()
