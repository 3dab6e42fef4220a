/// What a chart's numbers are, for its axis labels and its text equivalent.
enum ValueKind: Sendable {
    /// Calls, tokens.
    case count
    /// A ratio shown as a percentage.
    case percent
    /// A duration in milliseconds.
    case milliseconds
    /// Dollars.
    case dollars
    /// A proportion of a sample (drift bins), shown as a percentage.
    case proportion

    /// An axis label for `value`.
    func axisLabel(_ value: Double) -> String {
        switch self {
        case .count: Format.short(value)
        case .percent, .proportion: Format.significant(value * 100, digits: 3) + "%"
        case .milliseconds: value >= 1000 ? Format.significant(value / 1000, digits: 3) + " s" : Format.short(value) + " ms"
        case .dollars: Format.dollars(value)
        }
    }

    /// `value` in a sentence or a tooltip.
    func text(_ value: Double) -> String {
        switch self {
        case .count: Format.count(Int64(value.rounded()))
        case .percent, .proportion: Format.percent(value)
        case .milliseconds: Format.milliseconds(value)
        case .dollars: Format.dollars(value)
        }
    }
}
