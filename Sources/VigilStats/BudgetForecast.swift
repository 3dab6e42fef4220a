public import Foundation

/// Where a budget's spend is heading by the end of its period: the spend so far plus the trailing
/// days' mean daily spend for the days left, with a 95% band from their day-to-day variation.
/// Every amount is an exact `Decimal`; the band's square root is taken by Newton's method in
/// `Decimal` and every figure is rounded to millionths of a dollar.
public struct BudgetForecast: Sendable, Equatable {
    /// The method, as the API states it beside each forecast.
    public static let method = "trailing_7d_mean: spent + mean(daily spend of the last 7 complete UTC days, days without calls as 0) × days_left; band ± 1.96 × sd × √days_left (sd: sample standard deviation of those days)"
    /// How many complete days before the current one the forecast learns from.
    public static let trailingDays = 7
    /// The normal quantile of a two-sided 95% band.
    public static let z = Decimal(sign: .plus, exponent: -2, significand: 196)
    /// Decimal places kept (millionths of a dollar).
    public static let scale = 6

    /// Forecast spend at the end of the period.
    public var spend: Decimal
    /// The band's low end, never below the spend so far.
    public var low: Decimal
    /// The band's high end.
    public var high: Decimal
    /// The trailing days' mean daily spend.
    public var dailyMean: Decimal
    /// The trailing days' sample standard deviation of daily spend (0 with fewer than two days).
    public var dailySD: Decimal
    /// Days (fractional) from now to the end of the period.
    public var daysLeft: Decimal

    /// The forecast from the spend so far, the trailing days' spend (oldest first, one per day) and
    /// the seconds left in the period (negative counts as none).
    public init(spent: Decimal, trailingDaily: [Decimal], secondsLeft: Int64) {
        let n = trailingDaily.count
        let mean = n == 0 ? Decimal(0) : trailingDaily.reduce(Decimal(0), +) / Decimal(n)
        var variance = Decimal(0)
        if n > 1 {
            let squares = trailingDaily.reduce(Decimal(0)) { sum, day in
                let deviation = day - mean
                return sum + deviation * deviation
            }
            variance = squares / Decimal(n - 1)
        }
        let days = Decimal(max(secondsLeft, 0)) / Decimal(86_400)
        let centre = spent + mean * days
        let half = Self.z * Self.squareRoot(variance * days)
        self.spend = Self.rounded(centre)
        self.low = Self.rounded(max(spent, centre - half))
        self.high = Self.rounded(centre + half)
        self.dailyMean = Self.rounded(mean)
        self.dailySD = Self.rounded(Self.squareRoot(variance))
        self.daysLeft = Self.rounded(days)
    }

    /// `value` rounded half away from zero to `scale` decimal places.
    public static func rounded(_ value: Decimal) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }

    /// The square root of a non-negative `value` (0 for anything else), by Newton's method in
    /// `Decimal` from the binary estimate: exact where the root is (√4 = 2, √0.25 = 0.5).
    public static func squareRoot(_ value: Decimal) -> Decimal {
        guard value > 0 else { return 0 }
        let estimate = NSDecimalNumber(decimal: value).doubleValue.squareRoot()
        var x = estimate.isFinite && estimate > 0 ? Decimal(estimate) : Decimal(1)
        for _ in 0..<12 {
            let next = (x + value / x) / 2
            if next == x { break }
            x = next
        }
        return x
    }
}
