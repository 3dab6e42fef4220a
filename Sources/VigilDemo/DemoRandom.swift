internal import Foundation
internal import VigilStats

/// The demo's seeded randomness (SplitMix64): the same seed gives the same traffic, run after run.
/// Streams derived from one seed (`DemoRandom(seed:stream:)`) are independent of each other, so
/// one slice of traffic does not change when another one does.
public struct DemoRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    /// A generator seeded with `seed`.
    public init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// A generator for one stream of `seed`, named by `stream` (a slice's index, a purpose).
    public init(seed: UInt64, stream: Int64, purpose: UInt64 = 0) {
        var mixer = DemoRandom(seed: seed ^ 0x5EED_DE30_0000_0000)
        let first = mixer.next()
        var second = DemoRandom(seed: first ^ UInt64(bitPattern: stream) &* 0x9E37_79B9_7F4A_7C15)
        let mixed = second.next()
        var third = DemoRandom(seed: mixed ^ purpose &* 0xD6E8_FEB8_6659_FD93)
        generator = SplitMix64(seed: third.next())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        generator.next()
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [`low`, `high`).
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * unit()
    }

    /// A whole number in `range`.
    mutating func integer(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A standard normal number (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = max(unit(), 1e-300)
        let u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Log-normal with the given median and shape, cut to [`low`, `high`].
    mutating func logNormal(median: Double, sigma: Double, low: Double = 0, high: Double = .infinity) -> Double {
        min(max(median * exp(sigma * gaussian()), low), high)
    }

    /// One of `items`, picked with the given weights.
    mutating func weighted<Item>(_ items: [(Item, Double)]) -> Item {
        let total = items.reduce(0) { $0 + $1.1 }
        var point = unit() * total
        for (item, weight) in items {
            if point < weight { return item }
            point -= weight
        }
        return items[items.count - 1].0
    }

    /// One of `items` (not empty), uniformly.
    mutating func pick<Item>(_ items: [Item]) -> Item {
        items[Int(next() % UInt64(items.count))]
    }

    /// `expected` rounded to a whole count at random, so the counts average to `expected`.
    mutating func count(_ expected: Double) -> Int {
        let whole = expected.rounded(.down)
        return Int(whole) + (chance(expected - whole) ? 1 : 0)
    }

    /// `count` random bytes as lower-case hex (ids).
    mutating func hex(bytes count: Int) -> String {
        var text = ""
        text.reserveCapacity(count * 2)
        var remaining = count
        while remaining > 0 {
            var word = next()
            for _ in 0..<min(8, remaining) {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                text += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
                remaining -= 1
            }
        }
        return text
    }
}
