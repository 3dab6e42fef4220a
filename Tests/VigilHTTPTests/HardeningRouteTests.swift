import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilTestSupport

/// No request from any key crashes the server or gets a 500: numbers out of range, NUL bytes,
/// overlong values and malformed keys are refused with a status and a message naming what was wrong.
@Suite("Hostile input")
struct HardeningRouteTests {
    @Test("the overflowing step of the reproduction is a 400 naming step, and the server keeps answering")
    func overflowingStep() async throws {
        let harness = try await CollectorHarness.make("hostile_step")
        try await harness.application.test(.router) { client in
            for step in ["153722867280912931m", "9223372036854775807d", "-1m", "0m", "367d", "1.5m", "m"] {
                try await client.execute(uri: "/api/v1/timeseries?metric=count&step=\(step)", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                    #expect(response.status == .badRequest, "step=\(step)")
                    let text = try errorMessage(response)
                    #expect(text.contains("query parameter step="), "step=\(step): \(text)")
                    #expect(text.contains("366d"), "the message gives the allowed range: \(text)")
                }
            }
            try await client.execute(uri: "/api/v1/timeseries?metric=count&step=1m", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("numbers at and past Int64's range, negative, NaN and infinite are 400s naming the parameter")
    func numbersOutOfRange() async throws {
        let harness = try await CollectorHarness.make("hostile_numbers")
        let hostile = ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999999",
                       "-1", "NaN", "nan", "inf", "-inf", "Infinity", "1e400", "0x10"]
        let parameters: [(path: String, fixed: String, names: [String])] = [
            ("/api/v1/timeseries", "metric=count&", ["step", "from", "to"]),
            ("/api/v1/summary", "", ["from", "to"]),
            ("/api/v1/traces", "", ["from", "to", "min_latency_ms", "min_cost_usd", "limit"]),
            ("/api/v1/events", "", ["after", "limit"]),
        ]
        try await harness.application.test(.router) { client in
            for (path, fixed, names) in parameters {
                for name in names {
                    for value in hostile {
                        // `after` is a sequence number: Int64.max is a valid (empty) position, checked below.
                        if name == "after", value == "9223372036854775807" { continue }
                        let uri = "\(path)?\(fixed)\(name)=\(value)"
                        try await client.execute(uri: uri, method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                            #expect(response.status == .badRequest, "\(uri)")
                            let text = try errorMessage(response)
                            #expect(text.contains("query parameter \(name)="), "\(uri): \(text)")
                        }
                    }
                }
            }
            try await client.execute(uri: "/api/v1/events?after=9223372036854775807", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                #expect(response.status == .ok)
                let events = try json(response.body)["events"] as? [Any]
                #expect(events?.isEmpty == true)
            }
            for uri in ["/api/v1/summary?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z", "/api/v1/traces?from=0&to=253402300799999&min_latency_ms=1000000000000&min_cost_usd=1000000000"] {
                try await client.execute(uri: uri, method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                    #expect(response.status == .ok, "the edges of the ranges are taken: \(uri)")
                }
            }
            for uri in ["/api/v1/summary?to=10000-01-01T00:00:00Z", "/api/v1/summary?from=1969-12-31T23:59:59Z", "/api/v1/traces?to=253402300800000",
                        "/api/v1/traces?cursor=-9223372036854775808.0123456789abcdef0123456789abcdef"] {
                try await client.execute(uri: uri, method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    let name = String(uri.split(separator: "?")[1].prefix { $0 != "=" })
                    let message = try errorMessage(response)
                    #expect(message.contains("query parameter \(name)="), "\(uri)")
                }
            }
        }
    }

    @Test("NUL bytes and overlong values in parameters and JSON strings are 400s naming them, before any query")
    func textPostgresRefuses() async throws {
        let harness = try await CollectorHarness.make("hostile_text")
        let long = String(repeating: "a", count: 1025)
        try await harness.application.test(.router) { client in
            for (uri, name) in [
                ("/api/v1/summary?service=%00", "service"),
                ("/api/v1/summary?model=gpt%004o", "model"),
                ("/api/v1/timeseries?metric=count&service=%00", "service"),
                ("/api/v1/traces?service=a%00", "service"),
                ("/api/v1/traces?cursor=%00", "cursor"),
                ("/api/v1/drift/reports?feature=%00", "feature"),
                ("/api/v1/notifications?status=%00", "status"),
                ("/api/v1/events?unused=%00", "unused"),
                ("/api/v1/summary?service=\(long)", "service"),
                ("/api/v1/traces?model=\(long)", "model"),
            ] {
                try await client.execute(uri: uri, method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                    #expect(response.status == .badRequest, "\(uri.prefix(80))")
                    let text = try errorMessage(response)
                    #expect(text.contains("query parameter \(name)"), "\(uri.prefix(80)): \(text)")
                }
            }
            try await client.execute(uri: "/api/v1/summary?service=\(String(repeating: "a", count: 1024))", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                #expect(response.status == .ok, "1024 characters are taken")
            }
            let ends = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
            for (path, body, name) in [
                ("/api/v1/drift/baselines", #"{"feature": "a\u0000b", "trailing": "7d"}"#, "feature"),
                ("/api/v1/drift/compute", #"{"feature": "\u0000", "current": {"from": 0, "to": 1}, "reference": {"last": 100}}"#, "feature"),
                ("/api/v1/silences", #"{"matchers": [{"name": "alertname", "value": "x"}], "endsAt": \#(ends), "comment": "why\u0000"}"#, "comment"),
                ("/api/v1/silences", #"{"matchers": [{"name": "alertname", "value": "x"}], "endsAt": \#(ends), "comment": "why", "createdBy": "\u0000"}"#, "createdBy"),
                ("/api/v1/silences", #"{"matchers": [{"name": "alert\u0000name", "value": "x"}], "endsAt": \#(ends), "comment": "why"}"#, "matcher 0: name"),
            ] {
                // Computing a report is a read; pins and silences are on-call actions (admin holds them too).
                let key = path == "/api/v1/drift/compute" ? harness.readKey : harness.adminKey
                try await client.execute(uri: path, method: .post, headers: headers(key: key, contentType: "application/json"), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(path) \(body)")
                    let text = try errorMessage(response)
                    #expect(text.contains(name) && text.contains("NUL"), "\(path): \(text)")
                }
            }
            try await client.execute(uri: "/api/v1/embeddings", method: .post, headers: headers(key: harness.ingestKey, contentType: "application/json"),
                                     body: ByteBuffer(string: #"{"feature": "f", "model": "m\u0000", "vectors": [[1, 2]]}"#)) { response in
                #expect(response.status == .badRequest)
                let message = try errorMessage(response)
                #expect(message.contains("model"))
            }
        }
    }

    @Test("a malformed key is a 401 that says so; a well-formed unknown one is a 401 too")
    func malformedKeys() async throws {
        let harness = try await CollectorHarness.make("hostile_keys")
        try await harness.application.test(.router) { client in
            for key in ["vgl_short", "vgl_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB!", "xyz_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                        "vgl_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", String(repeating: "k", count: 8000), "vgl_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBé"] {
                try await client.execute(uri: "/api/v1/summary", method: .get, headers: headers(key: key, contentType: nil)) { response in
                    #expect(response.status == .unauthorized, "\(key.prefix(60))")
                    let message = try errorMessage(response)
                    #expect(message.contains("malformed"), "\(key.prefix(60))")
                }
            }
            for _ in 0..<3 {
                try await client.execute(uri: "/api/v1/summary", method: .get, headers: headers(key: "vgl_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", contentType: nil)) { response in
                    #expect(response.status == .unauthorized)
                    let message = try errorMessage(response)
                    #expect(message.contains("not valid"))
                }
            }
            try await client.execute(uri: "/api/v1/summary", method: .get, headers: headers(key: harness.readKey, contentType: nil)) { response in
                #expect(response.status == .ok, "a valid key still works")
            }
        }
    }
}

/// The error message of a JSON error answer.
private func errorMessage(_ response: TestResponse) throws -> String {
    (try json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
}
