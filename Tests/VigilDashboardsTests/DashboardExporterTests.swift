import Logging
import PostgresNIO
import Testing
import VigilCore
import VigilTestSupport
@testable import VigilDashboards

@Suite("Exports with data run in a sandbox of the caller's project", .serialized)
struct DashboardExporterTests {
    static func dashboard(_ targets: [(String, String)]) throws -> Dashboard {
        let panels = targets.enumerated().map { index, target in
            """
            {"id": \(index + 1), "type": "table", "title": "\(target.0)", "gridPos": {"h": 4, "w": 12, "x": 0, "y": \(index * 4)},
             "targets": [{"refId": "A", "format": "table", "rawSql": "\(target.1)"}]}
            """
        }
        let text = """
        {"uid": "sandbox", "title": "Sandbox", "time": {"from": "now-6h", "to": "now"},
         "templating": {"list": [{"name": "project", "type": "query", "multi": true, "includeAll": true, "allValue": "SELECT project_id FROM projects", "query": "SELECT project_id FROM projects"}]},
         "panels": [\(panels.joined(separator: ","))]}
        """
        return try Dashboard(json: try JSONValue(parsing: Array(text.utf8)), source: .imported)
    }

    @Test("SQL without a project filter sees only the caller's rows; other tables are out of reach; a failing panel does not fail the rest")
    func sandbox() async throws {
        let database = try await TestDatabase.fresh("dashsandbox")
        let logger = database.logger
        try await database.withConnection { connection in
            for statement in [
                "INSERT INTO projects (name) VALUES ('mine'), ('theirs')",
                """
                INSERT INTO rollup_minute (project_id, minute, service, model, operation, status, count, errors, skewed,
                    latency_sketch, ttft_sketch, input_tokens, output_tokens, cost_usd, unpriced)
                SELECT p.project_id, '2026-11-29T05:00:00Z', 'chat', 'gpt-4o', 'chat', 'ok', c, 0, 0, ''::bytea, ''::bytea, 1, 1, 0.0000001 * c, 0
                FROM projects p, (VALUES (7), (11)) AS v(c)
                WHERE (p.name = 'mine') = (c = 7)
                """,
            ] {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            return true
        }
        let mine = try await database.scalar("SELECT project_id FROM projects WHERE name = 'mine'")
        let dashboard = try Self.dashboard([
            ("every row", "SELECT project_id, sum(count) AS calls, sum(cost_usd) AS cost FROM rollup_minute WHERE $__timeFilter(minute) GROUP BY 1"),
            ("keys", "SELECT count(*) AS keys FROM api_keys"),
            ("projects", "SELECT count(*) AS projects FROM projects"),
            ("filtered", "SELECT sum(count) AS calls FROM rollup_minute WHERE project_id IN (${project:csv})"),
            ("typo", "SELECT nope FROM rollup_minute"),
        ])
        let exporter = DashboardExporter(logger: logger)
        let request = DashboardExporter.Request(projectID: mine, fromMillis: 1_795_924_800_000, toMillis: 1_795_946_400_000, selections: [:], nowMillis: 1_795_946_400_000)
        let exported = try await database.withConnection { connection in
            try await exporter.exportWithData(dashboard, request: request, on: connection)
        }
        let panels = try #require(exported["panels"]?.arrayValue)
        func values(_ panel: Int, _ field: Int) -> [JSONValue]? {
            panels[panel]["snapshotData"]?.arrayValue?.first?["fields"]?.arrayValue?[field]["values"]?.arrayValue
        }
        #expect(values(0, 0) == [.number(String(mine))])
        #expect(values(0, 1) == [.number("7")])
        #expect(values(0, 2) == [.number("0.0000007")])
        // The author learns what was wrong with the query, and nothing about the database's roles.
        let denied = try #require(panels[1]["vigilError"]?.stringValue)
        #expect(denied.contains("permission denied") && !denied.contains("api_keys") && !denied.contains("vigil_dashboard_reader"))
        #expect(panels[4]["vigilError"]?.stringValue?.contains("column \"nope\" does not exist") == true)
        #expect(values(2, 0) == [.number("1")])
        #expect(values(3, 0) == [.number("7")])
        #expect(exported["vigilExport"]?["errors"]?.arrayValue?.count == 2)
        #expect(exported["time"]?["from"] == .string("2026-11-29T04:00:00Z"))

        // Asking for another project's variable value is refused before anything runs.
        var other = request
        other.selections = ["project": .values(["999"])]
        await #expect(throws: VigilError.self) {
            try await database.withConnection { connection in try await exporter.exportWithData(dashboard, request: other, on: connection) }
        }
        // The connection is usable afterwards and back to its own role: the sandbox was rolled back.
        let role = try await database.withConnection { connection in
            var name = ""
            for try await value in try await connection.query("SELECT current_user::text", logger: logger).decode(String.self) { name = value }
            return name
        }
        #expect(role != DashboardExporter.sandboxRole)
    }
}
