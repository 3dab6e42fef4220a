/// A dimension of Vigil's projections that a rule can filter on and split by. Its raw value is the
/// key in a rule's `filter` and `by`, and the label the alert carries.
public enum LabelDimension: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The instrumented application (`service.name`).
    case service
    /// The model, normalised as the rollups store it.
    case model
    /// The GenAI operation (`chat`, `embeddings`, …).
    case operation
    /// The span status: `ok` or `error`.
    case status
    /// The input feature whose distribution drifts (drift metrics only).
    case feature
    /// The quality score or built-in check (quality metrics only).
    case name

    /// Orders dimensions as they are declared.
    public static func < (lhs: LabelDimension, rhs: LabelDimension) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
