import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
import VigilCore
import VigilEventLog
import VigilTestSupport

/// Holds continuations that are never resumed, like the one PostgresNIO drops when a COPY starts
/// on a connection that has just closed; kept alive so that no "leaked continuation" is reported.
private final class NeverResumed: Sendable {
    static let shared = NeverResumed()
    private let held = Mutex<[UnsafeContinuation<Void, Never>]>([])

    func wait() async {
        await withUnsafeContinuation { continuation in held.withLock { $0.append(continuation) } }
    }
}

@Suite("Database faults")
struct DatabaseFaultTests {
    @Test("work that never returns on a connection that closed fails as unavailable soon after", .timeLimit(.minutes(1)))
    func closedConnection() async throws {
        let test = try await TestDatabase.fresh("deadline_closed")
        let connection = try await test.database.connect()
        try await connection.close()
        let started = ContinuousClock.now
        let error = await #expect(throws: VigilError.self) {
            try await ConnectionDeadline.run(on: connection, limits: .init(timeout: .seconds(600), grace: .milliseconds(200)), what: "a COPY") {
                await NeverResumed.shared.wait()
            }
        }
        #expect(error?.code == .unavailable)
        #expect(error?.retryAfterSeconds == 1)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("work that outlasts its timeout fails as unavailable and its connection is closed", .timeLimit(.minutes(1)))
    func timeout() async throws {
        let test = try await TestDatabase.fresh("deadline_timeout")
        let connection = try await test.database.connect()
        let error = await #expect(throws: VigilError.self) {
            try await ConnectionDeadline.run(on: connection, limits: .init(timeout: .milliseconds(300)), what: "a slow query") {
                try await connection.query("SELECT pg_sleep(30)", logger: test.logger)
            }
        }
        #expect(error?.code == .unavailable)
        for _ in 0..<100 where !connection.isClosed { try await Task.sleep(for: .milliseconds(20)) }
        #expect(connection.isClosed)
    }

    @Test("work that ends in time returns its result or its own error")
    func passesThrough() async throws {
        let test = try await TestDatabase.fresh("deadline_pass")
        try await test.withConnection { connection in
            let value = try await ConnectionDeadline.run(on: connection, limits: .init(timeout: .seconds(30)), what: "a query") {
                var found: Int32 = 0
                for try await number in try await connection.query("SELECT 7", logger: test.logger).decode(Int32.self) { found = number }
                return found
            }
            #expect(value == 7)
            let refused = await #expect(throws: PSQLError.self) {
                try await ConnectionDeadline.run(on: connection, limits: .init(timeout: .seconds(30)), what: "a query") {
                    try await connection.query("SELECT 'x'::int", logger: test.logger)
                }
            }
            #expect(refused.map(DatabaseFault.isCausedByData) == true)
        }
    }

    @Test("errors the rows cause are told from errors of the database's condition")
    func classification() async throws {
        let test = try await TestDatabase.fresh("fault_classes")
        try await test.withConnection { connection in
            func error(of sql: String) async -> (any Error)? {
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: test.logger)
                    return nil
                } catch {
                    return error
                }
            }
            // 22P02 invalid text, 22003 out of range, 23505 unique violation: the data.
            #expect(await error(of: "SELECT 'x'::int").map(DatabaseFault.isCausedByData) == true)
            #expect(await error(of: "SELECT 99999999999::int").map(DatabaseFault.isCausedByData) == true)
            try await connection.query("CREATE TEMP TABLE once (id int PRIMARY KEY)", logger: test.logger)
            #expect(await error(of: "INSERT INTO once VALUES (1), (1)").map(DatabaseFault.isCausedByData) == true)
            // 57014 query cancelled, 42P01 undefined table: not the rows' fault.
            #expect(await error(of: "SET statement_timeout = 10; SELECT pg_sleep(1)").map(DatabaseFault.isCausedByData) == false)
            #expect(await error(of: "SELECT * FROM no_such_table").map(DatabaseFault.isCausedByData) == false)
        }
        #expect(DatabaseFault.isCausedByData(VigilError(.unavailable, "down")) == false)
    }

    @Test("an appender whose database cannot be reached answers unavailable and reports it to readiness", .timeLimit(.minutes(1)))
    func unreachable() async throws {
        let test = try await TestDatabase.fresh("appender_down")
        let url = DatabaseURL(host: "127.0.0.1", port: 1, username: test.url.username, password: nil, database: test.url.database)
        let readiness = Readiness()
        let appender = EventAppender(database: Database(url: url, logger: test.logger), readiness: readiness, logger: test.logger)
        let runner = Task { try await appender.run() }
        defer { runner.cancel() }
        let error = await #expect(throws: VigilError.self) {
            try await appender.append([NewEvent(projectID: 1, kind: .span, occurredAtMicros: 1_700_000_000_000_000, dedupKey: [1, 2, 3], body: Array("{}".utf8))])
        }
        #expect(error?.code == .unavailable)
        #expect(error?.retryAfterSeconds == 1)
        #expect(error?.message.contains("127.0.0.1") == false)
        #expect(readiness.problems() == ["appender: cannot commit to the event log"])
    }
}
