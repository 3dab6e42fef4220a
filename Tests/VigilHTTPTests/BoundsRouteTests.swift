import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilTestSupport

/// Bounded work for every request: list parameters with a bounded count, silence patterns a
/// linear-time matcher takes.
@Suite("Bounded requests")
struct BoundsRouteTests {
    @Test("group_by lists at most 16 dimensions; more is a 400 naming the parameter and the limit")
    func groupByCount() async throws {
        let harness = try await CollectorHarness.make("bounds_group_by")
        let readKey = harness.readKey
        try await harness.application.test(.router) { client in
            let many = Array(repeating: "service", count: 17).joined(separator: ",")
            let message = try await client.execute(uri: "/api/v1/summary?group_by=\(many)", method: .get, headers: headers(key: readKey, contentType: nil)) { response in
                #expect(response.status == .badRequest)
                return try boundsErrorMessage(response)
            }
            #expect(message.contains("group_by") && message.contains("16"), "\(message)")
            let status = try await client.execute(uri: "/api/v1/summary?group_by=service,model", method: .get, headers: headers(key: readKey, contentType: nil)) { $0.status }
            #expect(status == .ok)
        }
    }

    @Test("a silence's pattern that could stall a backtracking matcher is refused naming the matcher; a legitimate one is taken")
    func silencePatterns() async throws {
        let harness = try await CollectorHarness.make("bounds_silences")
        let adminKey = harness.adminKey
        let ends = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
        try await harness.application.test(.router) { client in
            for (pattern, reason) in [(#"(a+)\\1"#, "backreference"), (String(repeating: "a", count: 1025), "1024"), ("(?=x)y", "lookahead")] {
                let body = #"{"matchers": [{"name": "severity", "value": "page"}, {"name": "alertname", "value": "\#(pattern)", "isRegex": true}], "endsAt": \#(ends), "comment": "why"}"#
                let message = try await client.execute(uri: "/api/v1/silences", method: .post, headers: headers(key: adminKey, contentType: "application/json"), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(pattern.prefix(40))")
                    return try boundsErrorMessage(response)
                }
                #expect(message.contains("matcher 1") && message.contains("alertname") && message.contains(reason), "\(message)")
            }
            let body = #"{"matchers": [{"name": "alertname", "value": "(High|Low)Latency.*", "isRegex": true}], "endsAt": \#(ends), "comment": "why"}"#
            let status = try await client.execute(uri: "/api/v1/silences", method: .post, headers: headers(key: adminKey, contentType: "application/json"), body: ByteBuffer(string: body)) { $0.status }
            #expect(status == .ok)
        }
    }
}

func boundsErrorMessage(_ response: TestResponse) throws -> String {
    (try json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
}
