internal import Foundation
internal import VigilCore
internal import VigilProjections

/// Vigil's built-in checks on an LLM span's output: empty output, a refusal (an output that opens
/// with a refusal, or a content-filter finish), output cut off by the
/// length limit, and JSON that does not parse where JSON output was asked for. Each is a quality
/// score of 1 (problem present) or 0 under its name.
enum OutputChecks {
    static let emptyOutput = CheckName.emptyOutput
    static let refusal = CheckName.refusal
    static let truncated = CheckName.truncated
    static let invalidJSON = CheckName.invalidJSON

    private static let refusalPhrases = [
        "i can't help with", "i cannot help with", "i can't assist with", "i cannot assist with",
        "i'm sorry, but i can't", "i am sorry, but i cannot", "i'm unable to help", "i am unable to help",
        "i won't be able to help", "i can't provide", "i cannot provide", "i'm not able to help",
    ]

    /// What the checks found in one span's output.
    struct Findings: Sendable, Equatable {
        var empty: Bool
        var refusal: Bool
        var truncated: Bool
        /// nil when JSON output was not asked for.
        var invalidJSON: Bool?
    }

    /// The checks of one span, given its output attribute (raw), finish reasons and whether JSON
    /// output was requested. No output attribute: no checks (the span carries no output).
    static func check(output: String?, finishReasons: [String], jsonRequested: Bool) -> Findings? {
        guard let output else { return nil }
        let (text, toolCalls) = self.text(of: output)
        let trimmed = text.trimmingWhitespace()
        // The refusal phrases are short: only the output's opening needs lower-casing.
        let lowered = trimmed.prefix(64).lowercased()
        let reasons = finishReasons.map { $0.lowercased() }
        var findings = Findings(
            empty: trimmed.isEmpty && !toolCalls,
            refusal: reasons.contains("content_filter") || refusalPhrases.contains { lowered.hasPrefix($0) },
            truncated: reasons.contains("length") || reasons.contains("max_tokens")
        )
        if jsonRequested {
            let data = Data(trimmed.utf8)
            findings.invalidJSON = trimmed.isEmpty || (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil
        }
        return findings
    }

    /// The text of an output attribute (the text parts of `gen_ai.output.messages` when it is that
    /// JSON form, otherwise the attribute itself) and whether it holds tool calls, which are output too.
    static func text(of output: String) -> (text: String, toolCalls: Bool) {
        guard output.first == "[", let messages = OutputMessages.read(output) else { return (output, false) }
        return (messages.texts.joined(separator: "\n"), messages.toolCalls)
    }
}
