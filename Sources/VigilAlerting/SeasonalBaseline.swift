/// What a metric's value usually is at this hour of the week, and how much it usually varies:
/// the median and the scaled median absolute deviation (MAD × 1.4826, a standard deviation for
/// normal data that a few past incidents do not inflate) of hourly samples.
///
/// The samples, for an evaluation at `t` whose hour starts at `H`: for each of the last `weeks`
/// weeks, the hours `H − week − 1h`, `H − week` and `H − week + 1h` (so every week gives three).
/// While fewer than two weeks have data, the baseline falls back to the 24 whole hours before `H`.
/// Each hourly value is scaled to the rule's window (× window / 1h) for metrics that add up over
/// time (counts, tokens, cost), so a 15-minute count is compared with a quarter of an hour's.
public struct SeasonalBaseline: Sendable, Hashable {
    /// Where the samples came from.
    public enum Source: Sendable, Hashable {
        /// The same hours of the week, in this many past weeks.
        case seasonal(weeks: Int)
        /// The hours of the last day (history shorter than two weeks).
        case trailing
    }

    /// The median of the samples.
    public var median: Double
    /// The spread used: the scaled MAD, at least the rule's `min_mad` (or 5% of the median).
    public var spread: Double
    /// Where the samples came from.
    public var source: Source
    /// How many samples there were.
    public var sampleCount: Int

    /// The factor that makes a MAD a consistent estimate of the standard deviation of normal data.
    public static let madScale = 1.4826
    /// One hour, in microseconds.
    public static let hourMicros: Int64 = 3_600_000_000
    /// One week, in microseconds.
    public static let weekMicros: Int64 = 7 * 24 * 3_600_000_000
    /// Hours the trailing fallback reads.
    public static let trailingHours = 24
    /// Past weeks with data needed for a seasonal baseline.
    public static let minimumWeeks = 2
    /// Samples needed for any baseline; with fewer the rule does not breach.
    public static let minimumSamples = 3
    /// The default floor of the spread, as a share of the median's size.
    public static let defaultRelativeFloor = 0.05

    /// Makes a baseline from its parts.
    public init(median: Double, spread: Double, source: Source, sampleCount: Int) {
        self.median = median
        self.spread = spread
        self.source = source
        self.sampleCount = sampleCount
    }

    /// The baseline at `nowMicros` from `hourly` (the metric over each whole hour, by the hour's
    /// start), each sample multiplied by `scale`; nil when there are too few samples.
    public init?(hourly: [Int64: Double], nowMicros: Int64, detection: AnomalyDetection, scale: Double = 1) {
        let hour = Self.hourStart(of: nowMicros)
        var samples: [Double] = []
        var weeksWithData = 0
        for week in 1...max(detection.weeks, 1) {
            let center = hour - Int64(week) * Self.weekMicros
            let found = (-1...1).compactMap { hourly[center + Int64($0) * Self.hourMicros] }.filter(\.isFinite)
            if !found.isEmpty { weeksWithData += 1 }
            samples += found
        }
        var source = Source.seasonal(weeks: weeksWithData)
        if weeksWithData < Self.minimumWeeks {
            source = .trailing
            samples = (1...Self.trailingHours).compactMap { hourly[hour - Int64($0) * Self.hourMicros] }.filter(\.isFinite)
        }
        samples = samples.map { $0 * scale }
        guard samples.count >= Self.minimumSamples, let median = Self.median(samples) else { return nil }
        let mad = Self.madScale * Self.mad(samples, around: median)
        let floor = detection.minMAD ?? Self.defaultRelativeFloor * abs(median)
        self.init(median: median, spread: max(mad, floor), source: source, sampleCount: samples.count)
    }

    /// The median of `values`: the middle one, or the mean of the two middle ones; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The median absolute deviation of `values` from `center` (unscaled); 0 when empty.
    public static func mad(_ values: [Double], around center: Double) -> Double {
        median(values.map { abs($0 - center) }) ?? 0
    }

    /// The start of the UTC hour holding `micros`.
    public static func hourStart(of micros: Int64) -> Int64 {
        let remainder = micros % hourMicros
        return micros - (remainder < 0 ? remainder + hourMicros : remainder)
    }

    /// The hours a baseline at `nowMicros` may read, [from, to): from the hour before this hour
    /// `weeks` weeks ago to the start of this hour (the trailing day lies within).
    public static func hoursToRead(nowMicros: Int64, weeks: Int) -> (fromMicros: Int64, toMicros: Int64) {
        let hour = hourStart(of: nowMicros)
        return (hour - Int64(max(weeks, 1)) * weekMicros - hourMicros, hour)
    }

    /// How many spreads `value` is from the median (positive above it).
    public func score(_ value: Double) -> Double {
        spread > 0 ? (value - median) / spread : (value == median ? 0 : (value > median ? .infinity : -.infinity))
    }

    /// Whether `value` is more than `k` spreads from the median on the rule's side; never for NaN.
    public func breaches(_ value: Double, _ detection: AnomalyDetection) -> Bool {
        guard !value.isNaN else { return false }
        let score = score(value)
        switch detection.direction {
        case .above: return score > detection.k
        case .below: return score < -detection.k
        case .both: return abs(score) > detection.k
        }
    }
}
