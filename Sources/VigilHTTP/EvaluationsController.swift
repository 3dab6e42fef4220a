internal import Foundation
public import Hummingbird
internal import NIOCore
internal import VigilCore
public import VigilEventLog
public import VigilHTTPBase
public import VigilSafety

/// `POST /api/v1/evaluations`: scores and labels of LLM outputs from an app's own evaluators,
/// one object, an array, or `{"evaluations": [...]}` (at most 1000). Each needs `trace_id`
/// (32 hex digits), `name` and `value` (a number, true/false, or a label), and may carry `span_id`,
/// `evaluator`, `comment` and `time` (RFC 3339 or Unix ms; receipt time when absent). Answered after
/// the evaluations are committed as `evaluation` events; the rollup processor aggregates them.
/// Comments are redacted with the project's policy before they are stored.
public struct EvaluationsController: Sendable {
    private let appender: EventAppender
    private let maxBodyBytes: Int
    private let redaction: RedactionPolicies

    /// Makes the controller, appending through `appender`, redacting comments with `redaction`.
    public init(appender: EventAppender, maxBodyBytes: Int, redaction: RedactionPolicies = RedactionPolicies()) {
        self.appender = appender
        self.maxBodyBytes = maxBodyBytes
        self.redaction = redaction
    }

    /// Adds the route to `group` (guarded with the ingest role by the caller).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        group.post("/api/v1/evaluations") { request, context in
            try await create(request: request, context: context)
        }
    }

    func create(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let bytes = try await request.jsonBody("the evaluations", upTo: maxBodyBytes)
        let items: [EvaluationInput]
        let decoder = JSONDecoder()
        if let list = try? decoder.decode([EvaluationInput].self, from: bytes) {
            items = list
        } else if let wrapped = try? decoder.decode(EvaluationBatch.self, from: bytes) {
            items = wrapped.evaluations
        } else {
            do {
                items = [try decoder.decode(EvaluationInput.self, from: bytes)]
            } catch {
                throw VigilError(.invalidInput, "send an evaluation object, an array of them, or {\"evaluations\": [...]}, as JSON")
            }
        }
        guard !items.isEmpty, items.count <= 1000 else {
            throw VigilError(.invalidInput, "send 1 to 1000 evaluations at a time (got \(items.count))")
        }
        let now = EventTime.nowMicros()
        let redactor = redaction.redactor(projectID: principal.projectID)
        let events = try items.enumerated().map { index, item in
            try Self.event(item, index: index, projectID: principal.projectID, nowMicros: now, redactor: redactor)
        }
        try await appender.append(events)
        return Response.json("{\"accepted\":\(events.count)}")
    }

    /// The scores taken: sums of many stay exact in `Decimal` and in Postgres's `numeric`.
    static let scoreRange: ClosedRange<Double> = -1e15...1e15

    static func event(_ item: EvaluationInput, index: Int, projectID: Int64, nowMicros: Int64, redactor: Redactor) throws -> NewEvent {
        func bad(_ message: String) -> VigilError { VigilError(.invalidInput, "evaluation \(index): \(message)") }
        guard let trace = item.trace_id?.lowercased(), trace.count == 32, Hex.decode(trace) != nil,
              trace != String(repeating: "0", count: 32) else {
            throw bad("trace_id must be 32 hex digits")
        }
        var span: String?
        if let text = item.span_id?.lowercased() {
            guard text.count == 16, Hex.decode(text) != nil else { throw bad("span_id must be 16 hex digits") }
            span = text
        }
        guard let name = item.name, !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw bad("name must be a non-empty string of at most 200 characters")
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("trace_id", trace)
        if let span { writer.string("span_id", span) }
        writer.string("name", name)
        switch item.value {
        case .bool(let flag)?:
            writer.double("score", flag ? 1 : 0)
            writer.string("label", flag ? "true" : "false")
        case .number(let number)?:
            guard number.isFinite, Self.scoreRange.contains(number) else {
                throw bad("value must be a finite number from -1e15 to 1e15, true/false or a label")
            }
            writer.double("score", number)
        case .label(let label)?:
            guard !label.isEmpty, label.count <= 200 else { throw bad("a label value must be 1 to 200 characters") }
            writer.string("label", label)
        case nil:
            throw bad("value must be a number, true/false or a label")
        }
        var counts = RedactionCounts()
        for (field, value) in [("evaluator", item.evaluator), ("comment", item.comment)] {
            guard let value else { continue }
            guard value.count <= 10_000 else { throw bad("\(field) must be at most 10000 characters") }
            writer.string(field, field == "comment" ? redactor.redact(value, counts: &counts) : value)
        }
        if !counts.isEmpty { counts.write("pii", into: &writer) }
        var micros = nowMicros
        if let time = item.time {
            guard let parsed = TimeParameter.parse(time.text) else { throw bad("time must be \(CivilTime.expectedText)") }
            micros = parsed
        }
        writer.string("time", CivilTime.rfc3339(micros: micros))
        writer.endObject()
        return NewEvent(projectID: projectID, kind: .evaluation, occurredAtMicros: micros, dedupKey: ContentKey.make(kind: .evaluation, body: writer.bytes), body: writer.bytes)
    }
}

/// One evaluation as an app sends it.
struct EvaluationInput: Decodable {
    enum Value: Decodable {
        case bool(Bool)
        case number(Double)
        case label(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .label(try container.decode(String.self))
            }
        }
    }

    struct Time: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let millis = try? container.decode(Int64.self) {
                text = String(millis)
            } else {
                text = try container.decode(String.self)
            }
        }
    }

    var trace_id: String?
    var span_id: String?
    var name: String?
    var value: Value?
    var evaluator: String?
    var comment: String?
    var time: Time?
}

struct EvaluationBatch: Decodable {
    var evaluations: [EvaluationInput]
}
