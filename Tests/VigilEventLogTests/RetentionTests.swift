import Foundation
import PostgresNIO
import Testing
import VigilCore
@testable import VigilEventLog
import VigilTestSupport

@Suite("Retention: whole partitions leave the log, projections keep their own")
struct RetentionTests {
    static let day: Int64 = 86_400_000_000

    @Test("a partition past every project's retention is dropped, one past some projects' is compacted, recent data and projections stay")
    func dropAndCompact() async throws {
        let test = try await TestDatabase.fresh("retention")
        let (alpha, beta) = try await test.withConnection { connection in
            (try await KeyStore.create(project: "alpha", role: .read, name: "", on: connection, logger: test.logger).projectID,
             try await KeyStore.create(project: "beta", role: .read, name: "", on: connection, logger: test.logger).projectID)
        }
        // beta keeps 7 days, alpha the default 30.
        _ = try await test.scalar("INSERT INTO project_retention (project_id, days) VALUES (\(beta), 7) RETURNING days::bigint")
        let now = EventTime.nowMicros()
        var events: [NewEvent] = []
        for (project, tag) in [(alpha, "a"), (beta, "b")] {
            for (age, count) in [(40 * Self.day, 300), (10 * Self.day, 200), (3_600_000_000, 100)] {
                for index in 0..<count {
                    events.append(NewEvent(projectID: project, kind: .logRecord, occurredAtMicros: now - age + Int64(index),
                                           dedupKey: Array("\(tag)-\(age)-\(index)".utf8), body: Array("{\"padding\":\"\(String(repeating: "x", count: 200))\"}".utf8)))
                }
            }
        }
        let (old, middle) = try await test.withConnection { connection in
            _ = try await EventLogWriter.append(events, on: connection, logger: test.logger)
            var names: [String] = []
            for age in [40, 10] {
                for try await name in try await connection.query("SELECT vigil_ensure_event_partition(now() - \(age) * interval '1 day')", logger: test.logger).decode(String.self) {
                    names.append(name)
                }
            }
            return (names[0], names[1])
        }
        // The audit trail's projection: one row past its 400 days, one recent.
        _ = try await test.scalar("""
            INSERT INTO audit_log (project_id, seq, occurred_at, actor, action, outcome, body)
            VALUES (\(alpha), -1, now() - interval '500 days', 'cli', 'key.create', 'succeeded', '{}'),
                   (\(alpha), -2, now() - interval '5 days', 'cli', 'key.create', 'succeeded', '{}')
            RETURNING 1::bigint
            """)
        let oldSize = try await test.scalar("SELECT pg_total_relation_size('\(old)')")
        #expect(oldSize > 0)

        let report = try await test.withConnection { connection in
            try await RetentionService.apply(on: connection, configuration: .init(), logger: test.logger)
        }

        // The old day is gone, table and all.
        #expect(try await test.scalar("SELECT count(*) FROM vigil_event_partitions WHERE name = '\(old)'") == 0)
        #expect(try await test.scalar("SELECT count(*) FROM pg_class WHERE relname = '\(old)'") == 0)
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE occurred_at < now() - interval '39 days'") == 0)
        // The middle day lost beta's rows (7 days) and kept alpha's (30 days), in a smaller table of the same name.
        #expect(try await test.scalar("SELECT count(*) FROM \(middle) WHERE project_id = \(beta)") == 0)
        #expect(try await test.scalar("SELECT count(*) FROM \(middle) WHERE project_id = \(alpha)") == 200)
        // The last hour is whole.
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE kind = 'log_record' AND occurred_at > now() - interval '2 hours'") == 200)
        // The log still refuses changes on the compacted partition.
        await #expect(throws: (any Error).self) {
            try await test.withConnection { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(middle)"), logger: test.logger)
                return true
            }
        }

        let removals = Dictionary(uniqueKeysWithValues: report.removals.map { ($0.partition, $0) })
        let dropped = try #require(removals[old])
        #expect(dropped.action == "drop")
        #expect(dropped.rows == [alpha: 300, beta: 300])
        #expect(dropped.bytesFreed >= oldSize)
        let compacted = try #require(removals[middle])
        #expect(compacted.action == "compact")
        #expect(compacted.rows == [beta: 200])
        #expect(compacted.bytesFreed > 0)
        #expect(report.deferred.isEmpty)

        // Each removal is recorded in the log, in the instance project.
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE kind = 'retention_applied' AND project_id = 0") == 2)
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE kind = 'retention_applied' AND body->>'partition' = '\(old)' AND (body->>'rows')::bigint = 600 AND (body->>'bytes_freed')::bigint > 0") == 1)
        // Projections: the audit trail keeps 400 days.
        #expect(report.projectionRows["audit_log"] == 1)
        #expect(try await test.scalar("SELECT count(*) FROM audit_log WHERE project_id = \(alpha)") == 1)

        // A second pass finds nothing more to do.
        let again = try await test.withConnection { connection in
            try await RetentionService.apply(on: connection, configuration: .init(), logger: test.logger)
        }
        #expect(again.removals.isEmpty)
    }

    @Test("an event arriving late for a removed day is stored again and removed by the next pass")
    func lateEvent() async throws {
        let test = try await TestDatabase.fresh("retentionlate")
        let project = try await test.withConnection { connection in
            try await KeyStore.create(project: "alpha", role: .read, name: "", on: connection, logger: test.logger).projectID
        }
        let late = NewEvent(projectID: project, kind: .logRecord, occurredAtMicros: EventTime.nowMicros() - 60 * Self.day, dedupKey: [1], body: Array("{}".utf8))
        try await test.withConnection { connection in
            var known: Set<Int> = []
            for _ in 0..<2 {
                known = try await EventLogWriter.append([late], on: connection, knownPartitions: known, logger: test.logger).partitions
                let report = try await RetentionService.apply(on: connection, configuration: .init(), logger: test.logger)
                let left = try await test.scalar("SELECT count(*) FROM events WHERE occurred_at < now() - interval '59 days'")
                #expect(report.removals.count == 1)
                #expect(left == 0)
            }
        }
    }

    @Test("a removal left half done (detached but not dropped, or still pending detach) is finished by the next pass, with its event")
    func interrupted() async throws {
        let test = try await TestDatabase.fresh("retentionhalf")
        let project = try await test.withConnection { connection in
            try await KeyStore.create(project: "alpha", role: .read, name: "", on: connection, logger: test.logger).projectID
        }
        let now = EventTime.nowMicros()
        let events = (0..<50).map { index in
            NewEvent(projectID: project, kind: .logRecord, occurredAtMicros: now - 45 * Self.day + Int64(index), dedupKey: Array("half-\(index)".utf8), body: Array("{}".utf8))
        }
        let name = try await test.withConnection { connection in
            _ = try await EventLogWriter.append(events, on: connection, logger: test.logger)
            var name = ""
            for try await found in try await connection.query("SELECT vigil_ensure_event_partition(now() - interval '45 days')", logger: test.logger).decode(String.self) {
                name = found
            }
            // A pass that stopped after its detach: the table is out of the log but still there.
            try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE events DETACH PARTITION \(name)"), logger: test.logger)
            return name
        }
        #expect(try await test.scalar("SELECT count(*) FROM vigil_event_partitions WHERE name = '\(name)'") == 0)
        let report = try await test.withConnection { connection in
            try await RetentionService.apply(on: connection, configuration: .init(), logger: test.logger)
        }
        #expect(report.removals.map(\.partition) == [name])
        #expect(report.removals.first?.rows == [project: 50])
        #expect(try await test.scalar("SELECT count(*) FROM pg_class WHERE relname = '\(name)'") == 0)
        #expect(try await test.scalar("SELECT count(*) FROM events WHERE kind = 'retention_applied' AND body->>'partition' = '\(name)' AND (body->>'rows')::bigint = 50") == 1)
    }

    @Test("while a partition is removed, a reader holding the log does not stop appends: the detach waits for it, the appends do not")
    func appendsFlowDuringRemoval() async throws {
        let test = try await TestDatabase.fresh("retentionflow")
        let project = try await test.withConnection { connection in
            try await KeyStore.create(project: "alpha", role: .read, name: "", on: connection, logger: test.logger).projectID
        }
        let now = EventTime.nowMicros()
        try await test.withConnection { connection in
            _ = try await EventLogWriter.append([NewEvent(projectID: project, kind: .logRecord, occurredAtMicros: now - 45 * Self.day, dedupKey: [7], body: Array("{}".utf8))],
                                                on: connection, logger: test.logger)
        }
        // A reader's open transaction has read the log: a plain DROP would wait for it while
        // every append queued behind the drop's lock.
        let reader = try await test.database.connect()
        try await reader.query("BEGIN", logger: test.logger)
        try await reader.query("SELECT count(*) FROM events", logger: test.logger)
        var configuration = RetentionService.Configuration()
        configuration.lockWait = .seconds(60)
        let done = RemovalDone()
        let removal = Task {
            let report = try await test.withConnection { connection in
                try await RetentionService.apply(on: connection, configuration: configuration, logger: test.logger)
            }
            await done.set()
            return report
        }
        // Wait until the removal is waiting on the reader.
        var waiting = false
        for _ in 0..<1500 where !waiting {
            waiting = try await test.scalar("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%DETACH PARTITION%'") > 0
            if !waiting { try await Task.sleep(for: .milliseconds(20)) }
        }
        try #require(waiting, "the removal never waited on the reader")
        try await test.withConnection { connection in
            _ = try await EventLogWriter.append([NewEvent(projectID: project, kind: .logRecord, occurredAtMicros: EventTime.nowMicros(), dedupKey: [8], body: Array("{}".utf8))],
                                                on: connection, logger: test.logger)
        }
        #expect(await done.value == false, "the append had to wait for the removal")
        try await reader.query("COMMIT", logger: test.logger)
        try await reader.close()
        let report = try await removal.value
        #expect(report.removals.count == 1)
    }
}

private actor RemovalDone {
    private(set) var value = false
    func set() { value = true }
}
