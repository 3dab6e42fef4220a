import Foundation
import Testing
@testable import VigilDashboards

@Suite("What dashboard SQL may do")
struct PanelSQLGuardTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("every shipped dashboard reads, and its SQL passes the guard")
    func shippedDashboardsPass() throws {
        let folder = Self.repository.appendingPathComponent("dashboards").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 4)
        for name in names {
            let data = try #require(FileManager.default.contents(atPath: folder + "/" + name))
            let dashboard = try Dashboard(json: try JSONValue(parsing: Array(data)), source: .shipped)
            #expect(!dashboard.panels.isEmpty, "\(name)")
            for variable in dashboard.variables where variable.type == "query" {
                try PanelSQLGuard.check(variable.query)
            }
        }
    }

    @Test("ordinary analysis passes", arguments: [
        "SELECT sum(count) FROM rollup_minute WHERE project_id IN (1)",
        "select 'set_config(' as text_only",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x;",
        "SELECT e.value::numeric(10,2) FROM drift_reports r, jsonb_array_elements(r.report->'components') AS e(value)",
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FILTER (WHERE x > 0) OVER (PARTITION BY y) FROM t",
        "SELECT CAST(x AS numeric(12, 4)), $$a;b$$ FROM t -- set_config(",
    ])
    func accepted(sql: String) throws {
        try PanelSQLGuard.check(sql)
    }

    @Test("anything that changes settings, runs SQL of its own, writes, or is not one SELECT is refused", arguments: [
        "SELECT set_config('role', 'postgres', false)",
        "SELECT pg_catalog.set_config('vigil.dashboard_project', '2', true)",
        "SELECT \"set_config\"('role', 'x', true)",
        "SELECT query_to_xml('select * from api_keys', true, false, '')",
        "SELECT ts_stat('select 1')",
        "SELECT 1; SELECT 2",
        "SET ROLE postgres",
        "RESET ROLE",
        "DELETE FROM rollup_minute",
        "TABLE api_keys",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT 1 /* unterminated",
        "SELECT 'unterminated",
        "",
    ])
    func refused(sql: String) {
        #expect(throws: (any Error).self) { try PanelSQLGuard.check(sql) }
    }
}
