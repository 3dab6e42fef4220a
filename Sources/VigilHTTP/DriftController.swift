internal import Foundation
internal import Hummingbird
internal import NIOCore
internal import VigilAlerting
internal import VigilCore
public import VigilEventLog
public import VigilQueries
public import VigilDrift
internal import VigilStats
internal import VigilHTTPBase

/// The drift API. Reading the project: `POST /api/v1/drift/compute` (a report between two windows,
/// neither stored nor logged), `GET /api/v1/drift/reports?feature&from&to` and
/// `GET /api/v1/drift/reports/{id}` (bin edges and both proportions per component included).
/// Operating it: `POST /api/v1/drift/baselines` (pin a feature's reference: a time range or the
/// last N samples, recorded as an event) and `POST /api/v1/drift/reports` (a feature's report now,
/// against its pinned baseline, stored and logged like a scheduled one).
public struct DriftController: Sendable {
    private let drift: DriftStore
    private let appender: EventAppender
    private let scheduler: DriftScheduler?
    private let maxValues: Int
    private let gate: DriftGate

    /// Makes the controller; `scheduler` computes and stores the reports asked for now (without
    /// one, `POST /api/v1/drift/reports` is not offered). At most `maxConcurrent` computations
    /// asked over HTTP run at once (the next is a 503 with `Retry-After`); a reference window keeps
    /// at most `maxValues` values (`VIGIL_DRIFT_MAX_VALUES`).
    public init(drift: DriftStore, appender: EventAppender, scheduler: DriftScheduler? = nil, maxValues: Int = 20_000_000, maxConcurrent: Int = 2) {
        self.drift = drift
        self.appender = appender
        self.scheduler = scheduler
        self.maxValues = maxValues
        self.gate = DriftGate(limit: maxConcurrent)
    }

    /// Adds the routes, each behind the permission it needs.
    public func addRoutes(to guards: RouteGuards) {
        guards[.readProject].post("/api/v1/drift/compute") { request, context in try await compute(request: request, context: context) }
        guards[.operateProject].post("/api/v1/drift/baselines") { request, context in try await pin(request: request, context: context) }
        guards[.readProject].get("/api/v1/drift/reports") { request, context in try await list(request: request, context: context) }
        if let scheduler {
            guards[.operateProject].post("/api/v1/drift/reports") { request, context in try await reportNow(request: request, context: context, scheduler: scheduler) }
        }
        guards[.readProject].get("/api/v1/drift/reports/{id}") { _, context in try await one(context: context) }
    }

    struct WindowInput: Decodable {
        var from: EvaluationInput.Time?
        var to: EvaluationInput.Time?
        var last: Int?
    }

    struct ComputeInput: Decodable {
        var feature: String?
        var reference: WindowInput?
        var current: WindowInput?
        var threshold: Double?
    }

    struct ReportInput: Decodable {
        var feature: String?
    }

    struct BaselineInput: Decodable {
        var feature: String?
        var from: EvaluationInput.Time?
        var to: EvaluationInput.Time?
        var last: Int?
        /// A trailing window before each report's current window: seconds, or `7d`, `12h`, `30m`.
        var trailing: EvaluationInput.Time?
    }

    func compute(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input: ComputeInput = try await Self.decode(request, "{\"feature\": ..., \"reference\": {\"from\", \"to\"} or {\"last\": N}, \"current\": {\"from\", \"to\"}}")
        let feature = try Self.feature(input.feature)
        guard let currentInput = input.current else { throw VigilError(.invalidInput, "current must give the window: {\"from\", \"to\"}") }
        let current = try Self.window(currentInput, name: "current")
        guard let referenceInput = input.reference else { throw VigilError(.invalidInput, "reference must give a window ({\"from\", \"to\"}) or {\"last\": N}") }
        let reference: DriftStore.Window
        if let last = referenceInput.last {
            guard (100...DriftStore.referenceLimit).contains(last) else {
                throw VigilError(.invalidInput, "reference.last must be from 100 to \(DriftStore.referenceLimit)")
            }
            guard let window = try await drift.lastSamples(projectID: principal.projectID, feature: feature, count: last, beforeMicros: current.fromMicros) else {
                throw VigilError(.invalidInput, "feature \(feature) has no samples before the current window")
            }
            reference = window
        } else {
            reference = try Self.window(referenceInput, name: "reference")
        }
        var options = DriftOptions.default
        if let threshold = input.threshold {
            guard threshold > 0, threshold.isFinite else { throw VigilError(.invalidInput, "threshold must be a positive number") }
            options.threshold = threshold
        }
        let drift = self.drift
        let maxValues = self.maxValues
        let chosen = options
        let report = try await gate.run {
            try await drift.compute(projectID: principal.projectID, feature: feature, reference: reference, current: current, options: chosen, maxValues: maxValues)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("feature", feature)
        Self.windows(reference: reference, current: current, into: &writer)
        writer.raw("report", Array(try encoder.encode(report)))
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func pin(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input: BaselineInput = try await Self.decode(request, "{\"feature\": ..., \"from\": ..., \"to\": ...}, {\"feature\": ..., \"last\": N} or {\"feature\": ..., \"trailing\": \"7d\"}")
        let feature = try Self.feature(input.feature)
        context.audit?.name(target: feature)
        if let trailing = input.trailing {
            return try await pinTrailing(trailing.text, feature: feature, projectID: principal.projectID)
        }
        let window: DriftStore.Window
        if let last = input.last {
            guard (100...DriftStore.referenceLimit).contains(last) else {
                throw VigilError(.invalidInput, "last must be from 100 to \(DriftStore.referenceLimit)")
            }
            guard let found = try await drift.lastSamples(projectID: principal.projectID, feature: feature, count: last, beforeMicros: EventTime.nowMicros() + 1) else {
                throw VigilError(.invalidInput, "feature \(feature) has no samples yet")
            }
            window = found
        } else {
            window = try Self.window(WindowInput(from: input.from, to: input.to), name: "baseline")
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("feature", feature)
        writer.int("from_us", window.fromMicros)
        writer.int("to_us", window.toMicros)
        if let last = input.last { writer.int("last_n", Int64(last)) } else { writer.null("last_n") }
        writer.endObject()
        let now = EventTime.nowMicros()
        try await appender.append([NewEvent(projectID: principal.projectID, kind: .driftBaselinePinned, occurredAtMicros: now,
                                            dedupKey: ContentKey.make(kind: .driftBaselinePinned, body: writer.bytes + Array(String(now).utf8)), body: writer.bytes)])
        var answer = JSONWriter()
        answer.beginObject()
        answer.string("feature", feature)
        answer.string("from", CivilTime.rfc3339(micros: window.fromMicros))
        answer.string("to", CivilTime.rfc3339(micros: window.toMicros))
        if let last = input.last { answer.int("last_n", Int64(last)) } else { answer.null("last_n") }
        answer.endObject()
        return Response.json(answer.bytes)
    }

    /// Pins a trailing reference window of its own length for `feature`.
    private func pinTrailing(_ text: String, feature: String, projectID: Int64) async throws -> Response {
        let seconds: Int64
        if let whole = Int64(text) {
            seconds = whole
        } else if let duration = DurationText.parse(text) {
            seconds = duration.components.seconds
        } else {
            throw VigilError(.invalidInput, "trailing=\(InputText.shown(text)) must be seconds or a duration such as 7d, 12h or 30m, from one minute to a year")
        }
        guard (60...31_536_000).contains(seconds) else { throw VigilError(.invalidInput, "trailing must be from one minute to a year") }
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("feature", feature)
        writer.int("trailing_seconds", seconds)
        writer.endObject()
        let now = EventTime.nowMicros()
        try await appender.append([NewEvent(projectID: projectID, kind: .driftBaselinePinned, occurredAtMicros: now,
                                            dedupKey: ContentKey.make(kind: .driftBaselinePinned, body: writer.bytes + Array(String(now).utf8)), body: writer.bytes)])
        return Response.json(writer.bytes)
    }

    /// `POST /api/v1/drift/reports`: the report of a feature now, as the scheduler would make it
    /// with the pinned baseline and the current window, stored; answered 201 with the stored report.
    func reportNow(request: Request, context: VigilRequestContext, scheduler: DriftScheduler) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input: ReportInput = try await Self.decode(request, "{\"feature\": ...}")
        let feature = try Self.feature(input.feature)
        context.audit?.name(target: feature)
        let id = try await gate.run { try await scheduler.reportNow(projectID: principal.projectID, feature: feature) }
        guard let report = try await drift.report(projectID: principal.projectID, id: id) else {
            throw VigilError(.unavailable, "drift report \(id) was stored but cannot be read back yet", retryAfterSeconds: 1)
        }
        var writer = JSONWriter()
        Self.headline(report, into: &writer)
        writer.raw("report", Array(report.reportJSON.utf8))
        writer.endObject()
        var response = Response.json(writer.bytes)
        response.status = .created
        return response
    }

    func list(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let (from, to) = try TimeParameter.range(query, defaultTo: EventTime.nowMicros() + 60_000_000, lengthMicros: 7 * 86_400_000_000)
        let feature = try QueryParameter.filter(query, "feature")
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("reports")
        for report in try await drift.reports(projectID: principal.projectID, feature: feature, fromMicros: from, toMicros: to, limit: 500) {
            Self.headline(report, into: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Response.json(writer.bytes)
    }

    func one(context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else {
            throw VigilError(.invalidInput, "report id \(InputText.shown(text)) must be a whole number from 1 to \(Int64.max)")
        }
        guard let report = try await drift.report(projectID: principal.projectID, id: id) else {
            throw VigilError(.notFound, "no drift report \(id) in this project")
        }
        var writer = JSONWriter()
        Self.headline(report, into: &writer)
        writer.raw("report", Array(report.reportJSON.utf8))
        writer.endObject()
        return Response.json(writer.bytes)
    }

    /// Opens an object with a stored report's headline fields (the caller closes it).
    private static func headline(_ report: DriftStore.StoredReport, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.int("id", report.id)
        writer.string("feature", report.feature)
        writer.string("computed_at", report.computedAt)
        writer.beginObject("reference")
        writer.string("from", report.reference.0)
        writer.string("to", report.reference.1)
        writer.endObject()
        writer.beginObject("current")
        writer.string("from", report.current.0)
        writer.string("to", report.current.1)
        writer.endObject()
        writer.double("psi_mean", report.psiMean)
        writer.double("psi_max", report.psiMax)
        writer.bool("drifted", report.drifted)
    }

    private static func windows(reference: DriftStore.Window, current: DriftStore.Window, into writer: inout JSONWriter) {
        for (name, window) in [("reference", reference), ("current", current)] {
            writer.beginObject(name)
            writer.string("from", CivilTime.rfc3339(micros: window.fromMicros))
            writer.string("to", CivilTime.rfc3339(micros: window.toMicros))
            writer.endObject()
        }
    }

    private static func feature(_ text: String?) throws -> String {
        guard let feature = text?.trimmingWhitespace(), !feature.isEmpty else { throw VigilError(.invalidInput, "feature must be given") }
        return try InputText.check(feature, "feature", maxLength: 200)
    }

    private static func window(_ input: WindowInput, name: String) throws -> DriftStore.Window {
        guard let fromText = input.from?.text, let from = TimeParameter.parse(fromText) else {
            throw VigilError(.invalidInput, "\(name).from must be \(CivilTime.expectedText)")
        }
        guard let toText = input.to?.text, let to = TimeParameter.parse(toText) else {
            throw VigilError(.invalidInput, "\(name).to must be \(CivilTime.expectedText)")
        }
        guard from < to else { throw VigilError(.invalidInput, "\(name).from must be before \(name).to") }
        return DriftStore.Window(fromMicros: from, toMicros: to)
    }

    private static func decode<T: Decodable>(_ request: Request, _ shape: String) async throws -> T {
        let body = try await request.jsonBody("the request", upTo: 1 << 20)
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw VigilError(.invalidInput, "send \(shape) as JSON")
        }
    }
}
