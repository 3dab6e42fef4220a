internal import Foundation

/// A mergeable quantile sketch with a relative-error guarantee (the DDSketch construction):
/// values fall into logarithmic buckets of ratio γ = (1 + α) / (1 − α), so any quantile read back
/// is within a relative error α of a value of the data at that rank. Merging adds bucket counts,
/// so a percentile over any range or grouping is a merge of stored sketches, not a rescan.
public struct QuantileSketch: Sendable, Equatable {
    /// The relative accuracy α every sketch in Vigil uses: 0.5%, inside the 1% DESIGN.md asks for.
    public static let relativeAccuracy = 0.005

    /// Values at or below this are counted as zero (latencies are never negative).
    public static let minimumIndexable = 1e-9

    private static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    private static let logGamma = log(gamma)

    /// Bucket index → count.
    public internal(set) var buckets: [Int32: UInt64] = [:]
    /// Values at or below `minimumIndexable`.
    public internal(set) var zeroCount: UInt64 = 0
    /// How many values were added.
    public internal(set) var count: UInt64 = 0
    /// The smallest value added (exact), or +∞ when empty.
    public internal(set) var minimum: Double = .infinity
    /// The largest value added (exact), or −∞ when empty.
    public internal(set) var maximum: Double = -.infinity
    /// The sum of the values added, in units of 2⁻²⁰ (each value rounded to that grid, under a
    /// nanosecond for latencies in milliseconds). Integer sums are exact and associative, so a
    /// sketch merged in any order and any grouping, live or replayed, is the same to the bit;
    /// saturates far past any real total (2⁶³ units is about 280 years of milliseconds).
    public internal(set) var sumUnits: Int64 = 0

    /// How many units make one: 2²⁰.
    static let sumScale: Double = 1_048_576

    /// The sum of the values added (to within 2⁻²¹ per value).
    public var sum: Double { Double(sumUnits) / Self.sumScale }

    /// An empty sketch.
    public init() {}

    /// Adds one value; NaN is ignored, negative values count as zero.
    public mutating func add(_ value: Double) {
        guard !value.isNaN else { return }
        count += 1
        sumUnits = Self.adding(sumUnits, Self.units(value))
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        if value <= Self.minimumIndexable {
            zeroCount += 1
        } else {
            buckets[Self.index(of: value), default: 0] += 1
        }
    }

    /// Adds everything `other` holds.
    public mutating func merge(_ other: QuantileSketch) {
        guard other.count > 0 else { return }
        for (index, bucketCount) in other.buckets { buckets[index, default: 0] += bucketCount }
        zeroCount += other.zeroCount
        count += other.count
        sumUnits = Self.adding(sumUnits, other.sumUnits)
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    /// The value at quantile `q` (0…1), interpolating linearly between the two neighbouring ranks
    /// as numpy's default `quantile` does; nil for an empty sketch.
    public func quantile(_ q: Double) -> Double? {
        quantiles([q])[0]
    }

    /// How many values were above `threshold`, counting a bucket as above when the value that
    /// stands for it is (exact to within the sketch's relative accuracy at the threshold).
    public func count(above threshold: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if threshold < minimum { return count }
        if threshold >= maximum { return 0 }
        var above: UInt64 = threshold < 0 ? zeroCount : 0
        for (index, bucketCount) in buckets where Self.representative(of: index) > threshold {
            above += bucketCount
        }
        return above
    }

    /// `quantile` of each of `qs`, sorting the buckets once.
    public func quantiles(_ qs: [Double]) -> [Double?] {
        guard count > 0 else { return qs.map { _ in nil } }
        let sorted = buckets.sorted { $0.key < $1.key }
        return qs.map { q in
            guard q >= 0, q <= 1 else { return nil }
            let rank = q * Double(count - 1)
            let lowerRank = UInt64(rank.rounded(.down))
            let fraction = rank - Double(lowerRank)
            let lower = value(atRank: lowerRank, sorted: sorted)
            guard fraction > 0, lowerRank + 1 < count else { return lower }
            let upper = value(atRank: lowerRank + 1, sorted: sorted)
            return lower + (upper - lower) * fraction
        }
    }

    /// The estimate of the value with 0-based `rank` in sorted order, clamped to the exact extremes.
    private func value(atRank rank: UInt64, sorted: [(key: Int32, value: UInt64)]) -> Double {
        if rank == 0 { return minimum }
        if rank == count - 1 { return maximum }
        var seen = zeroCount
        if rank < seen { return 0 }
        for (index, bucketCount) in sorted {
            seen += bucketCount
            if rank < seen {
                return Swift.min(Swift.max(Self.representative(of: index), minimum), maximum)
            }
        }
        return maximum
    }

    /// `value` in units of 2⁻²⁰, rounded, saturating at Int64's range (infinities included).
    static func units(_ value: Double) -> Int64 {
        let scaled = (value * sumScale).rounded()
        if scaled >= 9.2e18 { return .max }
        if scaled <= -9.2e18 { return .min }
        return Int64(scaled)
    }

    /// `a + b`, saturating instead of overflowing.
    static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (total, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return total }
        return b > 0 ? .max : .min
    }

    static func index(of value: Double) -> Int32 {
        Int32((log(value) / logGamma).rounded(.up))
    }

    /// The value that best stands for bucket `index`: within α of every value in it.
    static func representative(of index: Int32) -> Double {
        2 * pow(gamma, Double(index)) / (gamma + 1)
    }
}
