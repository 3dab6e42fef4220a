import Testing
import VigilAlerting

@Suite("Durations in rule files")
struct DurationTextTests {
    @Test("Prometheus notation parses to the exact duration", arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("2h", .seconds(7200)), ("28d", .seconds(28 * 86_400)),
        ("1h30m", .seconds(5400)), ("500ms", .milliseconds(500)), ("1w", .seconds(7 * 86_400)),
        ("1y", .seconds(365 * 86_400)), ("0", .zero), ("0s", .zero), ("1d2h3m4s5ms", .milliseconds(93_784_005)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test("anything else is refused", arguments: [
        "", "5", "5 m", "5min", "1.5h", "-5m", "30m1h", "1h1h", "m", "5M", "1h 30m", "ms5", "١٢s", "99999999999999999999s",
    ])
    func refuses(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test("formatting gives the largest units first and reads back the same")
    func roundTrip() {
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
        #expect(DurationText.format(.zero) == "0s")
        #expect(DurationText.format(.seconds(28 * 86_400)) == "4w")
        #expect(DurationText.format(.milliseconds(1500)) == "1s500ms")
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let milliseconds = Int64.random(in: 0...(400 * 86_400_000), using: &generator)
            let duration = Duration.milliseconds(milliseconds)
            #expect(DurationText.parse(DurationText.format(duration)) == duration)
        }
    }
}
