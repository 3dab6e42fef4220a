import Foundation
import Logging
import NIOCore
import PostgresNIO
import Testing
import VigilCore
import VigilEventLog
import VigilTestSupport

/// Events with distinct content keys, spread over a few months.
func sampleEvents(_ count: Int, project: Int64 = 1, tag: String, startMicros: Int64 = 1_764_400_000_000_000) -> [NewEvent] {
    (0..<count).map { index in
        let body = Array("{\"tag\":\"\(tag)\",\"index\":\(index),\"text\":\"tab\\there \\\\ backslash\"}".utf8)
        return NewEvent(
            projectID: project,
            kind: .logRecord,
            occurredAtMicros: startMicros + Int64(index) * 1_000_000,
            dedupKey: Array("\(tag)-\(index)".utf8),
            body: body
        )
    }
}

@Suite("Event log on Postgres")
struct EventLogTests {
    @Test("the server's pooled sessions hash and sort in 32 MB and start no parallel workers")
    func poolSessionSettings() async throws {
        let test = try await TestDatabase.fresh("pool")
        let client = PostgresClient(configuration: test.url.clientConfiguration, backgroundLogger: test.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let rows = try await client.query(
                "SELECT current_setting('work_mem'), current_setting('max_parallel_workers_per_gather')", logger: test.logger
            )
            var settings: [(String, String)] = []
            for try await row in rows.decode((String, String).self) { settings.append(row) }
            #expect(settings.count == 1 && settings[0] == ("32MB", "0"), "\(settings)")
            group.cancelAll()
        }
    }

    @Test("the API's pool cancels a statement past its timeout (57014, told apart), other sessions are not limited")
    func poolStatementTimeout() async throws {
        let test = try await TestDatabase.fresh("pool_timeout")
        let client = PostgresClient(configuration: test.url.clientConfiguration(statementTimeoutMilliseconds: 100), backgroundLogger: test.logger)
        let logger = test.logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            var timeout = ""
            for try await value in try await client.query("SELECT current_setting('statement_timeout')", logger: logger).decode(String.self) {
                timeout = value
            }
            #expect(timeout == "100ms")
            var failure: (any Error)?
            do {
                // The error may come with the rows rather than with the query's start: read them.
                for try await _ in try await client.query("SELECT pg_sleep(2)", logger: logger) {}
            } catch {
                failure = error
            }
            let timedOut = failure.map(DatabaseFault.isStatementTimeout) ?? false
            #expect(timedOut)
            group.cancelAll()
        }
        let plain = try await test.database.connect()
        var setting = ""
        for try await value in try await plain.query("SELECT current_setting('statement_timeout')", logger: logger).decode(String.self) {
            setting = value
        }
        try await plain.close()
        #expect(setting == "0", "processors' and the appender's connections have no statement timeout")
        #expect(DatabaseFault.isStatementTimeout(VigilError(.unavailable, "down")) == false)
        #expect(DatabaseFault.statementTimedOut.code == .overloaded && DatabaseFault.statementTimedOut.retryAfterSeconds != nil)
    }

    @Test("migrations apply once, are recorded, and a changed file is an error")
    func migrations() async throws {
        let test = try await TestDatabase.fresh("migrations")
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory, logger: test.logger)
        let again = try await test.withConnection { try await migrator.migrate(on: $0) }
        #expect(again.isEmpty)
        let versions = try await test.withConnection { try await Migrator.appliedVersions(on: $0, logger: test.logger) }
        #expect(versions == migrator.migrations.map(\.version))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-migrations-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try String(contentsOfFile: TestDatabase.migrationsDirectory + "/0001_event_log.sql", encoding: .utf8)
        try (original + "\n-- edited\n").write(to: folder.appendingPathComponent("0001_event_log.sql"), atomically: true, encoding: .utf8)
        let edited = try Migrator(directory: folder.path, logger: test.logger)
        let error = await #expect(throws: VigilError.self) {
            try await test.withConnection { try await edited.migrate(on: $0) }
        }
        #expect(error?.message.contains("changed after it was applied") == true)
    }

    @Test("the database refuses UPDATE, DELETE and TRUNCATE on events, on the parent and on a partition")
    func appendOnly() async throws {
        let test = try await TestDatabase.fresh("appendonly")
        _ = try await test.withConnection { connection in
            return try await EventLogWriter.append(sampleEvents(3, tag: "a"), on: connection, logger: test.logger).outcome
        }
        let statements = [
            "UPDATE events SET kind = 'x'",
            "DELETE FROM events",
            "DELETE FROM events WHERE seq < 0",
            "TRUNCATE events",
            "UPDATE events_2025m11d29 SET kind = 'x'",
            "DELETE FROM events_2025m11d29",
            "TRUNCATE events_2025m11d29",
        ]
        for statement in statements {
            await #expect(throws: (any Error).self, "\(statement)") {
                try await test.withConnection { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: test.logger)
                    return true
                }
            }
        }
        #expect(try await test.scalar("SELECT count(*) FROM events") == 3)
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE kind = 'log_record'") == 3)
    }

    @Test("the same events appended three times are stored once, in order, with their bodies intact")
    func dedup() async throws {
        let test = try await TestDatabase.fresh("dedup")
        let events = sampleEvents(50, tag: "dup")
        let outcomes = try await test.withConnection { connection in
            var outcomes: [EventLogWriter.Outcome] = []
            for _ in 0..<3 {
                outcomes.append(try await EventLogWriter.append(events, on: connection, logger: test.logger).outcome)
            }
            return outcomes
        }
        #expect(outcomes.map(\.inserted) == [50, 0, 0])
        #expect(try await test.scalar("SELECT count(*) FROM events") == 50)
        let stored = try await test.withConnection { try await EventReader(executor: $0, logger: test.logger).read(after: 0, limit: 100) }
        #expect(stored.count == 50)
        #expect(stored.map(\.seq) == stored.map(\.seq).sorted())
        for (event, original) in zip(stored, events) {
            #expect(event.occurredAtMicros == original.occurredAtMicros)
            let body = try #require(JSONSerialization.jsonObject(with: Data(event.body.utf8)) as? [String: Any])
            let expected = try #require(JSONSerialization.jsonObject(with: Data(original.body)) as? [String: Any])
            #expect(body["index"] as? Int == expected["index"] as? Int)
            #expect(body["text"] as? String == "tab\there \\ backslash")
        }
    }

    @Test("partitions are made for any day an event needs, including the clamped bounds")
    func partitions() async throws {
        let test = try await TestDatabase.fresh("partitions")
        let times: [Int64] = [0, 1_764_400_000_000_000, 4_000_000_000_000_000, .max]
        let events = times.enumerated().map { index, micros in
            NewEvent(projectID: 1, kind: .span, occurredAtMicros: micros, dedupKey: [UInt8(index)], body: Array("{}".utf8))
        }
        let outcome = try await test.withConnection { connection in
            return try await EventLogWriter.append(events, on: connection, logger: test.logger).outcome
        }
        #expect(outcome.inserted == 4)
        for name in ["events_2000m01d01", "events_2025m11d29", "events_2096m10d02", "events_2099m12d31"] {
            #expect(try await test.scalar("SELECT count(*) FROM \(name)") == 1, "\(name)")
        }
    }

    @Test("8 concurrent appenders × 10,000 events while a reader follows: every event seen once, in order", .timeLimit(.minutes(5)))
    func concurrentAppendersNeverSkip() async throws {
        let test = try await TestDatabase.fresh("concurrent")
        let appenders = 8
        let perAppender = 10_000
        let total = appenders * perAppender
        let seen = SeenEvents()
        let readerConnection = try await test.database.connect()
        defer { Task { try? await readerConnection.close() } }
        let follower = EventFollower(
            reader: EventReader(executor: readerConnection, logger: test.logger),
            database: test.database,
            batchSize: 700,
            pollInterval: .milliseconds(200),
            logger: test.logger
        )
        let following = Task {
            try await follower.follow(after: 0) { batch in
                seen.add(batch.map(\.seq), dedupKeys: batch.map(\.body))
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<appenders {
                group.addTask {
                    let appender = EventAppender(
                        database: test.database,
                        configuration: { var c = EventAppender.Configuration(); c.maxBatchEvents = 997; return c }(),
                        logger: test.logger
                    )
                    try await withThrowingTaskGroup(of: Void.self) { inner in
                        inner.addTask { try await appender.run() }
                        // Many small requests from several tasks, so batches interleave across the eight appenders.
                        try await withThrowingTaskGroup(of: Void.self) { clients in
                            for client in 0..<4 {
                                clients.addTask {
                                    let mine = sampleEvents(perAppender, tag: "w\(writer)").enumerated().filter { $0.offset % 4 == client }.map(\.element)
                                    var index = 0
                                    while index < mine.count {
                                        let size = min(Int.random(in: 1...120), mine.count - index)
                                        try await appender.append(Array(mine[index..<index + size]))
                                        index += size
                                    }
                                }
                            }
                            try await clients.waitForAll()
                        }
                        inner.cancelAll()
                    }
                }
            }
            try await group.waitForAll()
        }
        // Every append has committed; let the follower catch up with the head, then stop it.
        let head = try await test.scalar("SELECT max(seq) FROM events")
        for _ in 0..<600 where seen.lastSeq < head {
            try await Task.sleep(for: .milliseconds(50))
        }
        following.cancel()
        _ = try? await following.value
        #expect(seen.count == total)
        #expect(seen.distinctBodies == total)
        #expect(seen.strictlyIncreasing)
        #expect(try await test.scalar("SELECT count(*) FROM events") == Int64(total))
    }
}

/// What the follower saw, shared with the test body.
final class SeenEvents: @unchecked Sendable {
    // Guarded by `lock`; the follower's handler and the test body touch it from different tasks.
    private let lock = NSLock()
    private var seqs: [Int64] = []
    private var bodies = Set<String>()

    func add(_ newSeqs: [Int64], dedupKeys newBodies: [String]) {
        lock.withLock {
            seqs += newSeqs
            bodies.formUnion(newBodies)
        }
    }

    var count: Int { lock.withLock { seqs.count } }
    var lastSeq: Int64 { lock.withLock { seqs.last ?? 0 } }
    var distinctBodies: Int { lock.withLock { bodies.count } }
    var strictlyIncreasing: Bool { lock.withLock { zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 } } }
}
