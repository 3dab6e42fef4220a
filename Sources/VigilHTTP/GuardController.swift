internal import Foundation
public import Hummingbird
public import VigilHTTPBase
internal import VigilCore
public import VigilSafety

/// `POST /api/v1/guard`: checks one text or one message list inline, for an app that wants to act
/// before it calls its model or shows an answer. Guarded by the ingest permission: the app already
/// holds that key, and nothing is stored. Body: `{"text": "…"}` or `{"messages": ["…" | {"role",
/// "content"}, …]}`, with `"role": "input" | "retrieved" | "output"` (default input), optional
/// `"system"` (the call's system instructions, for leakage) and `"code_task"` (outputs: shell and
/// SQL are expected). Answers the text redacted by the project's policy, the PII positions, the
/// injection score and category, and the output signals: the same `SafetyScanner` and `Redactor`
/// as ingest, so a text gets the same findings here as in its span.
public struct GuardController: Sendable {
    private let maxBodyBytes: Int
    private let redaction: RedactionPolicies

    /// The most messages one request may carry.
    static let maxMessages = 100
    /// The most characters one text (or the system instructions) may have.
    static let maxCharacters = 100_000

    /// Makes the controller, with each project's policy from `redaction`.
    public init(maxBodyBytes: Int, redaction: RedactionPolicies = RedactionPolicies()) {
        self.maxBodyBytes = maxBodyBytes
        self.redaction = redaction
    }

    /// Adds the route to `group` (guarded with the ingest role by the caller).
    public func addRoutes(to group: RouterGroup<VigilRequestContext>) {
        group.post("/api/v1/guard") { request, context in
            try await check(request: request, context: context)
        }
    }

    func check(request: Request, context: VigilRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let bytes = try await request.jsonBody("the text to check", upTo: maxBodyBytes)
        let input: GuardInput
        do {
            input = try JSONDecoder().decode(GuardInput.self, from: bytes)
        } catch {
            throw VigilError(.invalidInput, "send {\"text\": \"…\"} or {\"messages\": [...]} as JSON, with \"role\": \"input\", \"retrieved\" or \"output\"")
        }
        let redactor = redaction.redactor(projectID: principal.projectID)
        return Response.json(try Self.answer(input, redactor: redactor))
    }

    /// The answer to `input` under `redactor`'s policy.
    static func answer(_ input: GuardInput, redactor: Redactor) throws -> [UInt8] {
        let roleName = input.role ?? "input"
        guard let role = ContentRole(rawValue: roleName) else {
            throw VigilError(.invalidInput, "role must be input, retrieved or output (got \(InputText.shown(roleName)))")
        }
        let texts: [String]
        switch (input.text, input.messages) {
        case (let text?, nil): texts = [text]
        case (nil, let messages?):
            guard (1...maxMessages).contains(messages.count) else {
                throw VigilError(.invalidInput, "send 1 to \(maxMessages) messages (got \(messages.count))")
            }
            texts = messages.map(\.content)
        default:
            throw VigilError(.invalidInput, "send either text or messages")
        }
        for (index, text) in texts.enumerated() where text.unicodeScalars.count > maxCharacters {
            throw VigilError(.invalidInput, "\(input.text == nil ? "message \(index)" : "text") must be at most \(maxCharacters) characters long")
        }
        if let system = input.system, system.unicodeScalars.count > maxCharacters {
            throw VigilError(.invalidInput, "system must be at most \(maxCharacters) characters long")
        }
        let scanner = SafetyScanner(policy: redactor.policy)
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.string("role", role.rawValue)
        if role != .output {
            let injection = texts.count == 1 ? scanner.injection.scan(texts[0], role: role) : scanner.scan(turns: texts, role: role)
            injection.write("injection", into: &writer)
        }
        var flagged = false
        writer.beginArray(input.text == nil ? "messages" : "texts")
        for text in texts {
            let report = scanner.scan(text, role: role, system: input.system, codeTask: input.code_task ?? false)
            flagged = flagged || report.signals.contains { $0.kind != .pii }
            writer.beginObject()
            writer.string("redacted", redactor.redact(text).text)
            if role == .output {
                report.writeFields(into: &writer)
            } else {
                var fields = report
                fields.injection = nil
                fields.writeFields(into: &writer)
            }
            writer.endObject()
        }
        writer.endArray()
        if role == .output { writer.bool("flagged", flagged) }
        writer.endObject()
        return writer.bytes
    }
}

/// What an app sends to the guard.
struct GuardInput: Decodable {
    /// A message: a string, or an object with `content` (and a `role`, not used: the request's role decides).
    struct Message: Decodable {
        var content: String

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                content = text
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            content = try container.decode(String.self, forKey: .content)
        }

        enum Keys: String, CodingKey {
            case content
        }
    }

    var text: String?
    var messages: [Message]?
    var role: String?
    var system: String?
    var code_task: Bool?
}
