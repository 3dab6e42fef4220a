import Foundation
import PostgresNIO
import Testing
import VigilCore
@testable import VigilEventLog
import VigilTestSupport

@Suite("Appender backpressure and keys")
struct AppenderAndKeyTests {
    @Test("a full queue refuses with overloaded and Retry-After; accepted requests still commit", .timeLimit(.minutes(1)))
    func backpressure() async throws {
        let test = try await TestDatabase.fresh("backpressure")
        var configuration = EventAppender.Configuration()
        configuration.maxQueuedEvents = 10
        let appender = EventAppender(database: test.database, configuration: configuration, logger: test.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Not running yet: the first request waits in the queue and fills it.
            group.addTask { try await appender.append(sampleEvents(8, tag: "first")) }
            for _ in 0..<1000 where appender.queuedEventCount < 8 {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(appender.queuedEventCount == 8)
            let refusal = await #expect(throws: VigilError.self) { try await appender.append(sampleEvents(5, tag: "second")) }
            #expect(refusal?.code == .overloaded)
            #expect(refusal?.retryAfterSeconds == 1)
            let tooLarge = await #expect(throws: VigilError.self) { try await appender.append(sampleEvents(11, tag: "huge")) }
            #expect(tooLarge?.code == .tooLarge)
            let runner = Task { try await appender.run() }
            try await group.next()
            runner.cancel()
            _ = try? await runner.value
        }
        #expect(try await test.scalar("SELECT count(*) FROM events") == 8)
    }

    @Test("keys are stored hashed, verify only with the whole secret, and stop working when revoked")
    func keys() async throws {
        let test = try await TestDatabase.fresh("keys")
        let created = try await test.withConnection {
            try await KeyStore.create(project: "shop", role: .ingest, name: "ci", on: $0, logger: test.logger)
        }
        #expect(created.token.hasPrefix("vgl_"))
        let storedInClear = try await test.scalar("SELECT count(*) FROM api_keys WHERE position(convert_to('\(created.token)', 'UTF8') in secret_hash) > 0 OR lookup = '\(created.token)'")
        #expect(storedInClear == 0)
        let connection = try await test.database.connect()
        defer { Task { try? await connection.close() } }
        let store = KeyStore(executor: connection, cacheTTL: .zero, logger: test.logger)
        let principal = try #require(try await store.verify(token: created.token))
        #expect(principal.role == .ingest)
        #expect(principal.projectID == created.projectID)
        #expect(principal.projectName == "shop")
        var tampered = Array(created.token)
        tampered[tampered.count - 1] = tampered.last == "a" ? "b" : "a"
        #expect(try await store.verify(token: String(tampered)) == nil)
        #expect(try await store.verify(token: "vgl_nonsense") == nil)
        #expect(try await store.verify(token: "") == nil)

        let other = try await test.withConnection {
            try await KeyStore.create(project: "other", role: .read, name: "", on: $0, logger: test.logger)
        }
        #expect(other.projectID != created.projectID)

        let revoked = try await test.withConnection {
            try await KeyStore.revoke(keyID: created.keyID, lookup: nil, on: $0, logger: test.logger)
        }
        #expect(revoked.revokedAt != nil)
        #expect(try await store.verify(token: created.token) == nil)
        let again = await #expect(throws: VigilError.self) {
            try await test.withConnection { try await KeyStore.revoke(keyID: created.keyID, lookup: nil, on: $0, logger: test.logger) }
        }
        #expect(again?.code == .notFound)
        let listed = try await test.withConnection { try await KeyStore.list(project: "shop", on: $0, logger: test.logger) }
        #expect(listed.map(\.keyID) == [created.keyID])
        // Creating, revoking and the projects are facts in the log.
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE kind = 'key_created'") == 2)
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE kind = 'key_revoked'") == 1)
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE kind = 'project_created'") == 2)

        let badName = await #expect(throws: VigilError.self) {
            try await test.withConnection { try await KeyStore.create(project: "no spaces", role: .read, name: "", on: $0, logger: test.logger) }
        }
        #expect(badName?.code == .invalidInput)
    }
}
