/// A stretch of time to make traffic for: a minute of the backfill, or a beat of the live timeline.
public struct TrafficSlice: Sendable, Equatable {
    /// Names the slice's randomness: the same index (and seed) gives the same traffic.
    public var index: Int64
    /// Start, Unix nanoseconds: the traces end in [`startNanos`, `startNanos + lengthNanos`).
    public var startNanos: UInt64
    /// Length in nanoseconds.
    public var lengthNanos: UInt64
    /// How many minutes of traffic the slice holds (a beat holds a quarter of a minute however
    /// fast it is played).
    public var minutes: Double
    /// A multiplier on every service's request rate (the backfill's gentle daily curve).
    public var load: Double
    /// The incidents under way.
    public var phases: Set<DemoPhase>
    /// The run's start, Unix nanoseconds: mixed into trace and span ids only, so runs with the same
    /// seed send the same traffic under ids of their own.
    public var runNanos: UInt64

    /// A slice.
    public init(index: Int64, startNanos: UInt64, lengthNanos: UInt64, minutes: Double, load: Double = 1,
                phases: Set<DemoPhase> = [], runNanos: UInt64 = 0) {
        self.index = index
        self.startNanos = startNanos
        self.lengthNanos = lengthNanos
        self.minutes = minutes
        self.load = load
        self.phases = phases
        self.runNanos = runNanos
    }
}
