internal import Yams

extension RuleFileParser {
    /// The keys only `comparison: anomaly` takes.
    static let anomalyKeys = ["k", "direction", "min_mad", "weeks"]

    /// Whether the rule's `comparison` is written as `anomaly` (read before the fields are checked,
    /// since an anomaly rule has no `threshold`).
    func isAnomaly(_ entries: [Entry]) -> Bool {
        entries.first { $0.key == "comparison" }?.value.string?.trimmingSpaces == Comparison.anomaly.rawValue
    }

    /// The anomaly parameters of a rule over `metric`, over their defaults, reporting each bad one;
    /// for a rule with another comparison, reports any anomaly key and returns nil.
    mutating func anomalyDetection(_ fields: [String: Entry], comparison: Comparison?, metric: AlertMetric?) -> (detection: AnomalyDetection?, ok: Bool) {
        guard comparison == .anomaly else {
            var ok = true
            for key in Self.anomalyKeys {
                guard let entry = fields[key] else { continue }
                report(.invalidValue, entry.keyNode, "\"\(key)\" applies only to comparison anomaly")
                ok = false
            }
            return (nil, ok)
        }
        var detection = AnomalyDetection()
        var ok = true
        if let entry = fields["threshold"] {
            report(.invalidValue, entry.keyNode, "\"threshold\" is not allowed with comparison anomaly (it compares with a seasonal baseline; set \"k\", the MADs away that breach)")
            ok = false
        }
        if let metric, let entry = fields["metric"], !AlertRule.anomalyMetrics.contains(metric) {
            report(.invalidValue, entry.value, "comparison anomaly does not apply to metric \(metric.rawValue) (it applies to \(AlertRule.anomalyMetrics.map(\.rawValue).joined(separator: ", ")))")
            ok = false
        }
        if let entry = fields["k"] {
            if let value = number(entry) {
                if value > 0 {
                    detection.k = value
                } else {
                    report(.invalidValue, entry.value, "\"k\" must be more than 0 (MADs from the baseline's median), not \(GoNumberFormat.shortest(value))")
                    ok = false
                }
            } else {
                ok = false
            }
        }
        if let entry = fields["direction"] {
            let choices = AnomalyDetection.Direction.allCases.map(\.rawValue)
            if let text = string(entry) {
                if let direction = AnomalyDetection.Direction(rawValue: text) {
                    detection.direction = direction
                } else {
                    var message = "\"direction\" must be one of \(choices.joined(separator: ", ")), not \"\(text)\""
                    if let suggestion = Self.closest(text, in: choices) { message += " (did you mean \"\(suggestion)\"?)" }
                    report(.invalidValue, entry.value, message)
                    ok = false
                }
            } else {
                ok = false
            }
        }
        if let entry = fields["min_mad"] {
            if let value = number(entry) {
                if value >= 0 {
                    detection.minMAD = value
                } else {
                    report(.invalidValue, entry.value, "\"min_mad\" must be 0 or more, in the metric's unit, not \(GoNumberFormat.shortest(value))")
                    ok = false
                }
            } else {
                ok = false
            }
        }
        if let entry = fields["weeks"] {
            let range = AnomalyDetection.weekRange
            if let value = count(entry) {
                if range.contains(value) {
                    detection.weeks = value
                } else {
                    report(.invalidValue, entry.value, "\"weeks\" must be from \(range.lowerBound) to \(range.upperBound), not \(value)")
                    ok = false
                }
            } else {
                ok = false
            }
        }
        return (ok ? detection : nil, ok)
    }
}
