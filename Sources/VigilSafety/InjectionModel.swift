internal import Foundation

/// The prompt-injection model: a logistic regression over hashed n-grams and dense features that
/// scores a view of a text, and a multinomial one that names the intent of a flagged text. Trained
/// offline (`scripts/injection_mirror.py`) on the train split of the labelled set; the weights are
/// the generated `InjectionModelWeights`.
struct InjectionModel: Sendable {
    /// The intents the intent model chooses between, in the order of its weights.
    static let intents: [InjectionCategory] = [.instructionOverride, .jailbreak, .promptExtraction, .toolHijack, .indirectInjection]

    let ngrams: [Int8]
    let ngramMask: UInt32
    let ngramScale: Double
    let dense: [Double]
    let bias: Double
    let intentWeights: [Int8]
    let intentMask: UInt32
    let intentScale: Double
    let intentDense: [[Double]]
    let intentBias: [Double]

    /// The shipped model.
    static let shipped = InjectionModel()

    init() {
        ngrams = Self.decode(InjectionModelWeights.ngrams)
        ngramMask = UInt32((1 << InjectionModelWeights.ngramBits) - 1)
        ngramScale = InjectionModelWeights.ngramScale
        dense = InjectionModelWeights.dense
        bias = InjectionModelWeights.bias
        intentWeights = Self.decode(InjectionModelWeights.intents)
        intentMask = UInt32((1 << InjectionModelWeights.intentBits) - 1)
        intentScale = InjectionModelWeights.intentScale
        intentDense = InjectionModelWeights.intentDense
        intentBias = InjectionModelWeights.intentBias
        precondition(ngrams.count == Int(ngramMask) + 1, "InjectionModelWeights.ngrams has the wrong size")
        precondition(intentWeights.count == Self.intents.count * (Int(intentMask) + 1), "InjectionModelWeights.intents has the wrong size")
        precondition(dense.count == InjectionFeatures.Dense.allCases.count, "InjectionModelWeights.dense has the wrong size")
    }

    static func decode(_ base64: String) -> [Int8] {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else { return [] }
        return data.map { Int8(bitPattern: $0) }
    }

    /// The log-odds that the view is an injection.
    func logit(_ features: InjectionFeatures) -> Double {
        var z = bias
        for (weight, value) in zip(dense, features.dense) { z += weight * value }
        guard !features.hashes.isEmpty else { return z }
        var total = 0
        for hash in features.hashes { total += Int(ngrams[Int(hash & ngramMask)]) }
        return z + Double(total) * ngramScale / Double(features.hashes.count).squareRoot()
    }

    /// The intent with the highest score.
    func intent(_ features: InjectionFeatures) -> InjectionCategory {
        let norm = 1 / Double(max(features.hashes.count, 1)).squareRoot()
        let width = Int(intentMask) + 1
        var best = 0
        var bestScore = -Double.infinity
        for index in 0..<Self.intents.count {
            var total = 0
            let base = index * width
            for hash in features.hashes { total += Int(intentWeights[base + Int(hash & intentMask)]) }
            var score = Double(total) * intentScale * norm + intentBias[index]
            for (weight, value) in zip(intentDense[index], features.dense) { score += weight * value }
            if score > bestScore {
                best = index
                bestScore = score
            }
        }
        return Self.intents[best]
    }
}
