public import VigilStats

/// SplitMix64 under the name the tests use: a small seeded generator, so tests that draw random
/// data check the same data every run.
public typealias SeededGenerator = SplitMix64
