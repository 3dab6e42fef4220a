import Foundation
import Testing
import VigilStats
import VigilTestSupport

/// numpy's default quantile: linear interpolation between the order statistics at q·(n−1).
func exactQuantile(_ sorted: [Double], _ q: Double) -> Double {
    let rank = q * Double(sorted.count - 1)
    let lower = Int(rank.rounded(.down))
    let fraction = rank - Double(lower)
    guard lower + 1 < sorted.count else { return sorted[lower] }
    return sorted[lower] + (sorted[lower + 1] - sorted[lower]) * fraction
}

enum Distribution: String, CaseIterable {
    case lognormal, uniform, exponential, bimodal, constant, tiny

    func sample(_ generator: inout SeededGenerator) -> Double {
        func uniform() -> Double { Double.random(in: Double.ulpOfOne..<1, using: &generator) }
        func normal() -> Double { sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform()) }
        switch self {
        case .lognormal: return exp(6 + 1.2 * normal())
        case .uniform: return 1 + 2000 * uniform()
        case .exponential: return -250 * log(uniform())
        case .bimodal: return uniform() < 0.8 ? 40 + 5 * normal().magnitude : 4000 + 900 * normal().magnitude
        case .constant: return 123.456
        case .tiny: return 0.001 * uniform()
        }
    }
}

@Suite("Quantile sketch")
struct QuantileSketchTests {
    @Test("every quantile is within the stated relative error of numpy's quantile", arguments: Distribution.allCases, [1, 2, 3, 10, 1_000, 50_000])
    func accuracy(distribution: Distribution, size: Int) {
        var generator = SeededGenerator(seed: UInt64(size) &* 31 &+ UInt64(distribution.rawValue.count))
        var sketch = QuantileSketch()
        var values: [Double] = []
        for _ in 0..<size {
            let value = distribution.sample(&generator)
            values.append(value)
            sketch.add(value)
        }
        values.sort()
        for q in [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1] {
            let exact = exactQuantile(values, q)
            let estimate = sketch.quantile(q)!
            let error = abs(estimate - exact) / exact
            #expect(error <= QuantileSketch.relativeAccuracy * 1.000001, "\(distribution) n=\(size) q=\(q): \(estimate) vs \(exact)")
        }
        #expect(sketch.count == UInt64(size))
        #expect(sketch.minimum == values.first)
        #expect(sketch.maximum == values.last)
    }

    @Test("merging sketches is the sketch of all the values, in any order")
    func merging() {
        var generator = SeededGenerator(seed: 42)
        var whole = QuantileSketch()
        var parts = [QuantileSketch](repeating: QuantileSketch(), count: 7)
        for index in 0..<20_000 {
            let value = Distribution.lognormal.sample(&generator)
            whole.add(value)
            parts[index % 7].add(value)
        }
        var forward = QuantileSketch()
        for part in parts { forward.merge(part) }
        var backward = QuantileSketch()
        for part in parts.reversed() { backward.merge(part) }
        // Grouped another way too: (0+1+2) + (3+4+5+6), as a replay's batches may group them.
        var left = QuantileSketch(), right = QuantileSketch()
        for part in parts[..<3] { left.merge(part) }
        for part in parts[3...] { right.merge(part) }
        var grouped = right
        grouped.merge(left)
        for merged in [forward, backward, grouped] {
            #expect(merged.buckets == whole.buckets)
            #expect(merged.count == whole.count)
            #expect(merged.minimum == whole.minimum && merged.maximum == whole.maximum)
            #expect(abs(merged.sum - whole.sum) <= 1e-9 * whole.sum)
            for q in [0.5, 0.95, 0.99] { #expect(merged.quantile(q) == whole.quantile(q)) }
            // The stored form is the same to the bit, whatever the order and grouping.
            #expect(merged.encoded() == whole.encoded())
        }
    }

    @Test("a sketch stored by the first format (the sum as a double) still reads, and merges with the current one")
    func firstFormat() throws {
        // count 2, no zeros, minimum 1.5, maximum 2.5, sum 4.0, two buckets (indexes 41 and 92, one value each).
        var bytes: [UInt8] = [1, 2, 0]
        for double in [1.5, 2.5, 4.0] { withUnsafeBytes(of: double.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        bytes += [2, 82, 1, 102, 1]
        let old = try #require(QuantileSketch(encoded: bytes))
        var expected = QuantileSketch()
        expected.add(1.5)
        expected.add(2.5)
        #expect(old == expected)
        var merged = old
        #expect(bytes.withUnsafeBytes { merged.merge(concatenated: $0) } && expected.encoded().withUnsafeBytes { merged.merge(concatenated: $0) })
        #expect(merged.count == 6 && merged.sum == 12)
    }

    @Test("zero and negative values count as zero, NaN is ignored, an empty sketch has no quantiles")
    func edges() {
        var sketch = QuantileSketch()
        #expect(sketch.quantile(0.5) == nil)
        sketch.add(.nan)
        #expect(sketch.count == 0)
        sketch.add(0)
        sketch.add(-3)
        sketch.add(10)
        #expect(sketch.count == 3)
        #expect(sketch.zeroCount == 2)
        #expect(sketch.quantile(0.5) == 0)
        #expect(sketch.quantile(1) == 10)
        #expect(sketch.quantile(1.5) == nil)
    }

    @Test("the stored form reads back to the same sketch, and garbage is refused")
    func encoding() {
        var generator = SeededGenerator(seed: 7)
        var sketch = QuantileSketch()
        #expect(QuantileSketch(encoded: sketch.encoded()) == sketch)
        for _ in 0..<5_000 { sketch.add(Distribution.bimodal.sample(&generator)) }
        sketch.add(0)
        let bytes = sketch.encoded()
        #expect(QuantileSketch(encoded: bytes) == sketch)
        #expect(bytes.count < 2_000, "compact: \(bytes.count) bytes")
        #expect(QuantileSketch(encoded: []) == nil)
        #expect(QuantileSketch(encoded: [9, 1]) == nil)
        #expect(QuantileSketch(encoded: Array(bytes.dropLast())) == nil)
        #expect(QuantileSketch(encoded: bytes + [0]) == nil)
        // One bucket (most stored minutes), above and below 1 (a negative index), and appended after other bytes.
        for value in [250.0, 0.003] {
            var single = QuantileSketch()
            single.add(value)
            single.add(value)
            #expect(QuantileSketch(encoded: single.encoded()) == single)
            var appended: [UInt8] = [7, 7]
            single.encode(appendingTo: &appended)
            #expect(appended == [7, 7] + single.encoded())
        }
    }

    @Test("sketches stored one after another (as string_agg returns them) merge into the sketch of all their values")
    func concatenated() {
        var generator = SeededGenerator(seed: 5)
        var parts: [QuantileSketch] = []
        var all = QuantileSketch()
        for part in 0..<7 {
            var sketch = QuantileSketch()
            for _ in 0..<(part * 40) {
                let value = Double(generator.next() % 100_000) / 7
                sketch.add(value)
                all.add(value)
            }
            parts.append(sketch)
        }
        let bytes = parts.flatMap { $0.encoded() }
        var merged = QuantileSketch()
        #expect(bytes.withUnsafeBytes { merged.merge(concatenated: $0) })
        #expect(merged.buckets == all.buckets && merged.count == all.count && merged.zeroCount == all.zeroCount)
        #expect(merged.minimum == all.minimum && merged.maximum == all.maximum)
        #expect(abs(merged.sum - all.sum) <= 1e-9 * all.sum)

        var untouched = merged
        let truncated = Array(bytes.dropLast())
        #expect(!truncated.withUnsafeBytes { untouched.merge(concatenated: $0) })
        #expect(untouched == merged, "a failed merge leaves the sketch as it was")
        var empty = QuantileSketch()
        #expect([UInt8]().withUnsafeBytes { empty.merge(concatenated: $0) } && empty.count == 0)
    }
}
