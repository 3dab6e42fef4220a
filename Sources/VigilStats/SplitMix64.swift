/// SplitMix64, the generator behind every random draw of the drift maths. It is tiny and fully
/// specified, so the Python oracle draws exactly the same numbers from the same seed; the demo's
/// traffic and the tests' random data come from it too.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An integer in 0..<bound: the high 64 bits of next() × bound (Lemire's multiply-shift,
    /// without the rejection step; the bias is below 2⁻⁴⁰ for the bounds used here).
    /// In Python: `(next() * bound) >> 64`.
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
