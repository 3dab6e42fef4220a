/// The closed set of metrics a rule can name. Each is computed by the evaluator over the rule's
/// window from the projections (rollups, quality, drift); its raw value is the name in rule files.
public enum AlertMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// LLM calls in the window.
    case requestCount = "request_count"
    /// Calls that ended in error over all calls in the window, a ratio from 0 to 1.
    case errorRate = "error_rate"
    /// Median call latency in the window, in milliseconds.
    case latencyP50 = "latency_p50"
    /// 90th-percentile call latency, in milliseconds.
    case latencyP90 = "latency_p90"
    /// 95th-percentile call latency, in milliseconds.
    case latencyP95 = "latency_p95"
    /// 99th-percentile call latency, in milliseconds.
    case latencyP99 = "latency_p99"
    /// Median time to first token of streamed calls, in milliseconds.
    case ttftP50 = "ttft_p50"
    /// 90th-percentile time to first token, in milliseconds.
    case ttftP90 = "ttft_p90"
    /// 95th-percentile time to first token, in milliseconds.
    case ttftP95 = "ttft_p95"
    /// 99th-percentile time to first token, in milliseconds.
    case ttftP99 = "ttft_p99"
    /// Input tokens summed over the window.
    case inputTokens = "input_tokens"
    /// Output tokens summed over the window.
    case outputTokens = "output_tokens"
    /// Cost in US dollars summed over the window.
    case costUSD = "cost_usd"
    /// The mean of one quality score (filter `name`) over the window.
    case qualityMean = "quality_mean"
    /// The share of checked outputs failing one built-in check (filter `name`), from 0 to 1.
    case checkRate = "check_rate"
    /// The mean population stability index over the drifting features in the window.
    case driftPSIMean = "drift_psi_mean"
    /// The largest population stability index of any feature in the window.
    case driftPSIMax = "drift_psi_max"
    /// 1 when the drift processor flagged a feature in the window, else 0.
    case driftFlag = "drift_flag"
    /// How many times faster than sustainable an SLO's error budget burns over the window.
    case burnRate = "burn_rate"
    /// Per budget of the project (`GET /api/v1/budgets`): the days until what remains of it is
    /// spent at the window's rate of spend (0 once it is spent; no value while nothing is spent in
    /// the window). One series per budget, labelled `budget`, `budget_scope` and `period`.
    case budgetBurn = "budget_burn"

    /// The built-in output checks that `check_rate` takes as its `name`.
    public static let builtInChecks = ["check.empty_output", "check.refusal", "check.truncated", "check.invalid_json"]

    /// The dimensions this metric can be filtered on and split by.
    public var dimensions: [LabelDimension] {
        switch self {
        case .requestCount, .latencyP50, .latencyP90, .latencyP95, .latencyP99,
             .ttftP50, .ttftP90, .ttftP95, .ttftP99, .inputTokens, .outputTokens, .costUSD:
            return [.service, .model, .operation, .status]
        case .errorRate:
            return [.service, .model, .operation]
        case .qualityMean, .checkRate:
            return [.service, .model, .name]
        case .driftPSIMean, .driftPSIMax, .driftFlag:
            return [.service, .model, .feature]
        case .burnRate, .budgetBurn:
            return []
        }
    }

    /// The dimensions the filter must name: which quality score or check.
    public var requiredFilters: [LabelDimension] {
        switch self {
        case .qualityMean, .checkRate: return [.name]
        default: return []
        }
    }

    /// The unit of the value, for messages and annotations.
    public var unit: String {
        switch self {
        case .requestCount: return "calls"
        case .errorRate, .checkRate: return "ratio"
        case .latencyP50, .latencyP90, .latencyP95, .latencyP99, .ttftP50, .ttftP90, .ttftP95, .ttftP99: return "ms"
        case .inputTokens, .outputTokens: return "tokens"
        case .costUSD: return "USD"
        case .qualityMean: return "score"
        case .driftPSIMean, .driftPSIMax: return "PSI"
        case .driftFlag: return "flag"
        case .burnRate: return "× budget"
        case .budgetBurn: return "days"
        }
    }

    /// Whether values lie between 0 and 1, so a threshold outside that range is a mistake.
    public var isRatio: Bool {
        self == .errorRate || self == .checkRate || self == .driftFlag
    }

    /// For percentile metrics, the quantile (0.5 … 0.99); nil for the others.
    public var quantile: Double? {
        switch self {
        case .latencyP50, .ttftP50: return 0.5
        case .latencyP90, .ttftP90: return 0.9
        case .latencyP95, .ttftP95: return 0.95
        case .latencyP99, .ttftP99: return 0.99
        default: return nil
        }
    }
}
