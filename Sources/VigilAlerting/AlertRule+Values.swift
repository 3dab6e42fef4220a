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
    func values(projectID: Int64, nowMicros: Int64, reads: CycleReads, drift: DriftStore, budgets: BudgetStore) async throws -> [LabelSet: [Double?]] {
        if [.driftPSIMean, .driftPSIMax, .driftFlag].contains(metric) {
            return try await driftValues(projectID: projectID, nowMicros: nowMicros, drift: drift)
        }
        if metric == .budgetBurn {
            return try await budgetBurnValues(projectID: projectID, nowMicros: nowMicros, reader: reads.reader, budgets: budgets)
        }
        var series: [LabelSet: [Double?]] = [:]
        for (position, window) in windows.enumerated() {
            let minutes = EvaluationWindow(length: window, nowMicros: nowMicros)
            let groups = try await reads.summary(
                projectID: projectID, fromMicros: minutes.fromMicros, toMicros: minutes.toMicros,
                service: filter[.service]?.only, model: filter[.model]?.only, kind: kind, groupBy: rollupDimensions
            )
            for (labels, group) in merged(groups) {
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

    /// `budget_burn`: for each budget of the project, what remains of it in its period divided by
    /// the daily rate of the window's spend (the window's spend × one day / the window), in days.
    private func budgetBurnValues(projectID: Int64, nowMicros: Int64, reader: RollupReader, budgets: BudgetStore) async throws -> [LabelSet: [Double?]] {
        var series: [LabelSet: [Double?]] = [:]
        for budget in try await budgets.list(projectID: projectID) {
            let status = try await reader.status(of: budget, nowMicros: nowMicros)
            var labels = LabelSet()
            labels["budget"] = String(budget.id)
            labels["budget_scope"] = budget.scopeLabel
            labels["period"] = budget.period.rawValue
            var values: [Double?] = Array(repeating: nil, count: windows.count)
            for (position, window) in windows.enumerated() where window.micros > 0 {
                let spent = try await reader.spend(of: budget, fromMicros: nowMicros - window.micros, toMicros: nowMicros)
                values[position] = Self.daysLeft(remaining: status.remaining, windowSpend: spent, windowMicros: window.micros)
            }
            series[labels] = values
        }
        return series
    }

    /// Days until `remaining` is spent at the daily rate of `windowSpend` over `windowMicros`: 0
    /// when nothing remains, nil when nothing was spent in the window (no rate to extrapolate).
    static func daysLeft(remaining: Decimal, windowSpend: Decimal, windowMicros: Int64) -> Double? {
        if remaining <= 0 { return 0 }
        guard windowSpend > 0, windowMicros > 0 else { return nil }
        let perDay = windowSpend * Decimal(86_400_000_000) / Decimal(windowMicros)
        return NSDecimalNumber(decimal: remaining / perDay).doubleValue
    }

    /// The groups the filter accepts, merged by the rule's `by` labels (an empty value is "(none)").
    func merged(_ groups: [RollupReader.Group]) -> [LabelSet: RollupReader.Group] {
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
        return merged
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
        case .driftPSIMean, .driftPSIMax, .driftFlag, .budgetBurn:
            // Read from the drift reports (driftValues) and the budgets (budgetBurnValues), not one group.
            return nil
        }
    }
}

extension Array where Element == String {
    /// The one element, or nil when there are none or several.
    var only: String? { count == 1 ? first : nil }
}
