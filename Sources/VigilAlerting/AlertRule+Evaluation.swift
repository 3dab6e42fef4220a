extension AlertRule {
    /// The condition over one evaluation's values, one per window in `windows` order (nil where
    /// the window has no data): the alert's value is the first window's, and the rule breaches
    /// only when every window has a value and every value breaches.
    public func condition(values: [Double?]) -> (value: Double?, breaching: Bool) {
        let breaching = values.count == windows.count && !values.isEmpty && values.allSatisfy { value in
            value.map { comparison.holds($0, threshold) } ?? false
        }
        return (values.first ?? nil, breaching)
    }

    /// The labels of the alert for one series, Prometheus-style: the series' `by` labels, the
    /// filter's single values, then the rule's labels and `severity`, and `alertname` last.
    public func alertLabels(series: LabelSet) -> LabelSet {
        var labels = LabelSet()
        for (dimension, values) in filter where values.count == 1 {
            labels[dimension.rawValue] = values[0]
        }
        // A budget_burn series is one budget: its labels name it, whatever `by` says.
        labels = labels.merging(metric == .budgetBurn ? series : series.keeping(by.map(\.rawValue)))
        if let slo { labels["slo"] = slo.name }
        labels["severity"] = severity
        labels = labels.merging(self.labels)
        labels["alertname"] = name
        return labels
    }

    /// The annotations rendered for an alert with `value` and `labels`.
    public func renderedAnnotations(value: Double?, labels: LabelSet) -> [String: String] {
        annotations.mapValues { $0.render(value: value, labels: labels) }
    }

    /// The `generatorURL` of this rule's alerts: the rule in Vigil's API under `externalURL`.
    public func generatorURL(externalURL: String) -> String {
        var base = externalURL
        while base.hasSuffix("/") { base.removeLast() }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var encoded = ""
        for byte in name.utf8 {
            if allowed.contains(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count < 2 ? "0" : "") + hex
            }
        }
        return base + "/api/v1/rules?name=" + encoded
    }
}
