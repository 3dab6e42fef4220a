internal import Yams

extension RuleFileParser {
    static let sloKeys = ["name", "objective", "period", "sli", "filter", "by", "receivers", "labels", "annotations"] + groupingKeys
    static let sliKeys = ["type", "threshold_ms"]
    /// SLOs count calls, so they filter on the call dimensions; `status` is what the SLI judges.
    static let sloDimensions: [LabelDimension] = [.service, .model, .operation]

    /// One item of `slos:`.
    mutating func slo(_ node: Node) -> ParsedSLO? {
        guard let entries = entries(node, what: "an SLO", allowed: Self.sloKeys) else { return nil }
        let required = ["name", "objective", "sli", "receivers"]
        let fields = fields(entries, required: required)
        let name = fields["name"].flatMap { string($0) }
        if let name { declaredSLOs.insert(name) }
        let what = name.map { "SLO \"\($0)\"" } ?? "an SLO"
        var complete = require(required, in: fields, node: node, what: what)

        var objective: Double?
        if let entry = fields["objective"], let value = number(entry) {
            if value > 0, value < 100 {
                objective = value
            } else {
                report(.invalidValue, entry.value, "\"objective\" is a percentage between 0 and 100 (99.5 for 99.5%), not \(GoNumberFormat.shortest(value))")
            }
        }
        let period: Duration? = fields["period"].map { duration($0, positive: true) } ?? Duration.seconds(28 * 86_400)
        var indicator: ServiceLevelObjective.Indicator?
        if let entry = fields["sli"] {
            indicator = self.indicator(entry, what: what)
        }
        var filter: [LabelDimension: [String]] = [:]
        if let entry = fields["filter"] {
            if let parsed = self.filter(entry, allowed: Self.sloDimensions, subject: "an SLO") { filter = parsed } else { complete = false }
        }
        var by: [LabelDimension] = []
        if let entry = fields["by"] {
            if let parsed = self.by(entry, allowed: Self.sloDimensions, subject: "an SLO") { by = parsed } else { complete = false }
        }
        let receivers = fields["receivers"].flatMap { receiverNames($0) }
        let labels: LabelSet? = fields["labels"].map { self.labels($0) } ?? LabelSet()
        let annotations: [String: AnnotationTemplate]? = fields["annotations"].map { self.annotations($0) } ?? [:]
        let grouping = self.grouping(fields)

        guard complete, let name, let objective, let period, let indicator, let receivers, let labels,
              let annotations, let grouping, let nameEntry = fields["name"]
        else { return nil }
        let slo = ServiceLevelObjective(
            name: name, objective: objective, period: period, indicator: indicator, filter: filter, by: by,
            receivers: receivers.map(\.0), labels: labels, annotations: annotations, grouping: grouping,
            source: location(node)
        )
        return ParsedSLO(slo: slo, nameLocation: location(nameEntry.value), receiverLocations: receivers.map(\.1))
    }

    /// `sli: {type: errors}` or `sli: {type: latency, threshold_ms: 2000}`.
    private mutating func indicator(_ entry: Entry, what: String) -> ServiceLevelObjective.Indicator? {
        guard let entries = entries(entry.value, what: "the sli of \(what)", allowed: Self.sliKeys) else { return nil }
        let fields = fields(entries, required: ["type"])
        guard require(["type"], in: fields, node: entry.value, what: "the sli of \(what)"),
              let typeEntry = fields["type"], let type = string(typeEntry)
        else { return nil }
        switch type {
        case "errors":
            if let threshold = fields["threshold_ms"] {
                report(.unknownKey, threshold.keyNode, "\"threshold_ms\" applies only to sli type latency")
                return nil
            }
            return .errors
        case "latency":
            guard let thresholdEntry = fields["threshold_ms"] else {
                report(.missingField, entry.value, "missing required field \"threshold_ms\" in the sli of \(what) (type latency)")
                return nil
            }
            guard let threshold = number(thresholdEntry) else { return nil }
            guard threshold > 0 else {
                report(.invalidValue, thresholdEntry.value, "\"threshold_ms\" must be more than 0")
                return nil
            }
            return .latency(thresholdMilliseconds: threshold)
        default:
            report(.invalidValue, typeEntry.value, "unknown sli type \"\(type)\" (types: errors — the success ratio — and latency)")
            return nil
        }
    }
}
