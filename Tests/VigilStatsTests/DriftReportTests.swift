import Testing

@testable import VigilStats

/// Whole reports: streaming, bad input, and the noise floor's behaviour on same and shifted data.
@Suite struct DriftReportTests {
    /// Gaussian-ish rows (sum of uniforms) with a decaying spectrum, shifted along the first axes.
    static func rows(_ count: Int, dimension: Int, seed: UInt64, shift: Double = 0) -> [Float] {
        var generator = SplitMix64(seed: seed)
        var rows: [Float] = []
        rows.reserveCapacity(count * dimension)
        for _ in 0..<count {
            for column in 0..<dimension {
                var value = -2.0
                for _ in 0..<4 { value += Double(generator.below(1 << 20)) / Double(1 << 20) }
                let scale = 1 / Double(column + 1).squareRoot()
                rows.append(Float(value * scale + 0.5 + (column < 3 ? shift : 0)))
            }
        }
        return rows
    }

    static func scalars(_ count: Int, seed: UInt64, shift: Double = 0) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Double(generator.below(60)) + shift }
    }

    @Test func streamingOneByOneAndInBatchesGiveOneReport() throws {
        let dimension = 12
        let reference = try DriftReference(embeddings: Self.rows(400, dimension: dimension, seed: 1), dimension: dimension)
        let current = Self.rows(9000, dimension: dimension, seed: 2, shift: 0.1)
        var batched = DriftWindow(reference: reference)
        try batched.add(contentsOf: Array(current[..<(5000 * dimension)]))
        try batched.add(contentsOf: Array(current[(5000 * dimension)...]))
        var single = DriftWindow(reference: reference)
        for row in 0..<9000 { try single.add(Array(current[(row * dimension)..<((row + 1) * dimension)])) }
        let a = try batched.report()
        let b = try single.report()
        #expect(a.currentCount == 9000)
        #expect(a.components.map(\.currentProportions) == b.components.map(\.currentProportions))
        #expect(abs(a.psiMean - b.psiMean) < 1e-12)
        #expect(abs(a.centroidEuclidean - b.centroidEuclidean) < 1e-12)
        #expect(a.pValue == b.pValue)
        #expect(abs(a.noiseFloor - b.noiseFloor) < 1e-12)
    }

    @Test func theCurrentWindowKeepsABoundedSampleWhateverItsSize() throws {
        let options = DriftOptions(permutations: 100, permutationSampleLimit: 120)
        let reference = try DriftReference(embeddings: Self.rows(300, dimension: 4, seed: 1), dimension: 4, options: options)
        var window = DriftWindow(reference: reference)
        for batch in 0..<20 { try window.add(contentsOf: Self.rows(1000, dimension: 4, seed: 100 + UInt64(batch))) }
        #expect(window.count == 20000)
        #expect(reference.sample.count == 120)
        let mirror = Mirror(reflecting: window)
        let sample = try #require(mirror.children.first { $0.label == "sample" }?.value as? SampleReservoir)
        #expect(sample.count == 120)
        #expect(sample.rows.count == 120 * 4)
    }

    @Test func reportShapeForScalarFeatures() throws {
        let reference = try DriftReference(scalars: Self.scalars(500, seed: 1))
        var window = DriftWindow(reference: reference)
        for value in Self.scalars(300, seed: 2) { try window.add(value) }
        let report = try window.report()
        #expect(report.dimension == 1)
        #expect(report.components.count == 1)
        #expect(report.components[0].edges.count == 9)
        #expect(report.components[0].referenceProportions.count == 10)
        #expect(report.components[0].explainedVarianceRatio == 1)
        let meanDifference = Self.scalars(300, seed: 2).reduce(0, +) / 300 - Self.scalars(500, seed: 1).reduce(0, +) / 500
        #expect(abs(report.centroidEuclidean - abs(meanDifference)) < 1e-12)
    }

    @Test func badInputIsAnErrorNamingWhatIsWrong() throws {
        let good = Self.rows(150, dimension: 3, seed: 1)
        #expect(throws: DriftError.self) { try DriftReference(embeddings: Array(good[..<(99 * 3)]), dimension: 3) }
        var nan = good
        nan[7] = .nan
        let nanError = try #require(throws: DriftError.self) { try DriftReference(embeddings: nan, dimension: 3) }
        #expect(nanError.code == .nonFiniteValue)
        #expect(nanError.message.contains("vector 2"))
        #expect(nanError.message.contains("component 1"))
        let empty = try #require(throws: DriftError.self) {
            try DriftReference(embeddings: [[Float]](repeating: [], count: 150))
        }
        #expect(empty.code == .emptyVector)
        let ragged = try #require(throws: DriftError.self) {
            try DriftReference(embeddings: [[1, 2, 3], [1, 2]] + [[Float]](repeating: [1, 2, 3], count: 148))
        }
        #expect(ragged.code == .dimensionMismatch)
        let constant = try #require(throws: DriftError.self) {
            try DriftReference(embeddings: [Float](repeating: 1, count: 300), dimension: 3)
        }
        #expect(constant.code == .noVariance)

        let reference = try DriftReference(embeddings: good, dimension: 3)
        var window = DriftWindow(reference: reference)
        let wrong = try #require(throws: DriftError.self) { try window.add([1, 2]) }
        #expect(wrong.code == .dimensionMismatch)
        let infinite = try #require(throws: DriftError.self) { try window.add([1, .infinity, 2]) }
        #expect(infinite.code == .nonFiniteValue)
        let scalar = try #require(throws: DriftError.self) { try window.add(3.0) }
        #expect(scalar.code == .dimensionMismatch)
        var partlyBad = Self.rows(10, dimension: 3, seed: 5)
        partlyBad[29] = .nan
        #expect(throws: DriftError.self) { try window.add(contentsOf: partlyBad) }
        #expect(window.count == 0)
        try window.add(contentsOf: Self.rows(99, dimension: 3, seed: 6))
        let few = try #require(throws: DriftError.self) { try window.report() }
        #expect(few.code == .tooFewSamples)
        #expect(few.message.contains("99"))

        let options = try #require(throws: DriftError.self) {
            try DriftReference(scalars: Self.scalars(200, seed: 1), options: DriftOptions(permutations: 0))
        }
        #expect(options.code == .invalidOptions)
        // 99 relabellings cannot give a p-value below 0.01; 100 can.
        #expect(throws: DriftError.self) {
            try DriftReference(scalars: Self.scalars(200, seed: 1), options: DriftOptions(permutations: 99))
        }
        _ = try DriftReference(scalars: Self.scalars(200, seed: 1), options: DriftOptions(permutations: 100))
    }

    @Test func sameDistributionSmallWindowsAreNotFlagged() throws {
        // 150 + 150 values of an integer feature: PSI is often above 0.2 by chance alone.
        var flagged = 0
        var overThreshold = 0
        for seed in 0..<40 {
            let reference = try DriftReference(scalars: Self.scalars(150, seed: UInt64(2 * seed + 1000)))
            var window = DriftWindow(reference: reference)
            for value in Self.scalars(150, seed: UInt64(2 * seed + 1001)) { try window.add(value) }
            let report = try window.report()
            if report.psiMean > report.threshold { overThreshold += 1 }
            if report.drifted { flagged += 1 }
            #expect(report.noiseFloor > 0.08 && report.noiseFloor < 0.2)
        }
        #expect(overThreshold > 0)
        #expect(flagged == 0)
    }

    @Test func aClearShiftInLargeWindowsIsFlagged() throws {
        let reference = try DriftReference(scalars: Self.scalars(2000, seed: 1))
        var window = DriftWindow(reference: reference)
        for value in Self.scalars(2000, seed: 2, shift: 15) { try window.add(value) }
        let report = try window.report()
        #expect(report.psiMean > 0.2)
        #expect(report.pValue < 0.01)
        #expect(report.drifted)

        let dimension = 16
        let embeddingReference = try DriftReference(
            embeddings: Self.rows(2000, dimension: dimension, seed: 3), dimension: dimension,
            options: DriftOptions(permutations: 100)
        )
        var embeddingWindow = DriftWindow(reference: embeddingReference)
        try embeddingWindow.add(contentsOf: Self.rows(2000, dimension: dimension, seed: 4, shift: 0.6))
        let shifted = try embeddingWindow.report()
        #expect(shifted.psiMean > 0.2)
        #expect(shifted.drifted)
        #expect(shifted.noiseFloor < 0.05)
        #expect(shifted.centroidEuclidean > 0.9)

        var sameWindow = DriftWindow(reference: embeddingReference)
        try sameWindow.add(contentsOf: Self.rows(2000, dimension: dimension, seed: 5))
        let same = try sameWindow.report()
        #expect(same.psiMean < 0.1)
        #expect(!same.drifted)
    }

    @Test func oneInputAlwaysGivesOneReport() throws {
        let reference = try DriftReference(embeddings: Self.rows(200, dimension: 40, seed: 8), dimension: 40)
        var window = DriftWindow(reference: reference)
        try window.add(contentsOf: Self.rows(180, dimension: 40, seed: 9))
        #expect(try window.report() == window.report())
    }
}
