/// A service level objective over Vigil's rollups — "99.5 % of chat calls succeed over 28 days" —
/// alerted on by how fast it burns its error budget, with multi-window, multi-burn-rate rules
/// (see `burnRateRules`).
public struct ServiceLevelObjective: Sendable, Hashable {
    /// What counts as a good call.
    public enum Indicator: Sendable, Hashable, Codable {
        /// A call that did not end in error (the success ratio).
        case errors
        /// A call that took at most this many milliseconds.
        case latency(thresholdMilliseconds: Double)
    }

    /// The SLO's name, unique across files; the `slo` label of its alerts.
    public var name: String
    /// The target share of good calls, in percent (99.5).
    public var objective: Double
    /// The compliance period (28d); informational, shown in annotations.
    public var period: Duration
    /// What counts as a good call.
    public var indicator: Indicator
    /// Which calls count: dimension to accepted values.
    public var filter: [LabelDimension: [String]]
    /// Dimensions to evaluate separately (one alert per service, say).
    public var by: [LabelDimension]
    /// Receivers of its burn-rate alerts.
    public var receivers: [String]
    /// Extra labels on its alerts.
    public var labels: LabelSet
    /// Extra annotations on its alerts, added to the generated summary and description.
    public var annotations: [String: AnnotationTemplate]
    /// Notification grouping for its alerts.
    public var grouping: GroupingOptions
    /// Where it is defined.
    public var source: SourceLocation?

    /// Makes an SLO.
    public init(
        name: String, objective: Double, period: Duration, indicator: Indicator, filter: [LabelDimension: [String]] = [:],
        by: [LabelDimension] = [], receivers: [String], labels: LabelSet = LabelSet(), annotations: [String: AnnotationTemplate] = [:],
        grouping: GroupingOptions = .default, source: SourceLocation? = nil
    ) {
        self.name = name
        self.objective = objective
        self.period = period
        self.indicator = indicator
        self.filter = filter
        self.by = by
        self.receivers = receivers
        self.labels = labels
        self.annotations = annotations
        self.grouping = grouping
        self.source = source
    }

    /// The share of calls allowed to be bad: 1 − objective/100 (0.005 for 99.5).
    public var errorBudget: Double { 1 - objective / 100 }

    /// What a burn-rate rule needs to know of this SLO.
    public var reference: SLOReference {
        SLOReference(name: name, objective: objective, indicator: indicator)
    }
}
