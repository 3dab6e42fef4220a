/// How a rule compares its metric's value with its threshold.
public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
    /// Breaching when the value is above the threshold.
    case greaterThan = ">"
    /// Breaching when the value is at or above the threshold.
    case greaterThanOrEqual = ">="
    /// Breaching when the value is below the threshold.
    case lessThan = "<"
    /// Breaching when the value is at or below the threshold.
    case lessThanOrEqual = "<="
    /// Breaching when the value equals the threshold.
    case equal = "=="
    /// Breaching when the value differs from the threshold.
    case notEqual = "!="
    /// Breaching when the value is far from its seasonal baseline (`AnomalyDetection`); there is
    /// no threshold, so `holds` is never true for it.
    case anomaly = "anomaly"

    /// Whether `value` compared with `threshold` breaches; never for NaN.
    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        guard !value.isNaN, !threshold.isNaN else { return false }
        switch self {
        case .greaterThan: return value > threshold
        case .greaterThanOrEqual: return value >= threshold
        case .lessThan: return value < threshold
        case .lessThanOrEqual: return value <= threshold
        case .equal: return value == threshold
        case .notEqual: return value != threshold
        case .anomaly: return false
        }
    }
}
