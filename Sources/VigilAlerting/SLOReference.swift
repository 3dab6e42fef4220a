/// The SLO a `burn_rate` rule measures: enough for the evaluator to turn a window's good and bad
/// calls into a burn rate, bad ratio ÷ error budget.
public struct SLOReference: Sendable, Hashable, Codable {
    /// The SLO's name.
    public var name: String
    /// Its objective in percent.
    public var objective: Double
    /// What counts as a good call.
    public var indicator: ServiceLevelObjective.Indicator

    /// Makes a reference.
    public init(name: String, objective: Double, indicator: ServiceLevelObjective.Indicator) {
        self.name = name
        self.objective = objective
        self.indicator = indicator
    }

    /// The burn rate of a window with `bad` bad calls out of `total`: how many times faster than
    /// sustainable the error budget is being spent; nil for a window without calls.
    public func burnRate(bad: Double, total: Double) -> Double? {
        guard total > 0 else { return nil }
        let budget = 1 - objective / 100
        guard budget > 0 else { return nil }
        return (bad / total) / budget
    }
}
