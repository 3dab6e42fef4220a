internal import VigilCore
internal import VigilQueries

/// `comparison: anomaly`: each series' value against its seasonal baseline, read from the hourly
/// rollups in one query per rule and project.
extension AlertRule {
    /// The metrics an anomaly rule can watch: those read from the rollup rows themselves.
    public static let anomalyMetrics: [AlertMetric] = [
        .requestCount, .errorRate, .latencyP50, .latencyP90, .latencyP95, .latencyP99,
        .ttftP50, .ttftP90, .ttftP95, .ttftP99, .inputTokens, .outputTokens, .costUSD, .checkRate,
    ]

    /// What an hour's value is multiplied by to compare with the rule's window: the window's share
    /// of an hour for metrics that add up over time, 1 for ratios, percentiles and means.
    var anomalyScale: Double {
        switch metric {
        case .requestCount, .inputTokens, .outputTokens, .costUSD:
            return Double(windows.first?.micros ?? SeasonalBaseline.hourMicros) / Double(SeasonalBaseline.hourMicros)
        default:
            return 1
        }
    }

    /// The baseline of each series (the same `by` labels as `values`) at `nowMicros`; empty for a
    /// rule that is not an anomaly rule. A series without enough history has no baseline.
    func baselines(projectID: Int64, nowMicros: Int64, reader: RollupReader) async throws -> [LabelSet: SeasonalBaseline] {
        guard comparison == .anomaly, let anomaly else { return [:] }
        let range = SeasonalBaseline.hoursToRead(nowMicros: nowMicros, weeks: anomaly.weeks)
        let hours = try await reader.hourly(
            projectID: projectID, fromMicros: range.fromMicros, toMicros: range.toMicros,
            service: filter[.service]?.only, model: filter[.model]?.only, groupBy: rollupDimensions
        )
        var hourly: [LabelSet: [Int64: Double]] = [:]
        for (start, groups) in hours {
            for (labels, group) in merged(groups) {
                if let value = value(of: group) { hourly[labels, default: [:]][start] = value }
            }
        }
        var baselines: [LabelSet: SeasonalBaseline] = [:]
        for (labels, values) in hourly {
            baselines[labels] = SeasonalBaseline(hourly: values, nowMicros: nowMicros, detection: anomaly, scale: anomalyScale)
        }
        return baselines
    }

    /// The condition for one series: a threshold rule's `condition(values:)`, or for an anomaly
    /// rule, whether the first window's value is `k` spreads from `baseline` (never without one).
    func condition(values: [Double?], baseline: SeasonalBaseline?) -> (value: Double?, breaching: Bool) {
        guard comparison == .anomaly else { return condition(values: values) }
        guard let value = values.first ?? nil else { return (nil, false) }
        guard let baseline, let anomaly else { return (value, false) }
        return (value, baseline.breaches(value, anomaly))
    }
}
