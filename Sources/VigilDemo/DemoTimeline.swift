/// When each incident plays, in beats: a beat is 15 s of wall-clock time at normal speed and a
/// quarter of a minute of traffic at any speed, so a faster run sends the same traffic sooner.
/// At normal speed the latency alert fires about 3.5 minutes in, the spend alert sooner, and the
/// drift report is asked for at 4 minutes.
public struct DemoTimeline: Sendable, Equatable {
    /// One incident's beats, [`start`, `end`).
    public struct Window: Sendable, Equatable {
        /// The incident.
        public var phase: DemoPhase
        /// First beat.
        public var start: Int
        /// First beat after it.
        public var end: Int
    }

    /// Beats in a minute of traffic.
    public static let beatsPerMinute = 4
    /// A beat's wall-clock length at speed 1.
    public static let beat: Duration = .seconds(15)

    /// The incidents.
    public var windows: [Window]
    /// The beat at whose start the drift report before the drift is asked for.
    public var reportBeforeDrift: Int
    /// The beat at whose start the drift report after the drift is asked for.
    public var reportAfterDrift: Int

    /// The demo's timeline: 30 s of steady traffic, the latency incident (90 s), the error burst
    /// from its middle (60 s), the cost spike (45 s), the topic drift (90 s); 4 minutes in all.
    public static let standard = DemoTimeline(
        windows: [
            Window(phase: .latencyIncident, start: 2, end: 8),
            Window(phase: .errorBurst, start: 5, end: 9),
            Window(phase: .costSpike, start: 8, end: 11),
            Window(phase: .topicDrift, start: 10, end: 16),
        ],
        reportBeforeDrift: 10,
        reportAfterDrift: 16
    )

    /// The beats until the last incident has ended.
    public var beats: Int {
        windows.map(\.end).max() ?? 0
    }

    /// The incidents under way during `beat`.
    public func phases(atBeat beat: Int) -> Set<DemoPhase> {
        Set(windows.filter { $0.start <= beat && beat < $0.end }.map(\.phase))
    }

    /// The window of `phase`.
    public func window(of phase: DemoPhase) -> Window? {
        windows.first { $0.phase == phase }
    }
}
