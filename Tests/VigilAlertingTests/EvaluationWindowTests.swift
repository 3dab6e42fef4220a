import Foundation
import Testing
import VigilAlerting

@Suite("Rule windows at minute boundaries")
struct EvaluationWindowTests {
    /// The test clock's start, in microseconds: a minute boundary.
    let origin = Int64(TestClock.start.timeIntervalSince1970) * 1_000_000

    /// Calls (seconds after the test clock's start) counted as the rollups hold them: by minute,
    /// the current minute only as far as it has data, over the minutes `window` reads at `now`.
    func count(_ calls: [Double], window: Duration, now: Double) -> Int {
        let nowMicros = origin + Int64(now * 1_000_000)
        let minutes = EvaluationWindow(length: window, nowMicros: nowMicros)
        return calls.filter { call in
            let micros = origin + Int64(call * 1_000_000)
            let bucket = micros - ((micros % 60_000_000) + 60_000_000) % 60_000_000
            return bucket >= minutes.fromMicros && bucket < minutes.toMicros && micros <= nowMicros
        }.count
    }

    @Test("a window reads the minute holding now − length through the minute holding now: between its length and a minute more")
    func minutes() {
        let at = { (seconds: Int64) in origin + seconds * 1_000_000 }
        let aligned = EvaluationWindow(length: .seconds(300), nowMicros: at(600))
        #expect(aligned.fromMicros == at(300) && aligned.toMicros == at(660))
        let after = EvaluationWindow(length: .seconds(300), nowMicros: at(610))
        #expect(after.fromMicros == at(300) && after.toMicros == at(660), "5 min 10 s: 11:55:00 to 12:00:10 at 12:00:10")
        let before = EvaluationWindow(length: .seconds(60), nowMicros: at(659))
        #expect(before.fromMicros == at(540) && before.toMicros == at(660), "1 min 59 s, never more than a minute over")
        for now in stride(from: Int64(0), through: 600, by: 1) {
            let window = EvaluationWindow(length: .seconds(60), nowMicros: at(now))
            let covered = at(now) - window.fromMicros
            #expect((60_000_000...120_000_000).contains(covered), "\(now)")
        }
    }

    @Test("a steady stream never breaches a 1m count rule, evaluated on and around every minute boundary; minute-aligned windows did")
    func noFlapping() {
        // One call every 10 s: six a minute. The rule breaches under three calls.
        let calls = Array(stride(from: -1800.0, to: 1800, by: 10))
        var alert = Alert(ruleName: "TrafficLow", labels: ["alertname": "TrafficLow"], holdDuration: .zero)
        var transitions: [Alert.Transition] = []
        var naiveBreaches = 0
        for now in stride(from: 0.0, through: 900, by: 5) {
            let value = count(calls, window: .seconds(60), now: now)
            #expect(value >= 6, "at \(now) s the window holds \(value) calls")
            if let transition = alert.step(now: TestClock.at(now), value: Double(value), breaching: value < 3) { transitions.append(transition) }
            // Whole minutes starting in [now − 1m, now): just after a boundary, only the new minute.
            let nowMicros = origin + Int64(now * 1_000_000)
            let naive = calls.filter { call in
                let micros = origin + Int64(call * 1_000_000)
                let bucket = micros - ((micros % 60_000_000) + 60_000_000) % 60_000_000
                return bucket >= nowMicros - 60_000_000 && bucket < nowMicros && micros <= nowMicros
            }.count
            if naive < 3 { naiveBreaches += 1 }
        }
        #expect(transitions.isEmpty)
        #expect(alert.state == .inactive)
        #expect(naiveBreaches > 0, "the old windows saw a steady stream drop under the threshold")
    }

    @Test("`for` and resolving stay exact: traffic stops at a boundary, the alert is pending once a whole window is empty, fires `for` later, resolves at the first call")
    func exactTimings() {
        // Six calls a minute until 10:00 (600 s, not included), none until 15:00, then again.
        let calls = Array(stride(from: -1800.0, to: 600, by: 10)) + Array(stride(from: 900.0, to: 1500, by: 10))
        var alert = Alert(ruleName: "NoTraffic", labels: ["alertname": "NoTraffic"], holdDuration: .seconds(120))
        var transitions: [Alert.Transition] = []
        for now in stride(from: 0.0, through: 1200, by: 15) {
            let value = count(calls, window: .seconds(60), now: now)
            if let transition = alert.step(now: TestClock.at(now), value: Double(value), breaching: value == 0) { transitions.append(transition) }
        }
        // At 10:59 the window still reads 9:00–10:59, which holds the calls of 9:xx; at 11:00 it reads
        // 10:00–11:00: none.
        #expect(transitions.map(\.to) == [.pending, .firing, .resolved])
        #expect(transitions.map(\.at) == [TestClock.at(660), TestClock.at(780), TestClock.at(900)])
    }
}
