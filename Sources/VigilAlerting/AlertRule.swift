public import VigilProjections

/// One alerting rule: a metric over a window, filtered and split by dimensions, compared with a
/// threshold; how long it must breach before firing (`for`) and keep firing after (`keep_firing_for`);
/// the labels and annotations its alerts carry; and who is told.
public struct AlertRule: Sendable, Hashable {
    /// The rule's name, unique across files; the `alertname` label of its alerts.
    public var name: String
    /// What is measured.
    public var metric: AlertMetric
    /// Which data counts: dimension to accepted values (any of them).
    public var filter: [LabelDimension: [String]]
    /// Dimensions evaluated separately, one alert per combination of values seen.
    public var by: [LabelDimension]
    /// Which spans the rollup metrics count (`kind:` — llm, tool, agent, other, or all for nil).
    /// Default LLM calls.
    public var kind: SpanKind?
    /// The windows the metric is computed over, longest first. The rule breaches when the value
    /// breaches in every window (SLO rules use two: 1h and 5m); the alert's value is the first's.
    public var windows: [Duration]
    /// How value and threshold compare.
    public var comparison: Comparison
    /// The threshold, in the metric's unit.
    public var threshold: Double
    /// How long the condition must hold before a pending alert fires (`for`). Default 0.
    public var holdDuration: Duration
    /// How long a firing alert keeps firing after the condition stops holding. Default 0.
    public var keepFiringFor: Duration
    /// The `severity` label (page, ticket, critical, warning, info…). Default `warning`.
    public var severity: String
    /// Extra labels on the rule's alerts.
    public var labels: LabelSet
    /// Annotations, rendered from the alert's value and labels.
    public var annotations: [String: AnnotationTemplate]
    /// Names of the receivers to notify.
    public var receivers: [String]
    /// How notifications to webhook receivers are batched.
    public var grouping: GroupingOptions
    /// For `burn_rate`: the SLO whose budget is measured.
    public var slo: SLOReference?
    /// The projects the rule is evaluated for and shown to (`projects:`). Default every project.
    public var scope: RuleScope
    /// Where it is defined (for generated SLO rules, the SLO's definition).
    public var source: SourceLocation?
    /// For `comparison: anomaly`: how far from the seasonal baseline breaches. Nil otherwise.
    public var anomaly: AnomalyDetection? = nil

    /// Makes a rule.
    public init(
        name: String, metric: AlertMetric, filter: [LabelDimension: [String]] = [:], by: [LabelDimension] = [], kind: SpanKind? = .llm,
        windows: [Duration], comparison: Comparison, threshold: Double, holdDuration: Duration = .zero,
        keepFiringFor: Duration = .zero, severity: String = "warning", labels: LabelSet = LabelSet(),
        annotations: [String: AnnotationTemplate] = [:], receivers: [String], grouping: GroupingOptions = .default,
        slo: SLOReference? = nil, scope: RuleScope = .allProjects, source: SourceLocation? = nil
    ) {
        self.name = name
        self.metric = metric
        self.filter = filter
        self.by = by
        self.kind = kind
        self.windows = windows
        self.comparison = comparison
        self.threshold = threshold
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.severity = severity
        self.labels = labels
        self.annotations = annotations
        self.receivers = receivers
        self.grouping = grouping
        self.slo = slo
        self.scope = scope
        self.source = source
    }

    /// The longest window, which the evaluator needs data for.
    public var longestWindow: Duration { windows.max() ?? .zero }
}
