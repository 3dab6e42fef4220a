import Foundation
import Testing

@testable import VigilStats

/// The memory budget of a drift window: past it, a seeded uniform sample.
@Suite struct ReferenceSampleTests {
    @Test("a window within the budget keeps every row, in order, and is not sampled")
    func withinBudget() {
        var sample = ReferenceSample(maxValues: 300, dimension: 3, seed: 7)
        for row in 0..<100 { sample.offer([Float(row), Float(row), Float(row)]) }
        #expect(sample.count == 100 && sample.seen == 100)
        #expect(!sample.isSampled)
        #expect(sample.rows == (0..<100).flatMap { [Float($0), Float($0), Float($0)] })
    }

    @Test("past the budget: capacity × dimension values at most, whole rows from the stream, uniform, reproducible by seed")
    func pastBudget() {
        func fill(seed: UInt64) -> ReferenceSample {
            var sample = ReferenceSample(maxValues: 1_000, dimension: 4, seed: seed)
            for row in 0..<100_000 { sample.offer([Float(row), Float(row) + 0.25, Float(row) + 0.5, Float(row) + 0.75]) }
            return sample
        }
        let sample = fill(seed: 42)
        #expect(sample.capacity == 250)
        #expect(sample.count == 250 && sample.rows.count == 1_000)
        #expect(sample.isSampled && sample.seen == 100_000)
        let firsts = stride(from: 0, to: sample.rows.count, by: 4).map { sample.rows[$0] }
        let rows: [Float] = sample.rows
        let whole = stride(from: 0, to: rows.count, by: 4).allSatisfy { (offset: Int) -> Bool in
            let first: Float = rows[offset]
            let second: Bool = rows[offset + 1] == first + Float(0.25)
            let fourth: Bool = rows[offset + 3] == first + Float(0.75)
            return second && fourth
        }
        #expect(whole, "rows are kept whole")
        #expect(Set(firsts).count == 250, "no row twice")
        // Uniform: the kept rows' mean index is near the stream's (49,999.5); its standard error
        // with 250 rows is about 1,800.
        let mean = firsts.reduce(0.0) { $0 + Double($1) } / 250
        #expect(abs(mean - 49_999.5) < 9_000, "mean kept index \(mean)")
        #expect(fill(seed: 42).rows == sample.rows, "the same seed keeps the same rows")
        #expect(fill(seed: 43).rows != sample.rows)
    }

    @Test("a dimension larger than the budget still keeps one row")
    func oneRowAtLeast() {
        var sample = ReferenceSample(maxValues: 10, dimension: 64, seed: 1)
        for _ in 0..<5 { sample.offer([Float](repeating: 1, count: 64)) }
        #expect(sample.capacity == 1 && sample.count == 1 && sample.isSampled)
    }

    @Test("reports say whether they were sampled; stored reports without the keys read as not sampled")
    func reportSampling() throws {
        let old = #"{"reference_count": 10, "current_count": 10, "dimension": 1, "components": [], "psi_mean": 0, "psi_max": 0, "share_over_threshold": 0, "kl_mean": 0, "js_mean": 0, "centroid_euclidean": 0, "centroid_cosine": null, "noise_floor": 0, "p_value": 1, "threshold": 0.2, "drifted": false}"#
        var report = try JSONDecoder().decode(DriftReport.self, from: Data(old.utf8))
        #expect(report.sampled == false && report.referenceKept == nil)
        report.sampled = true
        report.referenceKept = 5
        report.referenceTotal = 50
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        #expect(encoded?["sampled"] as? Bool == true)
        #expect(encoded?["reference_kept"] as? Int == 5 && encoded?["reference_total"] as? Int == 50)
        let decoded = try JSONDecoder().decode(DriftReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
    }
}
