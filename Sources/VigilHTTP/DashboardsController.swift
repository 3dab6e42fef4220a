internal import Foundation
internal import Hummingbird
internal import NIOCore
public import PostgresNIO
internal import VigilCore
public import VigilDashboards
internal import VigilHTTPBase

/// The dashboards API: `GET /api/v1/dashboards` and `GET /api/v1/dashboards/{uid}/export`
/// (reading the project; with `with_data=true` each panel's query results for the range are
/// embedded); `POST /api/v1/dashboards/import` and `DELETE /api/v1/dashboards/{uid}`
/// (administering it) for a team's own dashboards. Another project's dashboard is a 404.
public struct DashboardsController: Sendable {
    /// Runs `body` on a connection of its own (exports need a transaction).
    public typealias ConnectionProvider = @Sendable (@Sendable (PostgresConnection) async throws -> JSONValue) async throws -> JSONValue

    private let catalog: DashboardCatalog
    private let exporter: DashboardExporter
    private let connection: ConnectionProvider
    private let maxBodyBytes: Int

    /// Makes the controller.
    public init(catalog: DashboardCatalog, exporter: DashboardExporter, connection: @escaping ConnectionProvider, maxBodyBytes: Int) {
        self.catalog = catalog
        self.exporter = exporter
        self.connection = connection
        self.maxBodyBytes = maxBodyBytes
    }

    /// Adds the routes, each behind the permission it needs.
    public func addRoutes(to guards: RouteGuards) {
        guards[.readProject].get("/api/v1/dashboards") { _, context in try await list(context: context) }
        guards[.readProject].get("/api/v1/dashboards/{uid}/export") { request, context in try await export(request: request, context: context) }
        guards[.administerProject].post("/api/v1/dashboards/import") { request, context in try await importDashboard(request: request, context: context) }
        guards[.administerProject].delete("/api/v1/dashboards/{uid}") { _, context in try await delete(context: context) }
    }

    private func list(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let entries = try await catalog.list(projectID: principal.projectID)
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("dashboards")
        for entry in entries { write(entry, to: &writer) }
        writer.endArray()
        writer.endObject()
        return .json(writer.bytes)
    }

    private func write(_ entry: DashboardCatalog.Entry, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.string("uid", entry.dashboard.uid)
        writer.string("title", entry.dashboard.title)
        writer.beginArray("tags")
        for tag in entry.dashboard.tags { writer.string(nil, tag) }
        writer.endArray()
        writer.string("source", entry.dashboard.source.rawValue)
        writer.int("version", Int64(entry.version))
        if let importedAt = entry.importedAt { writer.string("imported_at", importedAt) } else { writer.null("imported_at") }
        writer.int("panels", Int64(entry.dashboard.panels.count))
        writer.string("export_url", "/api/v1/dashboards/\(entry.dashboard.uid)/export")
        writer.endObject()
    }

    private func export(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let uid = context.parameters.get("uid") ?? ""
        guard let entry = try await catalog.entry(uid: uid, projectID: principal.projectID) else {
            throw VigilError(.notFound, "no dashboard with uid \(uid) (GET /api/v1/dashboards lists them)")
        }
        let query = request.uri.queryParameters
        let withData: Bool
        switch query.get("with_data") ?? "false" {
        case "true", "1": withData = true
        case "false", "0", "": withData = false
        case let other: throw VigilError(.invalidInput, "query parameter with_data=\(other) must be true or false")
        }
        var body = entry.dashboard.json.setting("id", to: .null)
        if withData {
            let exportRequest = try DashboardExporter.Request(
                dashboard: entry.dashboard,
                projectID: principal.projectID,
                from: query.get("from"),
                to: query.get("to"),
                variables: query.filter { $0.key.hasPrefix("var-") }.map { (String($0.key.dropFirst(4)), String($0.value)) },
                nowMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded()),
                describe: { "query parameter \($0)=" }
            )
            let dashboard = entry.dashboard
            let exporter = self.exporter
            body = try await connection { connection in
                try await exporter.exportWithData(dashboard, request: exportRequest, on: connection)
            }
        } else if query.contains(where: { $0.key == "from" || $0.key == "to" || $0.key.hasPrefix("var-") }) {
            throw VigilError(.invalidInput, "from, to and var-* only apply with with_data=true")
        }
        var response = Response.json(body.bytes)
        response.headers[.contentDisposition] = "attachment; filename=\"\(uid).json\""
        return response
    }

    private func importDashboard(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let data = try await request.jsonBody("the dashboard", upTo: maxBodyBytes)
        let document = try JSONValue(parsing: Array(data))
        if let path = Self.nulPath(document, at: "dashboard") {
            throw VigilError(.invalidInput, "\(path) must not contain a NUL character (U+0000)")
        }
        var dashboard = document
        var overwrite = false
        if let wrapped = document["dashboard"] {
            dashboard = wrapped
            switch document["overwrite"] {
            case nil, .null?: overwrite = false
            case .bool(let flag)?: overwrite = flag
            default: throw VigilError(.invalidInput, "overwrite must be true or false")
            }
        }
        let (entry, created) = try await catalog.importDashboard(dashboard, projectID: principal.projectID, keyID: principal.keyID, overwrite: overwrite)
        context.audit?.name(target: entry.dashboard.uid)
        var writer = JSONWriter()
        write(entry, to: &writer)
        var response = Response.json(writer.bytes)
        response.status = created ? .created : .ok
        return response
    }

    /// The JSON path (`dashboard.panels[2].title`) of the first string or member name in `value`
    /// holding U+0000, which Postgres's `jsonb` and `text` refuse; nil when none does.
    static func nulPath(_ value: JSONValue, at path: String) -> String? {
        if let text = value.stringValue {
            return text.containsNUL ? path : nil
        }
        if let elements = value.arrayValue {
            for (index, element) in elements.enumerated() {
                if let found = nulPath(element, at: "\(path)[\(index)]") { return found }
            }
        }
        if let members = value.objectValue {
            for (key, member) in members {
                let memberPath = "\(path).\(InputText.shown(key))"
                if key.containsNUL { return memberPath }
                if let found = nulPath(member, at: memberPath) { return found }
            }
        }
        return nil
    }

    private func delete(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let uid = context.parameters.get("uid") ?? ""
        guard try await catalog.delete(uid: uid, projectID: principal.projectID) else {
            throw VigilError(.notFound, "no imported dashboard with uid \(uid)")
        }
        return Response(status: .noContent)
    }
}
