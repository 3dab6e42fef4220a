internal import Yams
internal import VigilProjections

extension RuleFileParser {
    static let ruleKeys = [
        "name", "metric", "filter", "by", "kind", "window", "comparison", "threshold", "for", "keep_firing_for",
        "severity", "labels", "annotations", "receivers", "slo", "projects",
    ] + groupingKeys + anomalyKeys

    /// One item of `rules:`.
    mutating func rule(_ node: Node) -> ParsedRule? {
        guard let entries = entries(node, what: "a rule", allowed: Self.ruleKeys) else { return nil }
        let anomaly = isAnomaly(entries)
        let required = ["name", "metric", "window", "comparison", "threshold", "receivers"].filter { !anomaly || $0 != "threshold" }
        let fields = fields(entries, required: required)
        let name = fields["name"].flatMap { string($0) }
        let what = name.map { "rule \"\($0)\"" } ?? "a rule"
        var complete = require(required, in: fields, node: node, what: what)

        var metric: AlertMetric?
        if let entry = fields["metric"], let text = string(entry) {
            metric = AlertMetric(rawValue: text)
            if metric == nil {
                var message = "unknown metric \"\(text)\""
                if let suggestion = Self.closest(text, in: AlertMetric.allCases.map(\.rawValue)) { message += " (did you mean \"\(suggestion)\"?)" }
                message += "; metrics: " + AlertMetric.allCases.map(\.rawValue).joined(separator: ", ")
                report(.unknownMetric, entry.value, message)
            }
        }
        if metric == nil { complete = false }
        let subject = metric.map { "metric \($0.rawValue)" } ?? "this metric"
        let dimensions = metric?.dimensions ?? LabelDimension.allCases

        var filter: [LabelDimension: [String]] = [:]
        if let entry = fields["filter"] {
            if let parsed = self.filter(entry, allowed: dimensions, subject: subject) { filter = parsed } else { complete = false }
        }
        if let metric, let metricEntry = fields["metric"] {
            for dimension in metric.requiredFilters where filter[dimension] == nil {
                let hint = metric == .checkRate ? "one of " + AlertMetric.builtInChecks.joined(separator: ", ") : "the score's name"
                report(.missingField, metricEntry.value, "metric \(metric.rawValue) needs filter \"\(dimension.rawValue)\" (\(hint))")
                complete = false
            }
            if metric == .checkRate, let entry = fields["filter"], case .mapping(let mapping) = entry.value {
                for (keyNode, value) in mapping where keyNode.string == "name" {
                    for check in filter[.name] ?? [] where !AlertMetric.builtInChecks.contains(check) {
                        report(.invalidValue, value, "unknown check \"\(check)\" (built-in checks: \(AlertMetric.builtInChecks.joined(separator: ", ")))")
                        complete = false
                    }
                }
            }
        }
        var by: [LabelDimension] = []
        if let entry = fields["by"] {
            if let parsed = self.by(entry, allowed: dimensions, subject: subject) { by = parsed } else { complete = false }
        }

        // Which spans: LLM calls unless the rule says otherwise. Drift metrics read no spans.
        var spanKind: SpanKind?? = .some(.llm)
        if let entry = fields["kind"] {
            if let metric, [.driftPSIMean, .driftPSIMax, .driftFlag].contains(metric) {
                report(.invalidValue, entry.keyNode, "\"kind\" does not apply to metric \(metric.rawValue) (drift reads no spans)")
                spanKind = nil
            } else if let text = string(entry) {
                spanKind = SpanKind.filter(text)
                if spanKind == nil {
                    report(.invalidValue, entry.value, "\"kind\" must be one of \(SpanKind.filterValues.joined(separator: ", ")), not \"\(text)\"")
                }
            } else {
                spanKind = nil
            }
        }

        var window: Duration?
        if let entry = fields["window"] {
            window = duration(entry, positive: true)
        }
        var comparison: Comparison?
        if let entry = fields["comparison"] {
            comparison = self.comparison(entry)
        }
        var threshold: Double? = anomaly ? 0 : nil
        if !anomaly, let entry = fields["threshold"], let value = number(entry) {
            threshold = value
            if let metric, metric.isRatio, !(0...1).contains(value) {
                report(.invalidValue, entry.value, "\(metric.rawValue) is a ratio from 0 to 1, so threshold \(GoNumberFormat.shortest(value)) is out of range (5% is 0.05)")
                threshold = nil
            }
        }
        let detection = anomalyDetection(fields, comparison: comparison, metric: metric)
        if !detection.ok { complete = false }
        let holdDuration: Duration? = fields["for"].map { duration($0) } ?? Duration.zero
        let keepFiringFor: Duration? = fields["keep_firing_for"].map { duration($0) } ?? Duration.zero
        let severity: String? = fields["severity"].map { string($0) } ?? "warning"
        let labels: LabelSet? = fields["labels"].map { self.labels($0) } ?? LabelSet()
        let annotations: [String: AnnotationTemplate]? = fields["annotations"].map { self.annotations($0) } ?? [:]
        let receivers = fields["receivers"].flatMap { receiverNames($0) }
        let grouping = self.grouping(fields)
        // Read from the entries, not the fields: `projects:` with nothing after it is a mistake to
        // report, not a rule for every project.
        var scope: RuleScope? = .allProjects
        if let entry = entries.first(where: { $0.key == "projects" }) {
            scope = self.scope(entry)
        }

        var sloName: (String, SourceLocation)?
        if let entry = fields["slo"] {
            if metric != .burnRate {
                report(.invalidValue, entry.keyNode, "\"slo\" applies only to metric burn_rate")
                complete = false
            } else if let text = string(entry) {
                sloName = (text, location(entry.value))
            }
        } else if metric == .burnRate {
            report(.missingField, node, "missing required field \"slo\" in \(what) (metric burn_rate measures an SLO's error budget)")
            complete = false
        }

        guard complete, let name, let metric, let spanKind, let window, let comparison, let threshold, let holdDuration,
              let keepFiringFor, let severity, let labels, let annotations, let receivers, let grouping,
              let scope, let nameEntry = fields["name"]
        else { return nil }
        var rule = AlertRule(
            name: name, metric: metric, filter: filter, by: by, kind: spanKind, windows: [window], comparison: comparison,
            threshold: threshold, holdDuration: holdDuration, keepFiringFor: keepFiringFor, severity: severity,
            labels: labels, annotations: annotations, receivers: receivers.map(\.0), grouping: grouping,
            slo: nil, scope: scope, source: location(node)
        )
        rule.anomaly = detection.detection
        return ParsedRule(
            rule: rule, nameLocation: location(nameEntry.value), receiverLocations: receivers.map(\.1),
            sloName: sloName.map { (name: $0.0, location: $0.1) }, generatedBy: nil
        )
    }

    private mutating func comparison(_ entry: Entry) -> Comparison? {
        let symbols = Comparison.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .scalar(let scalar) = entry.value, !isNull(entry.value) else {
            report(.invalidValue, entry.value, "\"comparison\" must be one of \(symbols), quoted (comparison: \">\"), not \(kind(entry.value))")
            return nil
        }
        if let comparison = Comparison(rawValue: scalar.string.trimmingSpaces) { return comparison }
        if scalar.style == .folded || scalar.style == .literal {
            report(.invalidValue, entry.value, "\"comparison\": a bare > or | starts a YAML block; quote it: comparison: \"\(scalar.style == .folded ? ">" : "|")\"")
        } else {
            report(.invalidValue, entry.value, "\"comparison\" must be one of \(symbols), not \"\(scalar.string)\"")
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing spaces and newlines.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\n" || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\n" || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
