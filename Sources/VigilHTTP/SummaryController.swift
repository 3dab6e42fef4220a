internal import Foundation
public import Hummingbird
internal import NIOCore
internal import VigilCore
internal import VigilProjections
public import VigilQueries
internal import VigilStats
public import VigilHTTPBase

/// `GET /api/v1/summary` (per group: count, errors, error rate, latency and time-to-first-token
/// percentiles, tokens, exact cost; of LLM calls unless `kind` names other spans) and
/// `GET /api/v1/models/unpriced`, from the rollups.
public struct SummaryController: Sendable {
    /// The most dimensions `group_by` may list.
    static let maxGroupBy = 16

    private let rollups: RollupReader

    /// Makes the controller over `rollups`.
    public init(rollups: RollupReader) {
        self.rollups = rollups
    }

    /// Adds the routes to `group` (guarded with the read role by the caller).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        group.get("/api/v1/summary") { request, context in
            try await summary(request: request, context: context)
        }
        group.get("/api/v1/models/unpriced") { _, context in
            try await unpriced(context: context)
        }
    }

    func summary(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let (from, to) = try TimeParameter.range(query, defaultTo: EventTime.nowMicros(), lengthMicros: 3_600_000_000)
        var groupBy: [RollupReader.Dimension] = []
        for name in try QueryParameter.list(query, "group_by", maxItems: Self.maxGroupBy) {
            guard let dimension = RollupReader.Dimension(rawValue: name) else {
                throw VigilError(.invalidInput, "query parameter group_by: \(InputText.shown(name)) is not one of \(RollupReader.Dimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !groupBy.contains(dimension) { groupBy.append(dimension) }
        }
        let service = try QueryParameter.filter(query, "service")
        let model = try QueryParameter.filter(query, "model")
        let kind = try QueryParameter.kind(query)
        let groups = try await rollups.summary(
            projectID: principal.projectID, fromMicros: from, toMicros: to, service: service, model: model, kind: kind, groupBy: groupBy
        )

        var writer = JSONWriter(capacity: 512 * groups.count + 256)
        writer.beginObject()
        writer.string("from", CivilTime.rfc3339(micros: from))
        writer.string("to", CivilTime.rfc3339(micros: to))
        writer.string("kind", kind?.rawValue ?? "all")
        writer.beginArray("group_by")
        for dimension in groupBy { writer.string(nil, dimension.rawValue) }
        writer.endArray()
        writer.beginArray("groups")
        for group in groups {
            writer.beginObject()
            for (dimension, value) in group.dimensions { writer.string(dimension.rawValue, value) }
            writer.int("count", group.count)
            writer.int("errors", group.errors)
            writer.double("error_rate", group.count == 0 ? 0 : Double(group.errors) / Double(group.count))
            writer.int("clock_skewed", group.skewed)
            Self.percentiles("latency_ms", group.latency, into: &writer)
            Self.percentiles("ttft_ms", group.ttft, into: &writer)
            writer.int("input_tokens", group.inputTokens)
            writer.int("output_tokens", group.outputTokens)
            writer.raw("cost_usd", Array("\(group.costUSD)".utf8))
            writer.int("unpriced_calls", group.unpricedCalls)
            // The app's own cost beside Vigil's, over the calls that carried both.
            writer.beginObject("reported_cost")
            writer.int("calls", group.reportedCalls)
            writer.raw("app_usd", Array("\(group.reportedAppCostUSD)".utf8))
            writer.raw("vigil_usd", Array("\(group.reportedVigilCostUSD)".utf8))
            writer.endObject()
            writer.beginObject("quality")
            for (name, totals) in group.quality.sorted(by: { $0.key < $1.key }) {
                if let mean = totals.mean { writer.double(name, mean) } else { writer.null(name) }
            }
            writer.endObject()
            writer.beginObject("quality_counts")
            for (name, totals) in group.quality.sorted(by: { $0.key < $1.key }) { writer.int(name, totals.count) }
            writer.endObject()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func unpriced(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let models = try await rollups.unpricedModels(projectID: principal.projectID)
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("models")
        for model in models {
            writer.beginObject()
            writer.string("model", model.model)
            writer.string("provider", model.provider)
            writer.int("calls", model.calls)
            writer.string("first_seen", model.firstSeen)
            writer.string("last_seen", model.lastSeen)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    private static func percentiles(_ key: String, _ sketch: QuantileSketch, into writer: inout JSONWriter) {
        guard sketch.count > 0 else {
            writer.null(key)
            return
        }
        writer.beginObject(key)
        let values = sketch.quantiles([0.5, 0.9, 0.95, 0.99])
        for (name, value) in zip(["p50", "p90", "p95", "p99"], values) {
            writer.double(name, value ?? 0)
        }
        writer.endObject()
    }
}
