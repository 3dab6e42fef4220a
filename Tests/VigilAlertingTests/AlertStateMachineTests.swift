import Foundation
import Testing
import VigilAlerting

@Suite("The alert state machine")
struct AlertStateMachineTests {
    func alert(for hold: Duration = .seconds(120), keepFiringFor: Duration = .zero) -> Alert {
        Alert(ruleName: "ChatLatencyHigh", labels: ["alertname": "ChatLatencyHigh", "service": "chat"], holdDuration: hold, keepFiringFor: keepFiringFor)
    }

    @Test("inactive → pending → firing after `for` → resolved → inactive after retention")
    func lifecycle() {
        var alert = alert()
        #expect(alert.step(now: TestClock.at(0), value: 1500, breaching: false) == nil)
        #expect(alert.step(now: TestClock.at(15), value: 2500, breaching: true) == .init(from: .inactive, to: .pending, at: TestClock.at(15), value: 2500))
        #expect(alert.activeAt == TestClock.at(15))
        #expect(alert.step(now: TestClock.at(120), value: 2600, breaching: true) == nil)  // 105 s < 2 min
        #expect(alert.step(now: TestClock.at(135), value: 2700, breaching: true) == .init(from: .pending, to: .firing, at: TestClock.at(135), value: 2700))
        #expect(alert.firedAt == TestClock.at(135))
        #expect(alert.step(now: TestClock.at(150), value: 2800, breaching: true) == nil)
        #expect(alert.value == 2800)
        #expect(alert.step(now: TestClock.at(165), value: 1200, breaching: false) == .init(from: .firing, to: .resolved, at: TestClock.at(165), value: 2800))
        #expect(alert.resolvedAt == TestClock.at(165))
        #expect(alert.lastValue == 1200)
        #expect(alert.step(now: TestClock.at(165 + 900), value: 1200, breaching: false) == nil)  // retention is 15 min, not yet past
        #expect(alert.step(now: TestClock.at(165 + 915), value: 1200, breaching: false) == .init(from: .resolved, to: .inactive, at: TestClock.at(1080), value: 2800))
        #expect(alert.activeAt == nil && alert.firedAt == nil && alert.resolvedAt == nil)
    }

    @Test("`for` is measured from the first breaching evaluation, inclusive at exactly `for`")
    func forBoundary() {
        var alert = alert(for: .seconds(60))
        _ = alert.step(now: TestClock.at(0), value: 1, breaching: true)
        #expect(alert.step(now: TestClock.at(59.999), value: 1, breaching: true) == nil)
        #expect(alert.step(now: TestClock.at(60), value: 1, breaching: true)?.to == .firing)
    }

    @Test("with `for: 0` the first breach fires at once, one transition")
    func zeroFor() {
        var alert = alert(for: .zero)
        #expect(alert.step(now: TestClock.at(0), value: 9, breaching: true) == .init(from: .inactive, to: .firing, at: TestClock.at(0), value: 9))
        #expect(alert.firedAt == TestClock.at(0) && alert.activeAt == TestClock.at(0))
    }

    @Test("a pending alert that stops breaching goes back to inactive, its `for` clock reset")
    func pendingCancelled() {
        var alert = alert()
        _ = alert.step(now: TestClock.at(0), value: 3000, breaching: true)
        #expect(alert.step(now: TestClock.at(60), value: 100, breaching: false) == .init(from: .pending, to: .inactive, at: TestClock.at(60), value: 3000))
        #expect(alert.step(now: TestClock.at(90), value: 3000, breaching: true)?.to == .pending)
        #expect(alert.step(now: TestClock.at(180), value: 3000, breaching: true) == nil)  // 90 s since the new activeAt
        #expect(alert.step(now: TestClock.at(210), value: 3000, breaching: true)?.to == .firing)
    }

    @Test("keep_firing_for holds a firing alert from the first evaluation that missed")
    func keepFiring() {
        var alert = alert(for: .zero, keepFiringFor: .seconds(60))
        _ = alert.step(now: TestClock.at(0), value: 5, breaching: true)
        #expect(alert.step(now: TestClock.at(15), value: 1, breaching: false) == nil)
        #expect(alert.keepFiringSince == TestClock.at(15))
        #expect(alert.step(now: TestClock.at(60), value: 1, breaching: false) == nil)
        #expect(alert.step(now: TestClock.at(74), value: 1, breaching: false) == nil)  // 59 s since 15
        #expect(alert.step(now: TestClock.at(75), value: 1, breaching: false)?.to == .resolved)  // 60 s: no longer < 60
        #expect(alert.resolvedAt == TestClock.at(75))
    }

    @Test("a breach during keep_firing_for cancels the grace")
    func keepFiringReset() {
        var alert = alert(for: .zero, keepFiringFor: .seconds(60))
        _ = alert.step(now: TestClock.at(0), value: 5, breaching: true)
        _ = alert.step(now: TestClock.at(15), value: 1, breaching: false)
        #expect(alert.step(now: TestClock.at(30), value: 6, breaching: true) == nil)
        #expect(alert.keepFiringSince == nil)
        #expect(alert.value == 6)
        #expect(alert.step(now: TestClock.at(45), value: 1, breaching: false) == nil)
        #expect(alert.step(now: TestClock.at(104), value: 1, breaching: false) == nil)
        #expect(alert.step(now: TestClock.at(105), value: 1, breaching: false)?.to == .resolved)
    }

    @Test("keep_firing_for does not hold a pending alert")
    func keepFiringPending() {
        var alert = alert(for: .seconds(60), keepFiringFor: .seconds(600))
        _ = alert.step(now: TestClock.at(0), value: 5, breaching: true)
        #expect(alert.step(now: TestClock.at(15), value: 1, breaching: false)?.to == .inactive)
    }

    @Test("a breach while resolved starts a new episode")
    func refire() {
        var alert = alert(for: .seconds(30))
        _ = alert.step(now: TestClock.at(0), value: 5, breaching: true)
        _ = alert.step(now: TestClock.at(30), value: 5, breaching: true)
        _ = alert.step(now: TestClock.at(45), value: 1, breaching: false)
        #expect(alert.state == .resolved)
        #expect(alert.step(now: TestClock.at(60), value: 7, breaching: true) == .init(from: .resolved, to: .pending, at: TestClock.at(60), value: 7))
        #expect(alert.resolvedAt == nil && alert.firedAt == nil && alert.activeAt == TestClock.at(60))
        #expect(alert.step(now: TestClock.at(90), value: 7, breaching: true)?.to == .firing)
        #expect(alert.firedAt == TestClock.at(90))
    }

    @Test("no data is not a breach; a step back in time counts as at the last step")
    func noDataAndClockSkew() {
        var alert = alert(for: .zero)
        _ = alert.step(now: TestClock.at(100), value: 5, breaching: true)
        let transition = alert.step(now: TestClock.at(50), value: nil, breaching: false)
        #expect(transition == .init(from: .firing, to: .resolved, at: TestClock.at(100), value: 5))
    }

    @Test("snapshots exist while firing or resolved, with Prometheus' startsAt (fired) and endsAt (resolved)")
    func snapshots() throws {
        var alert = alert(for: .seconds(30))
        _ = alert.step(now: TestClock.at(0), value: 5, breaching: true)
        #expect(alert.snapshot(annotations: [:], generatorURL: "") == nil)
        _ = alert.step(now: TestClock.at(30), value: 5, breaching: true)
        let firing = try #require(alert.snapshot(annotations: ["summary": "x"], generatorURL: "http://vigil/x"))
        #expect(firing.status == .firing && firing.startsAt == TestClock.at(30) && firing.endsAt == nil)
        #expect(firing.fingerprint == alert.fingerprint)
        _ = alert.step(now: TestClock.at(45), value: 1, breaching: false)
        let resolved = try #require(alert.snapshot(annotations: [:], generatorURL: ""))
        #expect(resolved.status == .resolved && resolved.endsAt == TestClock.at(45))
    }

    @Test("the state survives a JSON round trip, for persistence across restarts")
    func codable() throws {
        var alert = alert(for: .seconds(30), keepFiringFor: .seconds(60))
        _ = alert.step(now: TestClock.at(0), value: 5, breaching: true)
        let data = try JSONEncoder().encode(alert)
        var decoded = try JSONDecoder().decode(Alert.self, from: data)
        #expect(decoded == alert)
        #expect(decoded.step(now: TestClock.at(30), value: 5, breaching: true)?.to == .firing)
    }

    /// Property: over random breach sequences and evaluation times, every transition is an edge of
    /// the lifecycle graph and agrees with the state, and the timing rules of `for` and
    /// `keep_firing_for` hold.
    @Test("random histories obey the lifecycle and the timing rules", arguments: 0..<40)
    func randomHistories(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &* 0x9E37 &+ 1)
        let hold = Duration.seconds(Int64.random(in: 0...4, using: &generator) * 15)
        let keep = Duration.seconds(Int64.random(in: 0...3, using: &generator) * 20)
        var alert = alert(for: hold, keepFiringFor: keep)
        let allowed: Set<[Alert.State]> = [
            [.inactive, .pending], [.inactive, .firing], [.pending, .firing], [.pending, .inactive],
            [.firing, .resolved], [.resolved, .inactive], [.resolved, .pending], [.resolved, .firing],
        ]
        var time = 0.0
        var firstMiss: Double?  // the first evaluation of the current run of misses
        for _ in 0..<300 {
            time += Double(Int.random(in: 1...30, using: &generator))
            let breaching = Double.random(in: 0..<1, using: &generator) < 0.6
            let before = alert.state
            let transition = alert.step(now: TestClock.at(time), value: breaching ? 1 : 0, breaching: breaching)
            if let transition {
                #expect(allowed.contains([transition.from, transition.to]), "\(transition.from) → \(transition.to)")
                #expect(transition.from == before && transition.to == alert.state && transition.at == TestClock.at(time))
            }
            firstMiss = breaching ? nil : (firstMiss ?? time)
            switch alert.state {
            case .firing:
                let activeAt = alert.activeAt ?? .distantFuture
                let firedAt = alert.firedAt ?? .distantPast
                #expect(firedAt.timeIntervalSince(activeAt) >= hold.inSeconds - 1e-6)
                if let firstMiss {
                    #expect(time - firstMiss < keep.inSeconds)
                }
            case .pending:
                #expect(breaching)
                #expect(TestClock.at(time).timeIntervalSince(alert.activeAt ?? .distantPast) < hold.inSeconds)
            case .resolved, .inactive:
                #expect(!breaching)
            }
        }
    }
}
