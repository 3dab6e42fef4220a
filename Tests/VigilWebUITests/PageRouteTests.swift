import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing
import VigilAlerting
import VigilCore
import VigilEventLog
import VigilTestSupport

@Suite("Web view pages over real data: charts drawn, user data escaped, projects apart")
struct PageRouteTests {
    static let hostile = "<img src=x onerror=alert(1)>"

    /// An OTLP JSON export of `spans` (already JSON objects) from `service`.
    func tracesBody(service: String, spans: [String]) -> ByteBuffer {
        ByteBuffer(string: """
            {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": \(quoted(service))}}]},
              "scopeSpans": [{"scope": {"name": "ui-test"}, "spans": [\(spans.joined(separator: ","))]}]}]}
            """)
    }

    func quoted(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    func span(trace: String, id: String, parent: String?, name: String, startNanos: UInt64, milliseconds: UInt64, error: Bool = false, attributes: [(String, String)] = []) -> String {
        let attributeJSON = attributes.map { "{\"key\": \(quoted($0.0)), \"value\": {\"stringValue\": \(quoted($0.1))}}" }.joined(separator: ",")
        return """
            {"traceId": "\(trace)", "spanId": "\(id)", \(parent.map { "\"parentSpanId\": \"\($0)\"," } ?? "") "name": \(quoted(name)), "kind": 3,
             "startTimeUnixNano": "\(startNanos)", "endTimeUnixNano": "\(startNanos + milliseconds * 1_000_000)",
             "status": {"code": \(error ? 2 : 1)}, "attributes": [\(attributeJSON)]}
            """
    }

    func signIn(_ client: some TestClientProtocol, project: String, key: String) async throws -> String {
        try await client.execute(uri: "/ui/login", method: .post, headers: formHeaders(), body: formBody([("project", project), ("key", key)])) { response in
            #expect(response.status == .seeOther)
            return String(try #require(response.headers[.setCookie]?.split(separator: ";").first))
        }
    }

    @Test("overview, traces, a trace's waterfall, drift reports and alerts show the project's data, escaped")
    func pages() async throws {
        let harness = try await UIHarness.make("uipages")
        let trace = String(repeating: "0a", count: 16)
        let root = String(repeating: "01", count: 8)
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let start = now - 5 * 60_000_000_000
        let llm = [("gen_ai.request.model", "gpt-4o"), ("gen_ai.usage.input_tokens", "1000"), ("gen_ai.usage.output_tokens", "100")]
        let spans = [
            span(trace: trace, id: root, parent: nil, name: "agent <script>alert(1)</script>", startNanos: start, milliseconds: 2000),
            span(trace: trace, id: String(repeating: "02", count: 8), parent: root, name: "plan", startNanos: start + 100_000_000, milliseconds: 700,
                 attributes: llm + [("user.note", Self.hostile)]),
            span(trace: trace, id: String(repeating: "03", count: 8), parent: String(repeating: "02", count: 8), name: "tool call", startNanos: start + 300_000_000, milliseconds: 200),
            span(trace: trace, id: String(repeating: "04", count: 8), parent: root, name: "answer", startNanos: start + 900_000_000, milliseconds: 1000, error: true, attributes: llm),
        ]
        let alphaIngest: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(harness.ingestKey)"]
        let betaIngest: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(harness.otherProjectIngestKey)"]
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: alphaIngest, body: tracesBody(service: "chat-api", spans: spans)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/traces", method: .post, headers: betaIngest, body: tracesBody(service: "beta-service", spans: [
                span(trace: String(repeating: "0b", count: 16), id: root, parent: nil, name: "beta secret", startNanos: start, milliseconds: 10),
            ])) { #expect($0.status == .ok) }
            try await harness.process()

            let cookie = try await signIn(client, project: "alpha", key: harness.readKey)
            try await client.execute(uri: "/ui", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(response.status == .ok)
                let page = text(response)
                #expect(page.components(separatedBy: "<svg class=\"chart timeseries\"").count - 1 == 4, "calls, error rate, p95 latency, cost")
                #expect(page.contains("<path class=\"line s0\" d=\"M"), "a drawn line")
                #expect(!page.contains("d=\"\""), "no empty path")
                #expect(page.contains("<th scope=\"row\"><a href=\"/ui/traces?service=chat-api&amp;range=1h\">chat-api</a></th>"))
                #expect(page.contains(">gpt-4o</a>"))
                // Calls are LLM calls: "plan" and "answer"; the agent root and the tool call are not.
                #expect(page.contains("<dt>Calls</dt><dd>2</dd>"))
                #expect(page.contains("<dt>Error rate</dt><dd>50.0%</dd>"))
                #expect(!page.contains("beta"), "nothing of the other project")
            }
            try await client.execute(uri: "/ui/traces?status=error", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(response.status == .ok)
                let page = text(response)
                #expect(page.contains("<a href=\"/ui/traces/\(trace)\">agent &lt;script&gt;alert(1)&lt;/script&gt;</a>"))
                #expect(page.contains("1 failed"))
                #expect(!page.contains("<script"), "the span name is text, not markup")
                #expect(!page.contains("beta secret"))
            }
            try await client.execute(uri: "/ui/traces?status=ok", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(text(response).contains("No traces match"))
            }
            try await client.execute(uri: "/ui/traces/\(trace.uppercased())", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(response.status == .ok)
                let page = text(response)
                #expect(page.contains("<svg class=\"chart waterfall\""))
                #expect(page.components(separatedBy: "class=\"bar span").count - 1 == 4, "one bar per span")
                #expect(page.components(separatedBy: "class=\"bar span error\"").count - 1 == 1, "the failed span is marked")
                #expect(page.contains("<a href=\"#span-\(String(repeating: "03", count: 8))\""), "rows link to the spans' attributes")
                #expect(page.contains("id=\"span-\(String(repeating: "03", count: 8))\""))
                #expect(page.contains("x=\"34.0\""), "the tool call, two levels down, is indented twice")
                #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "the attribute is shown as text")
                #expect(!page.contains("<img") && !page.contains("<script"))
                #expect(page.contains("<th scope=\"row\" class=\"mono\">gen_ai.request.model</th>"))
            }

            // Another project's session sees none of it.
            let betaCookie = try await signIn(client, project: "beta", key: harness.otherProjectReadKey)
            try await client.execute(uri: "/ui/traces/\(trace)", method: .get, headers: pageHeaders(cookie: betaCookie)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/ui/traces", method: .get, headers: pageHeaders(cookie: betaCookie)) { response in
                #expect(text(response).contains("beta secret") && !text(response).contains("agent &lt;script"))
            }

            // A stored drift report: listed (drifted in red), and drawn per component.
            let proportions = (0..<10).map { _ in "0.1" }.joined(separator: ",")
            let shifted = "0.02,0.02,0.02,0.04,0.1,0.1,0.1,0.2,0.2,0.2"
            let edges = (1...9).map { String(Double($0) / 10 - 0.5) }.joined(separator: ",")
            let component = { (index: Int) in
                "{\"index\": \(index), \"explained_variance_ratio\": 0.4, \"edges\": [\(edges)], \"reference_proportions\": [\(proportions)], \"current_proportions\": [\(shifted)], \"psi\": 0.61, \"kl\": 0.3, \"js_distance\": 0.25}"
            }
            let report = """
                {"reference_count": 300, "current_count": 300, "dimension": 8, "components": [\(component(0)), \(component(1))], "psi_mean": 0.61, "psi_max": 0.61,
                 "share_over_threshold": 1, "kl_mean": 0.3, "js_mean": 0.25, "centroid_euclidean": 2.5, "centroid_cosine": null, "noise_floor": 0.03,
                 "p_value": 0.005, "threshold": 0.2, "drifted": true}
                """
            let reportID = try await harness.test.scalar("""
                INSERT INTO drift_reports (project_id, id, feature, computed_at, reference_from, reference_to, current_from, current_to, psi_mean, psi_max, drifted, report)
                SELECT project_id, nextval('event_seq'), 'emb<b>', now(), now() - interval '30 hours', now() - interval '29 hours', now() - interval '1 hour', now(), 0.61, 0.61, true, '\(report)'::jsonb
                FROM projects WHERE name = 'alpha' RETURNING id
                """)
            try await client.execute(uri: "/ui/drift", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(response.status == .ok)
                let page = text(response)
                #expect(page.contains("<tr class=\"bad\"><th scope=\"row\"><a href=\"/ui/drift/\(reportID)\">emb&lt;b&gt;</a></th>"))
                #expect(page.contains("<span class=\"badge bad\">drifted</span>"))
                #expect(page.contains("0.6100"))
            }
            try await client.execute(uri: "/ui/drift/\(reportID)", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(response.status == .ok)
                let page = text(response)
                #expect(page.contains("<h1>Drift of emb&lt;b&gt;</h1>"))
                #expect(page.components(separatedBy: "<svg class=\"chart histogram\"").count - 1 == 2, "one histogram per component")
                #expect(page.components(separatedBy: "<rect class=\"bar reference\"").count - 1 == 20)
                #expect(page.components(separatedBy: "<rect class=\"bar current\"").count - 1 == 20)
                #expect(page.contains("Component 2"))
                #expect(page.contains("PSI 0.6100"))
            }
            try await client.execute(uri: "/ui/drift/\(reportID)", method: .get, headers: pageHeaders(cookie: betaCookie)) { #expect($0.status == .notFound) }

            // A silence with markup in its comment.
            try await harness.test.withConnection { connection in
                let reader = AlertCommands(executor: connection, logger: harness.test.logger)
                let project = try await KeyStore.projectID(named: "alpha", on: connection, logger: harness.test.logger)
                let nowMicros = Int64(Date().timeIntervalSince1970 * 1e6)
                _ = try await reader.createSilence(projectID: project, matchers: [Silence.Matcher(name: "alertname", value: "High.*", isRegex: true)],
                                                   startsAtMicros: nowMicros, endsAtMicros: nowMicros + 3_600_000_000, comment: "<b>maintenance</b>", createdBy: "ops")
            }
            try await client.execute(uri: "/ui/alerts", method: .get, headers: pageHeaders(cookie: cookie)) { response in
                #expect(response.status == .ok)
                let page = text(response)
                #expect(page.contains("&lt;b&gt;maintenance&lt;/b&gt;"))
                #expect(page.contains("alertname=~&quot;High.*&quot;"))
                #expect(page.contains(">active</span>"))
            }
        }
    }
}
