internal import Foundation

/// Scores texts for prompt injection: user inputs for direct injection, retrieved documents and
/// tool results for indirect injection, message lists for setups spread over turns. Each text is
/// normalised (`NormalizedText`), the text and every payload decoded from it are scored by the
/// shipped model, and the highest score counts. A flagged text gets a category: hidden or decoded
/// payloads make it `encodedPayload`, fake role markers `delimiterAttack`, a list whose turns pass
/// alone `multiTurn`, and otherwise the intent model decides.
/// `scripts/injection_mirror.py` mirrors this file; keep them in step.
public struct InjectionDetector: Sendable {
    /// The score from which a text is flagged.
    public var threshold: Double

    /// Makes a detector flagging from `threshold` (0.5 unless the project says otherwise).
    public init(threshold: Double = 0.5) {
        self.threshold = threshold
    }

    /// The score and category of one text.
    public func scan(_ text: String, role: ContentRole) -> InjectionResult {
        let (score, category, normalized) = Self.score(text, retrieved: role == .retrieved, turns: 1)
        return result(score: score, category: category, normalized: normalized)
    }

    /// As `scan(turns:role:)`, given each turn's own result (`scan(turn, role: role)`, in order),
    /// which are not scored again; with `singles` of another length, every turn is scored.
    public func scan(turns: [String], role: ContentRole, singles: [InjectionResult]) -> InjectionResult {
        guard !turns.isEmpty, singles.count == turns.count else { return scan(turns: turns, role: role) }
        guard turns.count > 1 else { return singles[0] }
        let joined = Self.score(turns.joined(separator: "\n"), retrieved: role == .retrieved, turns: turns.count)
        var best = singles[0]
        for single in singles.dropFirst() where single.score > best.score { best = single }
        if best.score >= joined.score { return best }
        return result(score: joined.score, category: best.score < threshold ? .multiTurn : best.category ?? .multiTurn, normalized: joined.normalized)
    }

    /// The score and category of a conversation's user turns (or of several retrieved texts): the
    /// highest of each turn alone and of the turns together.
    public func scan(turns: [String], role: ContentRole) -> InjectionResult {
        guard turns.count > 1 else { return scan(turns.first ?? "", role: role) }
        return scan(turns: turns, role: role, singles: turns.map { scan($0, role: role) })
    }

    func result(score: Double, category: InjectionCategory, normalized: NormalizedText) -> InjectionResult {
        InjectionResult(
            score: score,
            category: score >= threshold ? category : nil,
            threshold: threshold,
            hiddenCharacters: normalized.hiddenCharacters,
            homoglyphs: normalized.homoglyphs,
            roleMarkers: normalized.roleMarkers,
            decoded: normalized.decoded.map(\.kind)
        )
    }

    /// The score of `text`, the category it would have, and its normalisation.
    static func score(_ text: String, retrieved: Bool, turns: Int) -> (score: Double, category: InjectionCategory, normalized: NormalizedText) {
        let model = InjectionModel.shipped
        let normalized = NormalizedText(text)
        var best = InjectionFeatures(view: normalized.text, normalized: normalized, decodedView: false, retrieved: retrieved, turns: turns)
        var bestLogit = model.logit(best)
        var bestIsDecoded = false
        for payload in normalized.decoded {
            let features = InjectionFeatures(view: payload.text, normalized: normalized, decodedView: true, retrieved: retrieved, turns: turns)
            let logit = model.logit(features)
            if logit > bestLogit {
                best = features
                bestLogit = logit
                bestIsDecoded = true
            }
        }
        let score = bestLogit < -500 ? 0 : 1 / (1 + exp(-bestLogit))
        let category: InjectionCategory
        if bestIsDecoded || normalized.hiddenCharacters >= 4 || normalized.homoglyphs >= 2 {
            category = .encodedPayload
        } else if normalized.roleMarkers >= 1 {
            category = .delimiterAttack
        } else {
            category = model.intent(best)
        }
        return (score, category, normalized)
    }
}

/// What the injection detector found in a text.
public struct InjectionResult: Sendable, Equatable {
    /// How likely the text is an injection, in [0, 1].
    public var score: Double
    /// What kind of injection, when the score reached the threshold; nil otherwise.
    public var category: InjectionCategory?
    /// The threshold the text was held to.
    public var threshold: Double
    /// Invisible characters found (Unicode tag characters and zero-width ones).
    public var hiddenCharacters: Int
    /// Look-alike letters inside Latin words.
    public var homoglyphs: Int
    /// Fake role or system markers.
    public var roleMarkers: Int
    /// The kinds of payload decoded from the text.
    public var decoded: [PayloadKind]

    /// Whether the text was flagged.
    public var flagged: Bool { category != nil }
}
