extension ServiceLevelObjective {
    /// The name of the rule generated for `window`: `<slo>-burn-page`, `<slo>-burn-ticket`.
    public func burnRateRuleName(_ window: BurnRateWindow) -> String {
        "\(name)-burn-\(window.severity)"
    }

    /// The SLO as alerting rules: for each of `windows` (page and ticket by default), a `burn_rate`
    /// rule over the long and the short window, breaching when both exceed the factor, firing at
    /// once (`for: 0s`, the short window already debounces), labelled `slo` and `severity`.
    public func burnRateRules(_ windows: [BurnRateWindow] = BurnRateWindow.standard) -> [AlertRule] {
        let objectiveText = GoNumberFormat.shortest(objective)
        let sli: String
        switch indicator {
        case .errors: sli = "calls without error"
        case .latency(let threshold): sli = "calls within \(GoNumberFormat.shortest(threshold)) ms"
        }
        return windows.map { window in
            var annotations: [String: AnnotationTemplate] = [:]
            let long = DurationText.format(window.longWindow)
            let short = DurationText.format(window.shortWindow)
            let factor = GoNumberFormat.shortest(window.factor)
            // The generated texts are fixed and known to parse; a failure would be a bug here, so
            // such an annotation is left out rather than crashing.
            annotations["summary"] = try? AnnotationTemplate(
                "SLO {{ $labels.slo }} is burning its error budget {{ $value | printf \"%.1f\" }}× too fast"
            )
            annotations["description"] = try? AnnotationTemplate(
                "\(objectiveText)% of \(sli) over \(DurationText.format(period)): the budget burned faster than \(factor)× over both \(long) and \(short)."
            )
            for (key, template) in self.annotations { annotations[key] = template }
            return AlertRule(
                name: burnRateRuleName(window),
                metric: .burnRate,
                filter: filter,
                by: by,
                windows: [window.longWindow, window.shortWindow],
                comparison: .greaterThan,
                threshold: window.factor,
                holdDuration: .zero,
                keepFiringFor: .zero,
                severity: window.severity,
                labels: labels,
                annotations: annotations,
                receivers: receivers,
                grouping: grouping,
                slo: reference,
                source: source
            )
        }
    }
}
