/// Decile binning as DESIGN.md specifies it: edges at the reference's 10%, 20%, …, 90% quantiles,
/// open outer bins, each bin closed on the left.
enum Deciles {
    static let binCount = 10
    /// Fewer than 10 samples per bin is too few to bin.
    static let minimumSamples = 10 * binCount
    /// Empty bins are floored at this proportion before renormalising.
    static let floor = 1e-4
    /// 0.1, 0.2, …, 0.9, each the correctly rounded k / 10 (numpy: `np.arange(1, 10) / 10`).
    static let levels: [Double] = (1..<binCount).map { Double($0) / Double(binCount) }

    /// The deciles of `sorted` (ascending, at least one value), with the arithmetic of numpy's
    /// default `quantile` (method "linear") step for step, so a value lands on the same side of an
    /// edge here and in numpy: virtual index (n − 1)·q, its floor and fraction, and numpy's `_lerp`,
    /// which interpolates down from the upper neighbour when the fraction is at least ½.
    static func edges(sorted: UnsafeBufferPointer<Double>) -> [Double] {
        let count = sorted.count
        return levels.map { level in
            let virtualIndex = Double(count - 1) * level
            let lowerIndex = virtualIndex.rounded(.down)
            let fraction = virtualIndex - lowerIndex
            let lower: Double
            let upper: Double
            if virtualIndex >= Double(count - 1) {
                lower = sorted[count - 1]
                upper = sorted[count - 1]
            } else {
                lower = sorted[Int(lowerIndex)]
                upper = sorted[Int(lowerIndex) + 1]
            }
            let difference = upper - lower
            return fraction >= 0.5 ? upper - difference * (1 - fraction) : lower + difference * fraction
        }
    }

    /// The bin of `value`: how many edges are at or below it (a value equal to an edge falls in the
    /// bin above it; numpy: `searchsorted(edges, value, side="right")`).
    @inline(__always)
    static func bin(of value: Double, edges: UnsafeBufferPointer<Double>) -> Int {
        var bin = 0
        while bin < edges.count, edges[bin] <= value { bin += 1 }
        return bin
    }

    /// Bin shares floored at 1e-4 and renormalised to sum to 1.
    static func proportions(counts: [Int], total: Int) -> [Double] {
        let floored = counts.map { Swift.max(Double($0) / Double(total), floor) }
        let sum = floored.reduce(0, +)
        return floored.map { $0 / sum }
    }

    /// Sorts `values`, takes its deciles as edges and returns them with the floored proportions of
    /// `values` and of `others` in those bins.
    static func compare(_ values: inout [Double], _ others: [Double]) -> (edges: [Double], reference: [Double], current: [Double]) {
        values.sort()
        let edges = values.withUnsafeBufferPointer { self.edges(sorted: $0) }
        let reference = edges.withUnsafeBufferPointer { edgeBuffer in
            proportions(counts: counts(of: values, edges: edgeBuffer), total: values.count)
        }
        let current = edges.withUnsafeBufferPointer { edgeBuffer in
            proportions(counts: counts(of: others, edges: edgeBuffer), total: others.count)
        }
        return (edges, reference, current)
    }

    static func counts(of values: [Double], edges: UnsafeBufferPointer<Double>) -> [Int] {
        var counts = [Int](repeating: 0, count: binCount)
        for value in values { counts[bin(of: value, edges: edges)] += 1 }
        return counts
    }
}
