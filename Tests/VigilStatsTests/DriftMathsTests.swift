import Testing

@testable import VigilStats

/// The building blocks against values computed with numpy and scipy.
@Suite struct DriftMathsTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
        var bounded = SplitMix64(seed: 42)
        #expect((0..<10).map { _ in bounded.below(10) } == [7, 1, 2, 3, 0, 8, 2, 8, 3, 6])
    }

    @Test func reservoirKeepsAtMostItsCapacityAsTheOracleDoes() {
        var reservoir = SampleReservoir(capacity: 5, dimension: 1, seed: 7)
        for value in 0..<20 { reservoir.offer(Double(value)) }
        #expect(reservoir.rows == [6, 15, 10, 3, 12])
        #expect(reservoir.seen == 20)
    }

    @Test func edgesAreNumpyLinearQuantiles() {
        let values = (1...100).map { Double($0) * 0.37 }
        let edges = values.withUnsafeBufferPointer { Deciles.edges(sorted: $0) }
        let numpy = [4.033, 7.696, 11.359, 15.022, 18.685000000000002, 22.348, 26.011, 29.674000000000003, 33.337]
        #expect(edges == numpy)
    }

    @Test func aValueOnAnEdgeFallsInTheBinAbove() {
        let values = (0...100).map(Double.init)
        let edges = values.withUnsafeBufferPointer { Deciles.edges(sorted: $0) }
        #expect(edges == [10, 20, 30, 40, 50, 60, 70, 80, 90])
        let counts = edges.withUnsafeBufferPointer { Deciles.counts(of: values, edges: $0) }
        #expect(counts == [10, 10, 10, 10, 10, 10, 10, 10, 10, 11])
        #expect(edges.withUnsafeBufferPointer { Deciles.bin(of: 9.999, edges: $0) } == 0)
        #expect(edges.withUnsafeBufferPointer { Deciles.bin(of: 10, edges: $0) } == 1)
        #expect(edges.withUnsafeBufferPointer { Deciles.bin(of: -1e300, edges: $0) } == 0)
        #expect(edges.withUnsafeBufferPointer { Deciles.bin(of: 1e300, edges: $0) } == 9)
    }

    @Test func emptyBinsAreFlooredAndRenormalised() {
        let shares = Deciles.proportions(counts: [0, 3, 5, 10, 20, 20, 20, 10, 7, 5], total: 100)
        let numpy = [
            9.999000099989999e-05, 0.029997000299969996, 0.049995000499949996, 0.09999000099989999,
            0.19998000199979998, 0.19998000199979998, 0.19998000199979998, 0.09999000099989999,
            0.06999300069993, 0.049995000499949996,
        ]
        for (share, expected) in zip(shares, numpy) { #expect(abs(share - expected) < 1e-15) }
    }

    @Test func distancesMatchScipy() {
        let p = [Double](repeating: 0.1, count: 10)
        let q = [0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15]
        #expect(abs(Divergence.psi(reference: p, current: q) - 0.10986122886681095) < 1e-15)
        #expect(abs(Divergence.kl(reference: p, current: q) - 0.05232481437645477) < 1e-15)
        #expect(abs(Divergence.jsDistance(reference: p, current: q) - 0.1163134997643957) < 1e-15)
        #expect(Divergence.psi(reference: p, current: p) == 0)
        #expect(Divergence.jsDistance(reference: p, current: p) == 0)
    }

    @Test func principalComponentsFindTheDirectionOfLargestVarianceSignedByTheirLargestLoading() throws {
        // Rows spread widely along −(1, 1, 0)/√2 and a little along z, none along (1, −1, 0): the
        // first component is (1, 1, 0)/√2 once the sign convention has flipped it, and the third,
        // with no variance, is dropped.
        var generator = SplitMix64(seed: 3)
        var rows: [Double] = []
        for _ in 0..<500 {
            let a = Double(generator.below(2001)) / 1000 - 1
            let b = Double(generator.below(2001)) / 10000 - 0.1
            rows += [-a, -a, b]
        }
        for column in 0..<3 {
            let mean = stride(from: column, to: rows.count, by: 3).map { rows[$0] }.reduce(0, +) / 500
            for index in stride(from: column, to: rows.count, by: 3) { rows[index] -= mean }
        }
        let principal = try #require(PrincipalComponents.fromCentredRows(rows, rows: 500, dimension: 3))
        #expect(principal.count == 2)
        #expect(abs(principal.loadings[0] - 0.5.squareRoot()) < 1e-2)
        #expect(abs(principal.loadings[1] - 0.5.squareRoot()) < 1e-2)
        #expect(abs(principal.loadings[2]) < 1e-2)
        #expect(principal.loadings[5] > 0.99)
        #expect(abs(principal.explainedVarianceRatios.reduce(0, +) - 1) < 1e-12)
    }

    @Test func gramAndScatterRoutesGiveTheSameComponents() throws {
        // 40 rows in 60 dimensions take the Gram route; padding the same rows with zero columns
        // up to 30 dimensions … is not the same data, so compare against the scatter route of the
        // transposed problem instead: the loadings must be unit vectors orthogonal to each other
        // and reproduce the scatter's top eigenvalues.
        var generator = SplitMix64(seed: 11)
        let rowCount = 40
        let dimension = 60
        var rows = (0..<(rowCount * dimension)).map { index in
            Double(generator.below(1_000_001)) / 1_000_000 * (1 + Double(index % dimension) / 10)
        }
        for column in 0..<dimension {
            let mean = (0..<rowCount).map { rows[$0 * dimension + column] }.reduce(0, +) / Double(rowCount)
            for row in 0..<rowCount { rows[row * dimension + column] -= mean }
        }
        let gram = try #require(PrincipalComponents.fromCentredRows(rows, rows: rowCount, dimension: dimension))
        // The scatter route on the same rows, forced by building the scatter matrix directly.
        var scatter = [Double](repeating: 0, count: dimension * dimension)
        for row in 0..<rowCount {
            for i in 0..<dimension {
                for j in 0..<dimension { scatter[i * dimension + j] += rows[row * dimension + i] * rows[row * dimension + j] }
            }
        }
        let direct = try #require(PrincipalComponents.fromScatter(&scatter, dimension: dimension))
        #expect(gram.count == direct.count)
        for index in 0..<(gram.count * dimension) { #expect(abs(gram.loadings[index] - direct.loadings[index]) < 1e-8) }
        for (a, b) in zip(gram.explainedVarianceRatios, direct.explainedVarianceRatios) { #expect(abs(a - b) < 1e-12) }
    }
}
