/// What kind of prompt injection a text looks like.
public enum InjectionCategory: String, Sendable, CaseIterable, Hashable {
    /// Tells the model to drop or replace its instructions ("ignore all previous instructions").
    case instructionOverride = "instruction_override"
    /// A persona or role-play meant to lift the model's rules (DAN, "developer mode").
    case jailbreak
    /// Asks for the system prompt or hidden configuration.
    case promptExtraction = "prompt_extraction"
    /// Instructions planted in a retrieved document or tool result, aimed at the model reading it.
    case indirectInjection = "indirect_injection"
    /// Steers the model's tool or function calls (send this, delete that, without confirmation).
    case toolHijack = "tool_hijack"
    /// An attack hidden by encoding: base64, hex, rot13, Unicode tag characters, zero-width
    /// characters, homoglyphs.
    case encodedPayload = "encoded_payload"
    /// Fake role or system markers, or a JSON or XML breakout.
    case delimiterAttack = "delimiter_attack"
    /// A setup spread over several turns, none alarming on its own.
    case multiTurn = "multi_turn"
}

/// Which side of an LLM call a text is on, which decides what it is checked for.
public enum ContentRole: String, Sendable, CaseIterable, Hashable {
    /// What a user sent: checked for direct injection.
    case input
    /// A retrieved document or a tool result the app put in the prompt: checked for indirect injection.
    case retrieved
    /// What the model answered: checked for output manipulation (exfiltration links, markup,
    /// shell or SQL payloads, PII, system-prompt leakage).
    case output
}
