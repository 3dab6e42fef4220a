public import Foundation
public import PostgresNIO

/// The names the built-in output checks are reported under, as quality scores.
public enum CheckName {
    /// An LLM call whose output was empty.
    public static let emptyOutput = "check.empty_output"
    /// An output that refused, or was stopped by a content filter.
    public static let refusal = "check.refusal"
    /// An output cut off by the length limit.
    public static let truncated = "check.truncated"
    /// JSON output, asked for, that does not parse.
    public static let invalidJSON = "check.invalid_json"
}

/// One quality name's totals: evaluations of it (or checked spans), those scored, and the exact
/// sum of their scores.
public struct QualityTotals: Sendable, Equatable {
    /// Evaluations (or checked spans).
    public var count: Int64 = 0
    /// Those with a numeric or true/false score.
    public var scored: Int64 = 0
    /// The exact sum of the scores.
    public var sum = Decimal(0)

    /// No evaluations.
    public init() {}

    /// Totals of `count` evaluations, `scored` of them scored, summing to `sum`.
    public init(count: Int64, scored: Int64, sum: Decimal) {
        self.count = count
        self.scored = scored
        self.sum = sum
    }

    /// Adds another's counts and sum.
    public mutating func merge(_ other: QualityTotals) {
        count += other.count
        scored += other.scored
        sum += other.sum
    }

    /// The mean score, nil when nothing was scored.
    public var mean: Double? {
        scored == 0 ? nil : NSDecimalNumber(decimal: sum / Decimal(scored)).doubleValue
    }
}

/// The built-in checks of a rollup row's LLM outputs: how many outputs were checked, how many
/// had each problem. The processor writes them into a row's six check columns; readers report
/// each check as a quality score (`rows`).
public struct CheckTotals: Sendable, Equatable {
    /// LLM spans that carried output.
    public var outputs: Int64 = 0
    /// Of those, empty ones.
    public var empty: Int64 = 0
    /// Of those, refusals.
    public var refusal: Int64 = 0
    /// Of those, outputs cut off by the length limit.
    public var truncated: Int64 = 0
    /// Outputs of calls that asked for JSON.
    public var jsonChecked: Int64 = 0
    /// Of those, outputs that do not parse.
    public var invalidJSON: Int64 = 0

    /// No outputs.
    public init() {}

    /// Totals of the given counts.
    public init(outputs: Int64, empty: Int64, refusal: Int64, truncated: Int64, jsonChecked: Int64, invalidJSON: Int64) {
        self.outputs = outputs
        self.empty = empty
        self.refusal = refusal
        self.truncated = truncated
        self.jsonChecked = jsonChecked
        self.invalidJSON = invalidJSON
    }

    /// The six check columns of a rollup row, in the order they are stored.
    public static let columns = ["checked_outputs", "empty_outputs", "refusals", "truncated_outputs", "json_outputs", "invalid_json_outputs"]

    /// Adds another's counts.
    public mutating func merge(_ other: CheckTotals) {
        outputs += other.outputs
        empty += other.empty
        refusal += other.refusal
        truncated += other.truncated
        jsonChecked += other.jsonChecked
        invalidJSON += other.invalidJSON
    }

    /// Each check as a quality score: every output checked is scored, 1 for each with the
    /// problem. None without outputs; the JSON check only where JSON was asked for.
    public var rows: [(name: String, totals: QualityTotals)] {
        guard outputs > 0 else { return [] }
        var rows = [
            (CheckName.emptyOutput, QualityTotals(count: outputs, scored: outputs, sum: Decimal(empty))),
            (CheckName.refusal, QualityTotals(count: outputs, scored: outputs, sum: Decimal(refusal))),
            (CheckName.truncated, QualityTotals(count: outputs, scored: outputs, sum: Decimal(truncated))),
        ]
        if jsonChecked > 0 {
            rows.append((CheckName.invalidJSON, QualityTotals(count: jsonChecked, scored: jsonChecked, sum: Decimal(invalidJSON))))
        }
        return rows
    }
}

extension CheckTotals {
    /// The six counts stored in a row's check columns (`CheckTotals.columns`), from `first` on.
    public init(decoding cells: PostgresRandomAccessRow, from first: Int) throws {
        self.init(
            outputs: try cells[first].decode(Int64.self), empty: try cells[first + 1].decode(Int64.self),
            refusal: try cells[first + 2].decode(Int64.self), truncated: try cells[first + 3].decode(Int64.self),
            jsonChecked: try cells[first + 4].decode(Int64.self), invalidJSON: try cells[first + 5].decode(Int64.self)
        )
    }
}
