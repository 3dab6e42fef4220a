/// The parameters of a `comparison: anomaly` rule: how far from its seasonal baseline, in robust
/// standard deviations, the metric's value must be, and on which side, before the rule breaches.
public struct AnomalyDetection: Sendable, Hashable {
    /// Which side of the baseline breaches (`direction:`).
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// Values above the baseline (surges, slow calls, cost spikes).
        case above
        /// Values below the baseline (traffic drops, quality drops).
        case below
        /// Either side.
        case both
    }

    /// `k`: how many scaled MADs from the median breach. Default 3; more than 0.
    public var k: Double
    /// `direction`: default `above`.
    public var direction: Direction
    /// `min_mad`: the smallest spread used, in the metric's unit, so a flat series does not breach
    /// on tiny moves. Nil (the default) means 5% of the baseline's median.
    public var minMAD: Double?
    /// `weeks`: how many past weeks give the same hour of the week. Default 4, from 1 to 12.
    public var weeks: Int

    /// The weeks a rule may look back: the hourly rollups keep at least this much.
    public static let weekRange = 1...12

    /// Makes the parameters; the defaults are the rule file's.
    public init(k: Double = 3, direction: Direction = .above, minMAD: Double? = nil, weeks: Int = 4) {
        self.k = k
        self.direction = direction
        self.minMAD = minMAD
        self.weeks = weeks
    }
}
