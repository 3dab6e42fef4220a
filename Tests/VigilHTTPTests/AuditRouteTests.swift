import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import VigilCore
import VigilEventLog
import VigilProcessors
import VigilTestSupport

@Suite("Audit trail and retention routes")
struct AuditRouteTests {
    @Test("operate and admin actions are audited with key, role, target, outcome and request id; admins see their project's, the operator every project's")
    func listing() async throws {
        let harness = try await RoleHarness.make("auditlist")
        let keys = harness.keys, betaKeys = harness.betaKeys
        let test = harness.test
        let endsAt = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        // One test client for the whole test: each `test(.router)` runs the application's
        // services, and a PostgresClient runs only once.
        try await harness.application.test(.router) { client in
            let silenceID = try await client.execute(uri: "/api/v1/silences", method: .post, headers: headers(key: keys[.operate], contentType: "application/json"),
                                                     body: ByteBuffer(string: "{\"matchers\": [{\"name\": \"service\", \"value\": \"chat\"}], \"endsAt\": \"\(endsAt)\", \"comment\": \"deploy\"}")) { response -> Int in
                #expect(response.status == .ok)
                let body = try json(response.body)
                return body["id"] as? Int ?? 0
            }
            #expect(silenceID > 0)
            try await client.execute(uri: "/api/v1/silences/999999", method: .delete, headers: headers(key: keys[.operate], contentType: nil)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/retention", method: .put, headers: headers(key: keys[.admin], contentType: "application/json"),
                                     body: ByteBuffer(string: "{\"days\": 7}")) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/retention", method: .put, headers: headers(key: keys[.admin], contentType: "application/json"),
                                     body: ByteBuffer(string: "{\"days\": 0}")) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/retention", method: .get, headers: headers(key: keys[.read], contentType: nil)) { response in
                let body = try json(response.body)
                #expect(body["days"] as? Int == 7)
                #expect(body["source"] as? String == "project")
            }
            try await client.execute(uri: "/api/v1/retention", method: .get, headers: headers(key: betaKeys[.read], contentType: nil)) { response in
                let body = try json(response.body)
                #expect(body["days"] as? Int == 30)
                #expect(body["source"] as? String == "default")
            }
            // The audit processor folds the events into the projection the route reads.
            try await test.withConnection { connection in
                try await connection.transaction(logger: test.logger) { transaction in
                    try await AuditProcessor().apply(ProcessorBatch(after: 0, through: Int64.max, resets: 0), input: (), on: transaction, logger: test.logger)
                }
            }
            let tokens = Array(keys.values) + Array(betaKeys.values)
            let alphaBody = try await client.execute(uri: "/api/v1/audit?limit=1000", method: .get, headers: headers(key: keys[.admin], contentType: nil)) { response -> ByteBuffer in
                #expect(response.status == .ok)
                return response.body
            }
            let text = String(buffer: alphaBody)
            for token in tokens { #expect(!text.contains(token), "a key's token in the audit trail") }
            let alpha = try Self.entries(alphaBody)
            #expect(Set(alpha.compactMap { $0["project"] as? String }) == ["alpha"])
            let create = try #require(alpha.first { $0["action"] as? String == "silence.create" })
            #expect(create["target"] as? String == String(silenceID))
            #expect(create["outcome"] as? String == "succeeded")
            #expect(create["role"] as? String == "operate")
            #expect(create["actor"] as? String == "key")
            #expect((create["request_id"] as? String)?.isEmpty == false)
            #expect(alpha.contains { $0["action"] as? String == "silence.expire" && $0["outcome"] as? String == "not_found" && $0["target"] as? String == "999999" })
            #expect(alpha.contains { $0["action"] as? String == "retention.set" && $0["outcome"] as? String == "succeeded" })
            #expect(alpha.contains { $0["action"] as? String == "retention.set" && $0["outcome"] as? String == "rejected" })
            #expect(alpha.contains { $0["action"] as? String == "key.create" && $0["actor"] as? String == "cli" && $0["request_id"] is NSNull })

            let beta = try Self.entries(try await client.execute(uri: "/api/v1/audit", method: .get, headers: headers(key: betaKeys[.admin], contentType: nil)) { response -> ByteBuffer in
                response.body
            })
            #expect(Set(beta.compactMap { $0["project"] as? String }) == ["beta"])
            try await client.execute(uri: "/api/v1/audit?project=alpha", method: .get, headers: headers(key: betaKeys[.admin], contentType: nil)) { response in
                #expect(response.status == .notFound)
            }

            let everything = try Self.entries(try await client.execute(uri: "/api/v1/audit?limit=1000", method: .get, headers: headers(key: keys[.operator], contentType: nil)) { response -> ByteBuffer in
                response.body
            })
            #expect(Set(everything.compactMap { $0["project"] as? String }).isSuperset(of: ["alpha", "beta", "_instance"]))
            let onlyBeta = try Self.entries(try await client.execute(uri: "/api/v1/audit?project=beta&limit=1000", method: .get, headers: headers(key: keys[.operator], contentType: nil)) { response -> ByteBuffer in
                response.body
            })
            #expect(onlyBeta.count == beta.count)
            try await client.execute(uri: "/api/v1/audit?from=nonsense", method: .get, headers: headers(key: keys[.operator], contentType: nil)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    /// The entries of an audit listing.
    static func entries(_ body: ByteBuffer) throws -> [[String: Any]] {
        try json(body)["entries"] as? [[String: Any]] ?? []
    }
}
