import Testing
import VigilAlerting

@Suite("Seasonal baseline for anomaly rules")
struct SeasonalBaselineTests {
    let hour = SeasonalBaseline.hourMicros
    let week = SeasonalBaseline.weekMicros
    /// A Monday 03:20 UTC, ten weeks after the epoch's first Monday (1970-01-05).
    var now: Int64 { 4 * 86_400_000_000 + 10 * week + 3 * hour + 20 * 60_000_000 }
    var nowHour: Int64 { SeasonalBaseline.hourStart(of: now) }

    @Test("median and MAD match values worked out by hand")
    func medianAndMAD() throws {
        // 1 2 3 4 100: median 3; deviations 2 1 0 1 97 → 0 1 1 2 97, MAD 1.
        #expect(SeasonalBaseline.median([4, 1, 100, 3, 2]) == 3)
        #expect(SeasonalBaseline.mad([4, 1, 100, 3, 2], around: 3) == 1)
        // Even count: median of 10 20 30 40 is 25; deviations 15 5 5 15 → MAD 10.
        #expect(SeasonalBaseline.median([40, 10, 30, 20]) == 25)
        #expect(SeasonalBaseline.mad([40, 10, 30, 20], around: 25) == 10)
        #expect(SeasonalBaseline.median([]) == nil)

        // Four weeks, three hours each: 10 11 12 | 10 11 12 | 10 11 12 | 10 11 500 (an old incident).
        var hourly: [Int64: Double] = [:]
        for weekBack in 1...4 {
            let center = nowHour - Int64(weekBack) * week
            hourly[center - hour] = 10
            hourly[center] = 11
            hourly[center + hour] = weekBack == 4 ? 500 : 12
        }
        let baseline = try #require(SeasonalBaseline(hourly: hourly, nowMicros: now, detection: AnomalyDetection(minMAD: 0)))
        // Sorted: 10×4, 11×4, 12×3, 500: median 11; deviations 1×7, 0×4, 489 → sorted 0 0 0 0 1 1 1 1 1 1 1 489, MAD 1.
        #expect(baseline.median == 11)
        #expect(abs(baseline.spread - 1.4826) < 1e-12)
        #expect(baseline.source == .seasonal(weeks: 4))
        #expect(baseline.sampleCount == 12)
        #expect(baseline.breaches(11 + 3 * 1.4826 + 0.01, AnomalyDetection(minMAD: 0)))
        #expect(!baseline.breaches(11 + 3 * 1.4826 - 0.01, AnomalyDetection(minMAD: 0)))
        #expect(!baseline.breaches(0, AnomalyDetection(minMAD: 0)))
        #expect(baseline.breaches(0, AnomalyDetection(direction: .below, minMAD: 0)))
        #expect(baseline.breaches(0, AnomalyDetection(direction: .both, minMAD: 0)))
        #expect(!baseline.breaches(.nan, AnomalyDetection(direction: .both, minMAD: 0)))
    }

    @Test("short history falls back to the trailing day, and too little gives no baseline")
    func fallback() throws {
        var hourly: [Int64: Double] = [:]
        for back in 1...24 { hourly[nowHour - Int64(back) * hour] = Double(back) }
        // One week of seasonal data is not enough: the trailing 24 hours (1…24) are used.
        hourly[nowHour - week] = 1000
        let baseline = try #require(SeasonalBaseline(hourly: hourly, nowMicros: now, detection: AnomalyDetection(minMAD: 0)))
        #expect(baseline.source == .trailing)
        #expect(baseline.sampleCount == 24)
        // 1…24: median 12.5; deviations 0.5…11.5 twice, median 6 → spread 6 × 1.4826.
        #expect(baseline.median == 12.5)
        #expect(abs(baseline.spread - 6 * 1.4826) < 1e-9)
        // Scaled to a 15-minute window.
        let quarter = try #require(SeasonalBaseline(hourly: hourly, nowMicros: now, detection: AnomalyDetection(minMAD: 0), scale: 0.25))
        #expect(quarter.median == 12.5 / 4)

        #expect(SeasonalBaseline(hourly: [nowHour - hour: 1, nowHour - 2 * hour: 2], nowMicros: now, detection: AnomalyDetection()) == nil)
        // A flat series: the spread is the 5% floor, or min_mad when given.
        let flat = Dictionary(uniqueKeysWithValues: (1...24).map { (nowHour - Int64($0) * hour, 100.0) })
        #expect(SeasonalBaseline(hourly: flat, nowMicros: now, detection: AnomalyDetection())?.spread == 5)
        #expect(SeasonalBaseline(hourly: flat, nowMicros: now, detection: AnomalyDetection(minMAD: 20))?.spread == 20)
    }

    @Test("a night-time incident fires while a normal daytime peak does not")
    func nightIncidentAndDaytimePeak() throws {
        // Four weeks of hourly counts: 100 an hour at night (0–6h), 1000 by day, a little noise.
        var generator = SeededGenerator(seed: 7)
        var hourly: [Int64: Double] = [:]
        let start = nowHour - 5 * week
        var time = start
        while time < nowHour {
            let hourOfDay = (time / hour) % 24
            let level: Double = hourOfDay < 6 ? 100 : 1000
            hourly[time] = level * Double.random(in: 0.95...1.05, using: &generator)
            time += hour
        }
        let detection = AnomalyDetection()
        // now is 03:20: a night hour. 400 calls an hour is well under the daytime 1000.
        let night = try #require(SeasonalBaseline(hourly: hourly, nowMicros: now, detection: detection))
        #expect(night.source == .seasonal(weeks: 4))
        #expect(night.breaches(400, detection))
        #expect(!night.breaches(104, detection))
        // 14:20 the same day: the usual daytime 1030 does not breach, a fixed threshold of 400 would.
        let afternoon = now + 11 * hour
        let day = try #require(SeasonalBaseline(hourly: hourly, nowMicros: afternoon, detection: detection))
        #expect(!day.breaches(1030, detection))
        #expect(day.breaches(2000, detection))
    }
}
