import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Query API, health and metrics")
struct APIRouteTests {
    @Test("the events API shows a key's own project only, in order, and names a bad parameter")
    func projectIsolation() async throws {
        let harness = try await CollectorHarness.make("isolation")
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: try traceRequest([span(trace: 8, span: 1, name: "alpha-span")])) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.otherProjectIngestKey, contentType: "application/x-protobuf"), body: try traceRequest([span(trace: 9, span: 1, name: "beta-span")])) { response in
                #expect(response.status == .ok)
            }
            for (key, mine, theirs) in [(harness.readKey, "alpha-span", "beta-span"), (harness.otherProjectReadKey, "beta-span", "alpha-span")] {
                try await client.execute(uri: "/api/v1/events?after=0&limit=1000", method: .get, headers: headers(key: key, contentType: nil)) { response in
                    #expect(response.status == .ok)
                    let events = try json(response.body)["events"] as? [[String: Any]] ?? []
                    let names = events.filter { $0["kind"] as? String == "span" }.compactMap { ($0["body"] as? [String: Any])?["name"] as? String }
                    #expect(names == [mine])
                    #expect(!names.contains(theirs))
                    let seqs = events.compactMap { $0["seq"] as? Int }
                    #expect(seqs == seqs.sorted())
                    #expect(Set(events.compactMap { $0["project_id"] as? Int }).count == 1)
                }
            }
            for bad in ["after=-1", "limit=0", "limit=abc", "limit=5000"] {
                try await client.execute(uri: "/api/v1/events?\(bad)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    let error = try json(response.body)["error"] as? [String: Any]
                    let parameter = String(bad.prefix { $0 != "=" })
                    #expect((error?["message"] as? String)?.contains(parameter) == true)
                    #expect((error?["request_id"] as? String)?.isEmpty == false)
                }
            }
        }
    }

    @Test("health, readiness, the OpenAPI document and Prometheus metrics answer without a key")
    func operations() async throws {
        let harness = try await CollectorHarness.make("ops")
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/x-protobuf"), body: try traceRequest([span(trace: 10, span: 1)])) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try json(response.body)
                let paths = try #require(document["paths"] as? [String: Any])
                for path in ["/v1/traces", "/v1/metrics", "/v1/logs", "/api/v1/events", "/api/v1/summary", "/api/v1/evaluations", "/api/v1/timeseries", "/api/v1/models/unpriced", "/api/v1/traces", "/api/v1/traces/{trace_id}", "/healthz", "/readyz", "/metrics"] {
                    #expect(paths[path] != nil, "\(path)")
                }
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("vigil_otlp_items_accepted_total"))
                #expect(text.contains("vigil_appender_events_committed_total"))
            }
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try json(response.body)
                #expect(body["error"] != nil)
            }
        }
    }
}
