/// The incidents the demo plays on top of normal traffic, in turn (some overlap, as incidents do).
public enum DemoPhase: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `chat`'s calls to gpt-4o-mini slow down to 3–8 s (the shipped ChatLatencyHigh rule:
    /// p95 over 2 s for 2 minutes).
    case latencyIncident = "latency-incident"
    /// Anthropic answers half of `agent-worker`'s claude-sonnet-4 calls with `overloaded_error`
    /// (HighErrorRate: over 5% for 3 minutes).
    case errorBurst = "error-burst"
    /// A batch job in `agent-worker` switches to claude-opus-4 with long outputs (HourlySpendHigh:
    /// over $50 in an hour).
    case costSpike = "cost-spike"
    /// A surge of users asking the support assistant for coding help: prompts move to another
    /// topic, refusals rise and relevance falls (the drift report of `prompt_embedding` turns red).
    case topicDrift = "topic-drift"

    /// What happens, in one line.
    public var summary: String {
        switch self {
        case .latencyIncident: "latency incident: chat's calls to gpt-4o-mini slow down to 3–8 s"
        case .errorBurst: "error burst: Anthropic overloads, half of agent-worker's claude-sonnet-4 calls fail"
        case .costSpike: "cost spike: a batch job in agent-worker switches to claude-opus-4 with long outputs"
        case .topicDrift: "topic drift: a surge of users asks the support assistant for coding help"
        }
    }

    /// The shipped rule that should notice, and how.
    public var expectation: String {
        switch self {
        case .latencyIncident: "ChatLatencyHigh (p95 > 2 s for 2m) should fire in about 3 minutes"
        case .errorBurst: "HighErrorRate (> 5% for 3m) should fire in about 3.5 minutes"
        case .costSpike: "HourlySpendHigh (> $50 in 1h) should fire within a minute"
        case .topicDrift: "the drift report of prompt_embedding should turn red when it ends"
        }
    }

    /// Phases in timeline order.
    public static func < (lhs: DemoPhase, rhs: DemoPhase) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
