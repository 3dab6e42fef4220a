/// One entry of the audit trail: who did what to which target, with what outcome, in which
/// request. Stored as an `audit` event; its body never holds a secret (keys are named by id and
/// lookup, never by token; receivers by name).
public struct AuditRecord: Sendable, Equatable {
    /// Who acted.
    public enum Actor: String, Sendable {
        /// A request carrying an API key.
        case key
        /// The `vigil` command line (no key, no request id).
        case cli
        /// Vigil itself (retention).
        case vigil
    }

    /// How the action ended.
    public enum Outcome: String, Sendable, CaseIterable {
        /// It was done.
        case succeeded
        /// The input was refused (400, 413, 415).
        case rejected
        /// Its target does not exist in the project (404).
        case notFound = "not_found"
        /// It conflicted with the stored state (409).
        case conflict
        /// Vigil could not do it (5xx).
        case failed
    }

    /// The project the action was in (`InstanceProject.id` for an operator's or the instance's).
    public var projectID: Int64
    /// That project's name, when known.
    public var projectName: String?
    /// Who acted.
    public var actor: Actor
    /// The acting key's id, for `.key`.
    public var keyID: Int64?
    /// The acting key's role, for `.key`.
    public var role: Role?
    /// What was done: `silence.create`, `key.revoke`, `retention.set`…
    public var action: String
    /// What it was done to (an id, a uid, a feature), when it names one.
    public var target: String?
    /// How it ended.
    public var outcome: Outcome
    /// The HTTP request's id (`hb.request.id`), for a request.
    public var requestID: String?
    /// Further facts about the action, none secret.
    public var details: [String: String]

    /// Makes a record.
    public init(projectID: Int64, projectName: String? = nil, actor: Actor, keyID: Int64? = nil, role: Role? = nil, action: String,
                target: String? = nil, outcome: Outcome, requestID: String? = nil, details: [String: String] = [:]) {
        self.projectID = projectID
        self.projectName = projectName
        self.actor = actor
        self.keyID = keyID
        self.role = role
        self.action = action
        self.target = target
        self.outcome = outcome
        self.requestID = requestID
        self.details = details
    }

    /// A record of an action by the key `principal` in request `requestID`.
    public static func byKey(_ principal: Principal, action: String, target: String?, outcome: Outcome, requestID: String?,
                             details: [String: String] = [:]) -> AuditRecord {
        AuditRecord(projectID: principal.projectID, projectName: principal.projectName, actor: .key, keyID: principal.keyID,
                    role: principal.role, action: action, target: target, outcome: outcome, requestID: requestID, details: details)
    }

    /// The event's body: `actor`, `key_id`, `role`, `project`, `action`, `target`, `outcome`,
    /// `request_id` (null when not applicable) and `details`.
    public var body: [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("actor", actor.rawValue)
        if let keyID { writer.int("key_id", keyID) } else { writer.null("key_id") }
        if let role { writer.string("role", role.rawValue) } else { writer.null("role") }
        if let projectName { writer.string("project", projectName) } else { writer.null("project") }
        writer.string("action", action)
        if let target { writer.string("target", target) } else { writer.null("target") }
        writer.string("outcome", outcome.rawValue)
        if let requestID { writer.string("request_id", requestID) } else { writer.null("request_id") }
        writer.beginObject("details")
        for (name, value) in details.sorted(by: { $0.key < $1.key }) { writer.string(name, value) }
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    /// The record as an event happening at `occurredAtMicros`. Each action happens once, so its
    /// dedup key is random: two identical records stay two.
    public func event(occurredAtMicros: Int64 = EventTime.nowMicros()) -> NewEvent {
        var generator = SystemRandomNumberGenerator()
        let dedup = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return NewEvent(projectID: projectID, kind: .audit, occurredAtMicros: occurredAtMicros, dedupKey: dedup, body: body)
    }
}
