import Foundation
import Testing
@testable import VigilProcessors

@Suite("Quality scores as exact decimals")
struct QualityScoreTests {
    @Test("a score Decimal cannot hold is never NaN: under 1e-30 it counts as 0, over 1e30 as no score")
    func outOfDecimalRange() {
        let tiny = "0." + String(repeating: "0", count: 272) + "28387526721626193"
        #expect(RollupProcessor.score(tiny, label: nil) == 0)
        #expect(RollupProcessor.score("1e-300", label: nil) == 0)
        #expect(RollupProcessor.score("-2.5e-200", label: nil) == 0)
        #expect(RollupProcessor.score("1e300", label: nil) == nil)
        for text in [tiny, "1e-300", "1e300", "-1e300", "1e-129", "0.5", "59.862967228595195"] {
            let isNaN = RollupProcessor.score(text, label: nil)?.isNaN ?? false
            #expect(!isNaN, "\(text)")
        }
        #expect(RollupProcessor.score("0.5", label: nil) == Decimal(string: "0.5"))
        #expect(RollupProcessor.score(nil, label: "pass") == 1)
        #expect(RollupProcessor.score("NaN", label: nil) == nil)
    }
}
