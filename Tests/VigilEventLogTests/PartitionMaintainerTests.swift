import Testing
import VigilEventLog
import VigilTestSupport

@Suite("Partitions made ahead")
struct PartitionMaintainerTests {
    @Test("today and the next days get their partitions, once: a second pass makes none, and the log refuses changes in each")
    func ahead() async throws {
        let test = try await TestDatabase.fresh("partitionsahead")
        let maintainer = PartitionMaintainer(database: test.database, daysAhead: 3, logger: test.logger)
        try await maintainer.ensureAhead()
        let covered = """
            SELECT count(*) FROM generate_series(0, 3) d
            WHERE EXISTS (SELECT 1 FROM vigil_event_partitions p
                          WHERE p.from_at <= now() + d * interval '1 day' AND now() + d * interval '1 day' < p.to_at)
            """
        #expect(try await test.scalar(covered) == 4)
        let partitions = try await test.scalar("SELECT count(*) FROM vigil_event_partitions")
        try await maintainer.ensureAhead()
        #expect(try await test.scalar("SELECT count(*) FROM vigil_event_partitions") == partitions)
        // Each one carries the log's refusals (the append-only triggers).
        #expect(try await test.scalar("""
            SELECT count(*) FROM vigil_event_partitions p
            WHERE p.from_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
              AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = p.name::regclass AND NOT t.tgisinternal)
            """) == 0)
    }
}
