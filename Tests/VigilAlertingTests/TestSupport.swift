import Foundation

/// SplitMix64: a small seeded generator, so tests that draw random numbers draw the same ones every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Paths of the package's own files, found from this source file, so tests need no resource bundle.
enum PackagePaths {
    /// The package's root folder.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `alerts/`, the example rule files.
    static var examples: String { root + "/alerts" }

    /// `Tests/VigilAlertingTests/Fixtures/`, the broken rule files.
    static var fixtures: String { root + "/Tests/VigilAlertingTests/Fixtures" }
}

/// A fixed instant (2026-11-20T09:30:00Z) and times relative to it, for injected clocks.
enum TestClock {
    static let start = Date(timeIntervalSince1970: 1_795_167_000)

    static func at(_ seconds: Double) -> Date {
        start.addingTimeInterval(seconds)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
