import Testing
import VigilDemo

@Suite("Demo timeline")
struct DemoTimelineTests {
    @Test("the incidents come in turn, the drift reports bracket the drift")
    func standard() throws {
        let timeline = DemoTimeline.standard
        #expect(timeline.phases(atBeat: 0).isEmpty)
        #expect(timeline.phases(atBeat: 2) == [.latencyIncident])
        #expect(timeline.phases(atBeat: 6) == [.latencyIncident, .errorBurst])
        #expect(timeline.phases(atBeat: 8) == [.errorBurst, .costSpike])
        #expect(timeline.phases(atBeat: 15) == [.topicDrift])
        #expect(timeline.phases(atBeat: timeline.beats).isEmpty)
        let starts = DemoPhase.allCases.map { timeline.window(of: $0)!.start }
        #expect(starts == starts.sorted())
        let drift = try #require(timeline.window(of: .topicDrift))
        #expect(timeline.reportBeforeDrift <= drift.start)
        #expect(timeline.reportAfterDrift >= drift.end)
        // At normal speed the whole timeline, drift report included, fits in five minutes.
        #expect(DemoTimeline.beat * timeline.reportAfterDrift <= .seconds(270))
        // The latency incident lasts long enough for ChatLatencyHigh's `for: 2m` within its 5m window.
        let latency = try #require(timeline.window(of: .latencyIncident))
        #expect(DemoTimeline.beat * (latency.end - latency.start) >= .seconds(60))
    }

    @Test("options check the duration against the timeline")
    func minimumDuration() {
        var options = DemoOptions(baseURL: "http://127.0.0.1:4318", project: "demo", ingestKey: "i", readKey: "r", operateKey: "o")
        #expect(options.minimumDuration == .seconds(243))
        #expect(options.duration >= options.minimumDuration)
        options.speed = 7.5
        #expect(options.minimumDuration == .seconds(35))
    }
}
