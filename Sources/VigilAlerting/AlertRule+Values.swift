internal import Foundation
internal import VigilQueries
internal import VigilStats
internal import VigilCore
internal import VigilProjections

/// What a rule's metric is over the rollups: the reader's summary groups, filtered and merged by
/// the rule's `by` labels, and the metric read off each merged group.
extension AlertRule {
    /// The rollup dimensions the rule's filter and `by` labels name.
    var rollupDimensions: [RollupReader.Dimension] {
        let named = Set(by).union(filter.keys)
        return RollupReader.Dimension.allCases.filter { dimension in
            named.contains { $0.rawValue == dimension.rawValue }
        }
    }

    /// The value of the rule's metric in each series (one per value of the `by` labels) over the
    /// window ending at `nowMicros` (its minutes as `EvaluationWindow` says), one value per window
    /// in `windows` order (nil without data).
    func values(projectID: Int64, nowMicros: Int64, reader: RollupReader, drift: DriftStore) async throws -> [LabelSet: [Double?]] {
        if [.driftPSIMean, .driftPSIMax, .driftFlag].contains(metric) {
            return try await driftValues(projectID: projectID, nowMicros: nowMicros, drift: drift)
        }
        var series: [LabelSet: [Double?]] = [:]
        for (position, window) in windows.enumerated() {
            let minutes = EvaluationWindow(length: window, nowMicros: nowMicros)
            let groups = try await reader.summary(
                projectID: projectID, fromMicros: minutes.fromMicros, toMicros: minutes.toMicros,
                service: filter[.service]?.only, model: filter[.model]?.only, kind: kind, groupBy: rollupDimensions
            )
            var merged: [LabelSet: RollupReader.Group] = [:]
            for group in groups where matches(group) {
                var labels = LabelSet()
                for (dimension, value) in group.dimensions where by.contains(where: { $0.rawValue == dimension.rawValue }) {
                    labels[dimension.rawValue] = value.isEmpty ? "(none)" : value
                }
                if var existing = merged[labels] {
                    existing.merge(group)
                    merged[labels] = existing
                } else {
                    merged[labels] = group
                }
            }
            for (labels, group) in merged {
                var values = series[labels] ?? Array(repeating: nil, count: windows.count)
                values[position] = value(of: group)
                series[labels] = values
            }
        }
        return series
    }

    /// Drift metrics: each feature's latest report within each window, one series per feature.
    private func driftValues(projectID: Int64, nowMicros: Int64, drift: DriftStore) async throws -> [LabelSet: [Double?]] {
        var series: [LabelSet: [Double?]] = [:]
        for (position, window) in windows.enumerated() {
            for report in try await drift.latestReports(projectID: projectID, sinceMicros: nowMicros - window.micros) {
                if let wanted = filter[.feature], !wanted.contains(report.feature) { continue }
                var labels = LabelSet()
                labels["feature"] = report.feature
                var values = series[labels] ?? Array(repeating: nil, count: windows.count)
                switch metric {
                case .driftPSIMean: values[position] = report.psiMean
                case .driftPSIMax: values[position] = report.psiMax
                default: values[position] = report.drifted ? 1 : 0
                }
                series[labels] = values
            }
        }
        return series
    }

    private func matches(_ group: RollupReader.Group) -> Bool {
        for (dimension, value) in group.dimensions {
            guard let wanted = filter.first(where: { $0.key.rawValue == dimension.rawValue })?.value else { continue }
            if !wanted.contains(value) { return false }
        }
        return true
    }

    /// The metric of one group; nil where the group has nothing to say (no calls, no scores).
    func value(of group: RollupReader.Group) -> Double? {
        switch metric {
        case .requestCount: return Double(group.count)
        case .errorRate: return group.count == 0 ? nil : Double(group.errors) / Double(group.count)
        case .latencyP50, .latencyP90, .latencyP95, .latencyP99: return metric.quantile.flatMap { group.latency.quantile($0) }
        case .ttftP50, .ttftP90, .ttftP95, .ttftP99: return metric.quantile.flatMap { group.ttft.quantile($0) }
        case .inputTokens: return Double(group.inputTokens)
        case .outputTokens: return Double(group.outputTokens)
        case .costUSD: return NSDecimalNumber(decimal: group.costUSD).doubleValue
        case .qualityMean, .checkRate: return filter[.name]?.only.flatMap { group.quality[$0]?.mean }
        case .burnRate:
            guard let slo, group.count > 0 else { return nil }
            switch slo.indicator {
            case .errors: return slo.burnRate(bad: Double(group.errors), total: Double(group.count))
            case .latency(let thresholdMillis):
                return slo.burnRate(bad: Double(group.latency.count(above: thresholdMillis) + UInt64(group.skewed)), total: Double(group.count))
            }
        case .driftPSIMean, .driftPSIMax, .driftFlag:
            // Read from the drift reports (driftValues), not the rollups.
            return nil
        }
    }
}

extension Array where Element == String {
    /// The one element, or nil when there are none or several.
    var only: String? { count == 1 ? first : nil }
}
