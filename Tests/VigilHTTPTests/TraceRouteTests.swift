import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilEventLog
import VigilHTTP
import VigilOTLPProto
import VigilProcessors
import VigilTestSupport

@Suite("Trace search and trace detail")
struct TraceRouteTests {
    func attribute(_ key: String, _ value: Any) -> OTLPKeyValue {
        var pair = OTLPKeyValue()
        pair.key = key
        switch value {
        case let text as String: pair.value.stringValue = text
        case let number as Int: pair.value.intValue = Int64(number)
        default: break
        }
        return pair
    }

    /// An agent trace: a root span and two LLM calls under it.
    func agentTrace(_ trace: UInt8, start: UInt64, error: Bool = false, callMilliseconds: UInt64 = 400) -> [OTLPSpan] {
        var root = span(trace: trace, span: 1, name: "agent run")
        root.startTimeUnixNano = start
        root.endTimeUnixNano = start + 2_000_000_000
        root.attributes = []
        var calls: [OTLPSpan] = []
        for index in 0..<2 {
            var call = span(trace: trace, span: UInt8(2 + index), name: "chat gpt-4o")
            call.parentSpanID = root.spanID
            call.startTimeUnixNano = start + UInt64(index) * 500_000_000
            call.endTimeUnixNano = call.startTimeUnixNano + callMilliseconds * 1_000_000
            call.attributes = [attribute("gen_ai.response.model", "gpt-4o"), attribute("gen_ai.usage.input_tokens", 1000), attribute("gen_ai.usage.output_tokens", 100)]
            if error, index == 1 { call.status.code = .error }
            calls.append(call)
        }
        return [root] + calls
    }

    @Test("traces are summarised across their spans, searched with filters and a cursor, and shown as a tree")
    func traces() async throws {
        let harness = try await CollectorHarness.make("traces")
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        var spans: [OTLPSpan] = []
        for trace in 1...5 {
            spans += agentTrace(UInt8(trace), start: now - UInt64(10 - trace) * 60_000_000_000, error: trace == 3, callMilliseconds: trace == 5 ? 1_900 : 400)
        }
        let children = try traceRequest(spans.filter { !$0.parentSpanID.isEmpty })
        let roots = try traceRequest(spans.filter { $0.parentSpanID.isEmpty })
        try await harness.application.test(.router) { client in
            // Children first, root later: the summary must not depend on arrival order.
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: children) { #expect($0.status == .ok) }
            let runner = ProcessorRunner(processor: RollupProcessor(prices: shippedPrices), database: harness.test.database, logger: harness.test.logger)
            try await harness.test.withConnection { try await runner.runToHead(on: $0) }
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: roots) { #expect($0.status == .ok) }
            try await harness.test.withConnection { try await runner.runToHead(on: $0) }

            func search(_ query: String) async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/traces?\(query)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                    #expect(response.status == .ok, "\(query)")
                    return try json(response.body)
                }
            }
            let all = try await search("limit=50")
            let traces = all["traces"] as? [[String: Any]] ?? []
            #expect(traces.count == 5)
            #expect(traces.compactMap { $0["trace_id"] as? String } == (1...5).reversed().map { String(repeating: String(format: "%02x", $0), count: 16) }, "newest first")
            let first = try #require(traces.last)
            #expect(first["span_count"] as? Int == 3)
            #expect(first["llm_calls"] as? Int == 2)
            #expect(first["root_name"] as? String == "agent run")
            #expect(first["input_tokens"] as? Int == 2000)
            #expect("\(first["cost_usd"] ?? "")" == "0.007", "2 × (1000 × 2.50 + 100 × 10.00) / 1e6")
            #expect(abs((first["duration_ms"] as? Double ?? 0) - 2000) < 0.01)
            #expect(first["models"] as? [String] == ["gpt-4o"])

            #expect((try await search("status=error")["traces"] as? [[String: Any]])?.count == 1)
            #expect((try await search("status=ok")["traces"] as? [[String: Any]])?.count == 4)
            #expect((try await search("min_latency_ms=2300")["traces"] as? [[String: Any]])?.count == 1, "only trace 5's last call runs past the root")
            #expect((try await search("min_cost_usd=0.0071")["traces"] as? [[String: Any]])?.count == 0)
            #expect((try await search("model=gpt-4o-2024-08-06")["traces"] as? [[String: Any]])?.count == 5)

            var seen: [String] = []
            var cursor: String? = nil
            for _ in 0..<10 {
                let page = try await search("limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                seen += (page["traces"] as? [[String: Any]] ?? []).compactMap { $0["trace_id"] as? String }
                cursor = page["next_cursor"] as? String
                if cursor == nil { break }
            }
            #expect(seen == traces.compactMap { $0["trace_id"] as? String }, "the cursor walks every trace once")

            let id = String(repeating: "03", count: 16)
            try await client.execute(uri: "/api/v1/traces/\(id)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                let roots = body["spans"] as? [[String: Any]] ?? []
                #expect(roots.count == 1)
                #expect(roots.first?["name"] as? String == "agent run")
                let children = roots.first?["children"] as? [[String: Any]] ?? []
                #expect(children.count == 2)
                #expect((children.first?["attributes"] as? [String: Any])?["gen_ai.usage.input_tokens"] as? Int == 1000)
                #expect((body["summary"] as? [String: Any])?["error"] as? Bool == true)
            }
            for (uri, key, status) in [
                ("/api/v1/traces/\(String(repeating: "ee", count: 16))", harness.readKey, HTTPResponse.Status.notFound),
                ("/api/v1/traces/\(id)", harness.otherProjectReadKey, .notFound),
                ("/api/v1/traces/not-hex", harness.readKey, .badRequest),
                ("/api/v1/traces?status=maybe", harness.readKey, .badRequest),
                ("/api/v1/traces?min_latency_ms=-1", harness.readKey, .badRequest),
                ("/api/v1/traces?cursor=garbage", harness.readKey, .badRequest),
                ("/api/v1/traces?min_cost_usd=1e3", harness.readKey, .badRequest),
            ] {
                try await client.execute(uri: uri, method: .get, headers: headers(key: key, contentType: nil)) { response in
                    #expect(response.status == status, "\(uri)")
                }
            }
        }
    }

    @Test("a trace's detail returns at most VIGIL_TRACE_MAX_SPANS spans, the earliest, and says how many there are")
    func spanCap() async throws {
        let harness = try await CollectorHarness.make("trace_cap") { $0.maxTraceSpans = 2 }
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let body = try traceRequest(agentTrace(7, start: now - 60_000_000_000) + agentTrace(8, start: now - 30_000_000_000).prefix(2))
        let readKey = harness.readKey
        let ingestKey = harness.ingestKey
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: ingestKey, contentType: "application/x-protobuf"), body: body) { #expect($0.status == .ok) }
            let long = try await client.execute(uri: "/api/v1/traces/\(String(repeating: "07", count: 16))", method: .get, headers: headers(key: readKey, contentType: nil)) { response in
                #expect(response.status == .ok)
                return try json(response.body)
            }
            #expect(long["truncated"] as? Bool == true)
            #expect(long["total"] as? Int == 3)
            #expect(long["span_count"] as? Int == 2)
            let roots = long["spans"] as? [[String: Any]] ?? []
            #expect(roots.first?["name"] as? String == "agent run", "the earliest spans are the ones kept")
            #expect((roots.first?["children"] as? [[String: Any]])?.count == 1)

            let whole = try await client.execute(uri: "/api/v1/traces/\(String(repeating: "08", count: 16))", method: .get, headers: headers(key: readKey, contentType: nil)) { response in
                #expect(response.status == .ok)
                return try json(response.body)
            }
            #expect(whole["truncated"] as? Bool == false)
            #expect(whole["total"] as? Int == 2)
            #expect(whole["span_count"] as? Int == 2)
        }
    }
}
