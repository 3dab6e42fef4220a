internal import VigilCore

/// One resolution of the rollups: the minute rows, and the ten-minute, hourly and daily rows the
/// rollup processor keeps beside them so a long range reads a few rows per group.
public struct RollupTier: Sendable, Hashable {
    /// The rollup table: `rollup_minute`, `rollup_ten_minute`, `rollup_hour` or `rollup_day`.
    public let table: String
    /// The quality table of the same resolution.
    public let qualityTable: String
    /// The bucket's time column: `minute`, `ten_minute`, `hour` or `day`.
    public let column: String
    /// The bucket's length in microseconds; buckets start at multiples of it since the epoch (UTC).
    public let bucketMicros: Int64

    /// Minute rows.
    public static let minute = RollupTier(table: "rollup_minute", qualityTable: "quality_minute", column: "minute", bucketMicros: 60_000_000)
    /// Ten-minute rows.
    public static let tenMinutes = RollupTier(table: "rollup_ten_minute", qualityTable: "quality_ten_minute", column: "ten_minute", bucketMicros: 600_000_000)
    /// Hour rows.
    public static let hour = RollupTier(table: "rollup_hour", qualityTable: "quality_hour", column: "hour", bucketMicros: 3_600_000_000)
    /// Day rows (UTC days).
    public static let day = RollupTier(table: "rollup_day", qualityTable: "quality_day", column: "day", bucketMicros: 86_400_000_000)
    /// Finest first.
    public static let all = [minute, tenMinutes, hour, day]

    /// The start of the bucket that holds `micros`.
    public func bucket(of micros: Int64) -> Int64 {
        micros.floorDivided(by: bucketMicros) * bucketMicros
    }

    /// A part of a time range read from one tier: the buckets starting in [`fromMicros`, `toMicros`).
    public struct Segment: Sendable, Equatable {
        /// The tier read.
        public var tier: RollupTier
        /// The first bucket's start.
        public var fromMicros: Int64
        /// The end: the start of the first bucket not read.
        public var toMicros: Int64
    }

    /// Splits the minute-aligned range [`fromMicros`, `toMicros`) into the fewest rows to read:
    /// whole buckets of the coarsest tier that fit, and finer tiers for the edges. Only tiers whose
    /// bucket divides `step` are used, so a series of that step can group the segments' buckets.
    public static func segments(fromMicros: Int64, toMicros: Int64, step: Int64? = nil) -> [Segment] {
        let tiers = all.filter { tier in step.map { $0 % tier.bucketMicros == 0 } ?? true }
        return split(fromMicros: fromMicros, toMicros: toMicros, tiers: tiers[...])
    }

    private static func split(fromMicros: Int64, toMicros: Int64, tiers: ArraySlice<RollupTier>) -> [Segment] {
        guard fromMicros < toMicros, let coarsest = tiers.last else { return [] }
        let finer = tiers.dropLast()
        if finer.isEmpty { return [Segment(tier: coarsest, fromMicros: fromMicros, toMicros: toMicros)] }
        let first = (fromMicros + coarsest.bucketMicros - 1).floorDivided(by: coarsest.bucketMicros) * coarsest.bucketMicros
        let last = coarsest.bucket(of: toMicros)
        guard first < last else { return split(fromMicros: fromMicros, toMicros: toMicros, tiers: finer) }
        return split(fromMicros: fromMicros, toMicros: first, tiers: finer)
            + [Segment(tier: coarsest, fromMicros: first, toMicros: last)]
            + split(fromMicros: last, toMicros: toMicros, tiers: finer)
    }
}
