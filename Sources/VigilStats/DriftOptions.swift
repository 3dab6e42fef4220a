/// The knobs of a drift computation. Every field has the default Vigil uses.
public struct DriftOptions: Sendable, Equatable {
    /// Mean PSI above which a feature can be called drifted (default 0.2); also the line for
    /// `shareOverThreshold`.
    public var threshold: Double
    /// The permutation p-value below which the PSI is called more than sampling noise (default 0.01).
    public var significance: Double
    /// How many random relabellings of the pooled samples estimate the noise floor (default 200).
    public var permutations: Int
    /// At most this many samples of each window enter the permutation test (default 300), so its
    /// cost does not grow with the windows.
    public var permutationSampleLimit: Int
    /// The seed of the generator that draws the samples and the relabellings, so one input always
    /// gives one report.
    public var seed: UInt64

    /// Options with the given values.
    public init(
        threshold: Double = 0.2,
        significance: Double = 0.01,
        permutations: Int = 200,
        permutationSampleLimit: Int = 300,
        seed: UInt64 = 0x5649_4749_4C21
    ) {
        self.threshold = threshold
        self.significance = significance
        self.permutations = permutations
        self.permutationSampleLimit = permutationSampleLimit
        self.seed = seed
    }

    /// The defaults.
    public static let `default` = DriftOptions()

    func validated() throws(DriftError) -> DriftOptions {
        guard threshold.isFinite, threshold >= 0 else {
            throw DriftError(.invalidOptions, "threshold must be a finite number ≥ 0, got \(threshold)")
        }
        guard significance > 0, significance <= 1 else {
            throw DriftError(.invalidOptions, "significance must be in (0, 1], got \(significance)")
        }
        // The smallest p-value a permutation test can give is 1 / (permutations + 1); with fewer
        // relabellings than that allows, nothing could ever be called drifted.
        guard permutations >= 1, 1 / Double(permutations + 1) < significance else {
            let needed = Int((1 / significance).rounded(.down))
            throw DriftError(
                .invalidOptions,
                "permutations must be at least \(needed) for a p-value below \(significance) to be possible, got \(permutations)"
            )
        }
        guard permutationSampleLimit >= Deciles.minimumSamples else {
            throw DriftError(
                .invalidOptions,
                "permutationSampleLimit must be at least \(Deciles.minimumSamples), got \(permutationSampleLimit)"
            )
        }
        return self
    }
}
