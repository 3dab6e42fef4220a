public import Hummingbird
internal import NIOCore
internal import VigilCore
public import VigilEventLog
public import VigilHTTPBase

/// `GET /api/v1/events?after=SEQ&limit=N`: the caller's project's events after a sequence number,
/// in order, as JSON lines' worth of objects in one array, with the cursor for the next page.
public struct EventsController: Sendable {
    private let reader: EventReader

    /// Makes the controller over `reader`.
    public init(reader: EventReader) {
        self.reader = reader
    }

    /// Adds the route to `group` (guarded with the read role by the caller).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        group.get("/api/v1/events") { request, context in
            try await list(request: request, context: context)
        }
    }

    func list(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let after = try QueryParameter.integer(query, "after", default: 0, range: 0...Int64.max)
        let limit = try QueryParameter.integer(query, "limit", default: 100, range: 1...1000)
        let events = try await reader.read(after: after, limit: Int(limit), projectID: principal.projectID)
        var writer = JSONWriter(capacity: 1024 * events.count + 64)
        writer.beginObject()
        writer.beginArray("events")
        for event in events { event.write(into: &writer) }
        writer.endArray()
        writer.int("next_after", events.last?.seq ?? after)
        writer.endObject()
        return Response.json(writer.bytes)
    }
}
