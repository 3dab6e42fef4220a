import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwiftProtobuf
import Testing
import VigilCore
import VigilEventLog
import VigilHTTP
import VigilOTLPProto
import VigilTestSupport

@Suite("Rate limits per key")
struct RateLimitRouteTests {
    @Test("a key past its requests a second gets 429 with Retry-After naming the limit; another key is unaffected")
    func requestsPerSecond() async throws {
        let harness = try await CollectorHarness.make("rate-requests")
        let test = harness.test
        let limited = try await test.withConnection { connection in
            try await KeyStore.create(project: "alpha", role: .ingest, name: "slow", limits: KeyLimits(requestsPerSecond: 1), on: connection, logger: test.logger)
        }
        let limitedKey = limited.token
        let limitedID = limited.keyID
        let otherKey = harness.ingestKey
        let body = try traceRequest([span(trace: 41, span: 1)])
        try await harness.application.test(.router) { client in
            let first = try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: limitedKey, contentType: "application/x-protobuf"), body: body)
            #expect(first.status == .ok)
            let second = try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: limitedKey, contentType: "application/json"), body: ByteBuffer(string: "{}"))
            #expect(second.status == .tooManyRequests)
            let retryAfter = second.headers[.retryAfter].flatMap(Int.init)
            #expect(retryAfter == 1)
            let status = try json(second.body)
            let message = status["message"] as? String ?? ""
            #expect(message.contains("over its limit of 1 requests a second"), "\(message)")
            #expect(message.contains("key \(limitedID)"))
            // The other key of the same project, and the API for the same key's project, are not limited.
            for _ in 0..<5 {
                let other = try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: otherKey, contentType: "application/x-protobuf"), body: body)
                #expect(other.status == .ok)
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(text.contains("vigil_rate_limited_total{key_id=\"\(limitedID)\",limit=\"requests\"}") || text.contains("vigil_rate_limited_total{limit=\"requests\",key_id=\"\(limitedID)\"}"), "\(text.split(separator: "\n").filter { $0.contains("rate_limited") })")
        }
    }

    @Test("a key past its items a second gets 429 after decoding and nothing of that export is stored; the project's default applies to keys without their own")
    func itemsPerSecondAndProjectDefault() async throws {
        let harness = try await CollectorHarness.make("rate-items")
        let test = harness.test
        let limitedKey = try await test.withConnection { connection in
            var change = KeyLimitsChange()
            change.itemsPerSecond = .set(3)
            _ = try await KeyStore.updateProjectLimits(project: "beta", change: change, on: connection, logger: test.logger)
            return try await KeyStore.create(project: "alpha", role: .ingest, name: "", limits: KeyLimits(itemsPerSecond: 3), on: connection, logger: test.logger).token
        }
        let betaKey = harness.otherProjectIngestKey
        let alphaKey = harness.ingestKey
        let five = try traceRequest((1...5).map { span(trace: 42, span: UInt8($0)) })
        let more = try traceRequest((1...5).map { span(trace: 43, span: UInt8($0)) })
        try await harness.application.test(.router) { client in
            // Five items pass from a full bucket of three (a request larger than the bucket passes once)...
            let first = try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: limitedKey, contentType: "application/x-protobuf"), body: five)
            #expect(first.status == .ok)
            // ...and the debt is paid before the next: about (3 + 2) / 3 s.
            let second = try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: limitedKey, contentType: "application/x-protobuf"), body: more)
            #expect(second.status == .tooManyRequests)
            #expect(second.headers[.retryAfter] == "2")
            let rpc = try RPCStatus(serializedBytes: Array(buffer: second.body))
            #expect(rpc.code == 8)
            #expect(rpc.message.contains("3 spans, data points and log records a second"))
            // beta's keys follow beta's default; alpha's other key has none.
            let beta1 = try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: betaKey, contentType: "application/x-protobuf"), body: five)
            let beta2 = try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: betaKey, contentType: "application/x-protobuf"), body: more)
            #expect(beta1.status == .ok)
            #expect(beta2.status == .tooManyRequests)
            let alpha = try await client.execute(uri: "/v1/traces", method: .post, headers: headers(key: alphaKey, contentType: "application/x-protobuf"), body: more)
            #expect(alpha.status == .ok)
        }
        // Of beta's two exports, only the first was stored.
        let inBeta = "SELECT count(*) FROM events JOIN projects USING (project_id) WHERE name = 'beta' AND kind = 'span' AND body->>'trace_id' = "
        #expect(try await test.scalar(inBeta + "'\(String(repeating: "2a", count: 16))'") == 5)
        #expect(try await test.scalar(inBeta + "'\(String(repeating: "2b", count: 16))'") == 0)
    }
}
