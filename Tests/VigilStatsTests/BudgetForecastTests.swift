import Foundation
import Testing
import VigilStats

@Suite("Budget forecasts")
struct BudgetForecastTests {
    static func amount(_ text: String) throws -> Decimal {
        try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
    }

    @Test("spent + mean × days left, band ± 1.96 × sd × √days left, exact to millionths")
    func quarterDay() throws {
        // Mean 10, deviations ±2 six times and 0 once: sample variance 24 / 6 = 4, sd 2.
        let daily = try ["12", "8", "12", "8", "12", "8", "10"].map(Self.amount)
        let forecast = BudgetForecast(spent: try Self.amount("7.5"), trailingDaily: daily, secondsLeft: 6 * 3600)
        #expect(forecast.daysLeft == (try Self.amount("0.25")))
        #expect(forecast.dailyMean == 10)
        #expect(forecast.dailySD == 2)
        #expect(forecast.spend == 10)
        #expect(forecast.low == (try Self.amount("8.04")))
        #expect(forecast.high == (try Self.amount("11.96")))
    }

    @Test("a month's forecast: √85 by Newton's method in Decimal, rounded half up (Python's decimal module gives the same)")
    func month() throws {
        let daily = try ["12", "8", "12", "8", "12", "8", "10"].map(Self.amount)
        // 2025-03-10T18:00Z to 2025-04-01T00:00Z: 21.25 days; half band 1.96 × √(4 × 21.25) = 18.0703071362…
        let forecast = BudgetForecast(spent: try Self.amount("77.5"), trailingDaily: daily, secondsLeft: 1_836_000)
        #expect(forecast.spend == 290)
        #expect(forecast.low == (try Self.amount("271.929693")))
        #expect(forecast.high == (try Self.amount("308.070307")))
    }

    @Test("the low end never falls below the spend so far; no history forecasts the spend so far")
    func edges() throws {
        let spiky = try ["0", "0", "0", "0", "0", "0", "70"].map(Self.amount)
        let forecast = BudgetForecast(spent: 5, trailingDaily: spiky, secondsLeft: 86_400)
        #expect(forecast.low == 5)
        let none = BudgetForecast(spent: 3, trailingDaily: Array(repeating: 0, count: 7), secondsLeft: 86_400)
        #expect(none.spend == 3 && none.low == 3 && none.high == 3)
        #expect(BudgetForecast.squareRoot(0) == 0)
        #expect(BudgetForecast.squareRoot(try Self.amount("0.25")) == (try Self.amount("0.5")))
    }
}
