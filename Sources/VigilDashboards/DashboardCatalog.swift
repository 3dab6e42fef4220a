internal import Foundation
public import Logging
internal import PostgresNIO
internal import VigilCore
public import VigilEventLog

/// The dashboards a project sees: the shipped files of `dashboards/` (read once, at start-up)
/// and those its admins imported, stored in the `dashboards` table.
public struct DashboardCatalog: Sendable {
    /// A dashboard as listed.
    public struct Entry: Sendable {
        /// The dashboard.
        public var dashboard: Dashboard
        /// Its version: 1 for shipped ones, counting imports for imported ones.
        public var version: Int
        /// When it was imported (RFC 3339), for imported ones.
        public var importedAt: String?

        /// Bundles an entry.
        public init(dashboard: Dashboard, version: Int, importedAt: String?) {
            self.dashboard = dashboard
            self.version = version
            self.importedAt = importedAt
        }
    }

    /// The shipped dashboards, by uid order.
    public let shipped: [Dashboard]
    private let executor: any QueryExecutor
    private let logger: Logger

    /// Reads every `*.json` of `directory` (none when nil); a file that is not a valid dashboard,
    /// or a uid used twice, is a `.configuration` error naming the file.
    public init(directory: String?, executor: any QueryExecutor, logger: Logger) throws {
        self.executor = executor
        self.logger = logger
        var shipped: [Dashboard] = []
        if let directory {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() where name.hasSuffix(".json") {
                let path = directory + "/" + name
                do {
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw VigilError(.configuration, "cannot read it")
                    }
                    let dashboard = try Dashboard(json: try JSONValue(parsing: Array(data)), source: .shipped)
                    guard !shipped.contains(where: { $0.uid == dashboard.uid }) else {
                        throw VigilError(.configuration, "the uid \(dashboard.uid) is used by another file")
                    }
                    shipped.append(dashboard)
                } catch let error as VigilError {
                    throw VigilError(.configuration, "dashboard file \(path): \(error.message)")
                }
            }
        }
        self.shipped = shipped
    }

    /// The shipped dashboards, then the project's imported ones, each by uid.
    public func list(projectID: Int64) async throws -> [Entry] {
        shipped.map { Entry(dashboard: $0, version: 1, importedAt: nil) } + (try await imported(projectID: projectID, uid: nil))
    }

    /// One dashboard the project sees, or nil.
    public func entry(uid: String, projectID: Int64) async throws -> Entry? {
        if let dashboard = shipped.first(where: { $0.uid == uid }) {
            return Entry(dashboard: dashboard, version: 1, importedAt: nil)
        }
        return try await imported(projectID: projectID, uid: uid).first
    }

    /// The project's imported dashboards by uid, or only the one with `uid`.
    private func imported(projectID: Int64, uid: String?) async throws -> [Entry] {
        let rows = try await executor.execute(
            """
            SELECT body::text, version, to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM dashboards WHERE project_id = \(projectID) AND (\(uid)::text IS NULL OR uid = \(uid)) ORDER BY uid
            """,
            logger: logger
        )
        var entries: [Entry] = []
        for try await (body, version, importedAt) in rows.decode((String, Int, String).self) {
            entries.append(Entry(dashboard: try Dashboard(json: try JSONValue(parsing: Array(body.utf8)), source: .imported), version: version, importedAt: importedAt))
        }
        return entries
    }

    /// Stores a team's dashboard (its `id` cleared) for the project. A shipped dashboard's uid is a
    /// `.conflict`; so is an existing imported uid unless `overwrite`. Returns the stored entry and
    /// whether it is new.
    public func importDashboard(_ json: JSONValue, projectID: Int64, keyID: Int64, overwrite: Bool) async throws -> (entry: Entry, created: Bool) {
        let dashboard = try Dashboard(json: json.setting("id", to: .null), source: .imported)
        guard !shipped.contains(where: { $0.uid == dashboard.uid }) else {
            throw VigilError(.conflict, "uid \(dashboard.uid) is a shipped dashboard's; give yours another uid")
        }
        let body = String(decoding: dashboard.json.bytes, as: UTF8.self)
        let rows = try await executor.execute(
            """
            INSERT INTO dashboards AS d (project_id, uid, title, body, imported_by_key)
            VALUES (\(projectID), \(dashboard.uid), \(dashboard.title), \(body)::jsonb, \(keyID))
            ON CONFLICT (project_id, uid) DO UPDATE
                SET title = excluded.title, body = excluded.body, version = d.version + 1,
                    imported_at = now(), imported_by_key = excluded.imported_by_key
                WHERE \(overwrite)
            RETURNING version, to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            """,
            logger: logger
        )
        for try await (version, importedAt) in rows.decode((Int, String).self) {
            return (Entry(dashboard: dashboard, version: version, importedAt: importedAt), version == 1)
        }
        throw VigilError(.conflict, "a dashboard with uid \(dashboard.uid) exists; send \"overwrite\": true to replace it")
    }

    /// Deletes an imported dashboard; false when the project has none with `uid`. A shipped one
    /// cannot be deleted (`.conflict`).
    public func delete(uid: String, projectID: Int64) async throws -> Bool {
        guard !shipped.contains(where: { $0.uid == uid }) else {
            throw VigilError(.conflict, "uid \(uid) is a shipped dashboard, which cannot be deleted")
        }
        let rows = try await executor.execute("DELETE FROM dashboards WHERE project_id = \(projectID) AND uid = \(uid) RETURNING uid", logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
