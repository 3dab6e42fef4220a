public import Logging
public import PostgresNIO
internal import VigilCore

/// Exports a dashboard, optionally with data: every SQL target of every panel expanded as
/// Grafana would for the range and variables, run in a sandbox, and its rows embedded in the panel
/// as Grafana's `snapshotData`, so one file carries the dashboard and what it showed.
///
/// The sandbox: one read-only transaction as the role `vigil_dashboard_reader` (migration 0011),
/// which reads only the projection tables and, through row-level security, only the rows of the
/// caller's project; each query must pass `PanelSQLGuard` after expansion, and has a statement
/// timeout. A failing query does not fail the export: its panel carries the error instead.
public struct DashboardExporter: Sendable {
    /// What to export.
    public struct Request: Sendable {
        /// The caller's project, the only one whose rows the queries see.
        public var projectID: Int64
        /// The range, Unix milliseconds.
        public var fromMillis: Int64
        /// The end of the range, Unix milliseconds.
        public var toMillis: Int64
        /// Chosen values by variable name (`var-NAME=...`); others keep the dashboard's saved choice.
        public var selections: [String: TemplateVariable.Selection]
        /// The time the export is made, Unix milliseconds.
        public var nowMillis: Int64

        /// Bundles a request.
        public init(projectID: Int64, fromMillis: Int64, toMillis: Int64, selections: [String: TemplateVariable.Selection], nowMillis: Int64) {
            self.projectID = projectID
            self.fromMillis = fromMillis
            self.toMillis = toMillis
            self.selections = selections
            self.nowMillis = nowMillis
        }
    }

    /// The role the queries run as.
    public static let sandboxRole = "vigil_dashboard_reader"
    /// The variable that always stands for the caller's project.
    public static let projectVariable = "project"

    private let logger: Logger
    private let statementTimeoutMillis: Int

    /// Makes an exporter; each query may run for `statementTimeoutMillis`.
    public init(logger: Logger, statementTimeoutMillis: Int = 15_000) {
        self.logger = logger
        self.statementTimeoutMillis = statementTimeoutMillis
    }

    /// The dashboard of `dashboard` with each panel's results embedded, on `connection` (which
    /// must not be inside a transaction).
    public func exportWithData(_ dashboard: Dashboard, request: Request, on connection: PostgresConnection) async throws -> JSONValue {
        try check(request: request, dashboard: dashboard)
        let role = try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(Self.sandboxRole)", logger: logger).collect()
        guard !role.isEmpty else {
            throw VigilError(.unavailable, "exports with data need the database role \(Self.sandboxRole), which Vigil's database user could not create (it needs CREATEROLE); export without data, or create the role and run vigil migrate again")
        }
        try await connection.query("BEGIN READ ONLY", logger: logger)
        do {
            let result = try await sandboxed(dashboard, request: request, on: connection)
            try await connection.query("ROLLBACK", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    private func check(request: Request, dashboard: Dashboard) throws {
        guard request.fromMillis < request.toMillis else {
            throw VigilError(.invalidInput, "from must be before to")
        }
        for name in request.selections.keys where name != Self.projectVariable {
            guard dashboard.variables.contains(where: { $0.name == name }) else {
                throw VigilError(.invalidInput, "var-\(name): the dashboard has no variable \(name) (it has \(dashboard.variables.map(\.name).joined(separator: ", ")))")
            }
        }
        if let chosen = request.selections[Self.projectVariable], chosen != .values([String(request.projectID)]) {
            throw VigilError(.forbidden, "var-project: an export reads only the key's own project")
        }
    }

    private func sandboxed(_ dashboard: Dashboard, request: Request, on connection: PostgresConnection) async throws -> JSONValue {
        try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = \(statementTimeoutMillis)"), logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL ROLE \(Self.sandboxRole)"), logger: logger)
        let project = String(request.projectID)
        try await connection.query("SELECT set_config('vigil.dashboard_project', \(project), true)", logger: logger)

        var chosen: [String: (variable: TemplateVariable, selection: TemplateVariable.Selection)] = [:]
        var options: [String: [String]] = [:]
        var problems: [JSONValue] = []
        for variable in dashboard.variables where variable.type != "datasource" {
            let selection = variable.name == Self.projectVariable ? .values([project]) : (request.selections[variable.name] ?? variable.saved)
            chosen[variable.name] = (variable, selection)
            guard selection == .all, variable.allValue?.isEmpty ?? true, variable.type == "query", !variable.query.isEmpty else { continue }
            // "All" without a custom value: the list of every option, as Grafana's variable query gives it.
            let expander = GrafanaExpander(fromMillis: request.fromMillis, toMillis: request.toMillis, variables: chosen, options: options)
            do {
                let frame = try await run(expander.expand(variable.query, panel: nil), refID: variable.name, on: connection)
                let column = frame.fields.first { $0.name == "__value" } ?? frame.fields.first
                options[variable.name] = column?.values.compactMap(Self.optionText) ?? []
            } catch let error as VigilError {
                problems.append(.string("variable \(variable.name): \(error.message)"))
                options[variable.name] = []
            }
        }
        let expander = GrafanaExpander(fromMillis: request.fromMillis, toMillis: request.toMillis, variables: chosen, options: options)

        var framesByPath: [String: [JSONValue]] = [:]
        var errorsByPath: [String: String] = [:]
        for panel in dashboard.panels {
            var frames: [JSONValue] = []
            for target in panel.targets {
                do {
                    let sql = try expander.expand(target.rawSQL, panel: panel)
                    var frame = try await run(sql, refID: target.refID, on: connection)
                    if target.format == "time_series" { frame = frame.wide() }
                    frames.append(frame.json)
                } catch let error as VigilError {
                    let message = "target \(target.refID): \(error.message)"
                    errorsByPath[panel.path] = errorsByPath[panel.path].map { $0 + "; " + message } ?? message
                    problems.append(.string("\(panel.path) \"\(panel.title)\" \(message)"))
                }
            }
            framesByPath[panel.path] = frames
        }
        return annotate(dashboard, request: request, chosen: chosen, frames: framesByPath, errors: errorsByPath, problems: problems)
    }

    /// Runs one expanded query inside a savepoint, so a failing one leaves the sandbox usable.
    private func run(_ sql: String, refID: String, on connection: PostgresConnection) async throws -> DataFrame {
        try PanelSQLGuard.check(sql)
        try await connection.query("SAVEPOINT vigil_panel", logger: logger)
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            let frame = try await DataFrame.reading(rows, refID: refID, sql: sql)
            try await connection.query("RELEASE SAVEPOINT vigil_panel", logger: logger)
            return frame
        } catch {
            try await connection.query("ROLLBACK TO SAVEPOINT vigil_panel", logger: logger)
            if let vigil = error as? VigilError { throw vigil }
            throw VigilError(.invalidInput, Self.describe(error))
        }
    }

    private static func optionText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let text): text
        default: nil
        }
    }

    /// What a panel's failed query tells the client: the server's message when it is about the
    /// query's own text or values (syntax, unknown names, bad values: SQLSTATE classes 42 and 22),
    /// which is what the dashboard's author needs to mend it; nothing for the rest (permissions,
    /// resources, the connection), whose messages can name roles, databases or hosts.
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState],
              let message = psql.serverInfo?[.message] else { return "the query failed" }
        if state == "42501" { return "permission denied: panels read only the projection tables of their own project" }
        if state.hasPrefix("42") || state.hasPrefix("22") { return message }
        if state == "57014" { return "the query ran past its time limit" }
        return "the query failed"
    }

    private func annotate(_ dashboard: Dashboard, request: Request, chosen: [String: (variable: TemplateVariable, selection: TemplateVariable.Selection)],
                          frames: [String: [JSONValue]], errors: [String: String], problems: [JSONValue]) -> JSONValue {
        func walk(_ panels: [JSONValue], prefix: String) -> [JSONValue] {
            panels.enumerated().map { index, panel in
                let path = "\(prefix)panels[\(index)]"
                var panel = panel
                if let nested = panel["panels"]?.arrayValue {
                    panel = panel.setting("panels", to: .array(walk(nested, prefix: path + ".")))
                }
                if let data = frames[path] { panel = panel.setting("snapshotData", to: .array(data)) }
                if let error = errors[path] { panel = panel.setting("vigilError", to: .string(error)) }
                return panel
            }
        }
        let from = GrafanaExpander.rfc3339(request.fromMillis), to = GrafanaExpander.rfc3339(request.toMillis)
        let variables: [(String, JSONValue)] = dashboard.variables.compactMap { variable in
            guard let entry = chosen[variable.name] else { return nil }
            switch entry.selection {
            case .all: return (variable.name, .string("All"))
            case .values(let values): return (variable.name, .array(values.map { .string($0) }))
            }
        }
        return dashboard.json
            .setting("id", to: .null)
            .setting("time", to: .object([("from", .string(from)), ("to", .string(to))]))
            .setting("panels", to: .array(walk(dashboard.json["panels"]?.arrayValue ?? [], prefix: "")))
            .setting("vigilExport", to: .object([
                ("exportedAt", .string(GrafanaExpander.rfc3339(request.nowMillis))),
                ("from", .string(from)),
                ("to", .string(to)),
                ("projectId", .number(String(request.projectID))),
                ("variables", .object(variables)),
                ("errors", .array(problems)),
            ]))
    }
}
