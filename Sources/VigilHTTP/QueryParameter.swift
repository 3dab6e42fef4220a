internal import Foundation
internal import Hummingbird
internal import VigilCore
internal import VigilProjections

/// Query-string parsing with errors that name the parameter and what it may be. Every number is
/// parsed with its range checked here, so a handler's arithmetic on it cannot overflow; an absent
/// or empty parameter is its default (or nil: no filter).
enum QueryParameter {
    /// A whole number in `range`; `value` when the parameter is absent or empty.
    /// - Throws: `VigilError` `.invalidInput` naming the parameter and the range.
    static func integer(_ query: Parameters, _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text = query.get(name), !text.isEmpty else { return value }
        return try integer(text, name, range: range)
    }

    /// `text` as a whole number in `range` (`Int64(text)` is nil past Int64's range, never traps).
    /// - Throws: `VigilError` `.invalidInput` naming the parameter and the range.
    static func integer(_ text: String, _ name: String, range: ClosedRange<Int64>) throws -> Int64 {
        guard let number = Int64(text), range.contains(number) else {
            throw VigilError(.invalidInput, "query parameter \(name)=\(InputText.shown(text)) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A finite number in decimal notation (`12`, `0.5`, `1e3`) in `range`; NaN, infinities and
    /// hexadecimal (which `Double(_:)` would take) are refused. Nil when absent or empty.
    /// - Throws: `VigilError` `.invalidInput` naming the parameter and the range.
    static func number(_ query: Parameters, _ name: String, range: ClosedRange<Double>, unit: String) throws -> Double? {
        guard let text = query.get(name), !text.isEmpty else { return nil }
        let decimalNotation = text.utf8.count <= 64 && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }
        guard decimalNotation, let number = Double(text), number.isFinite, range.contains(number) else {
            throw VigilError(.invalidInput, "query parameter \(name)=\(InputText.shown(text)) must be a number of \(unit) from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))")
        }
        return number
    }

    /// A decimal amount of plain digits with at most one point (`0.05`, `12`) in `range`; nil when
    /// absent or empty.
    /// - Throws: `VigilError` `.invalidInput` naming the parameter and the range.
    static func decimal(_ query: Parameters, _ name: String, range: ClosedRange<Decimal>, unit: String) throws -> Decimal? {
        guard let text = query.get(name), !text.isEmpty else { return nil }
        guard let number = DecimalText.parse(text), range.contains(number) else {
            throw VigilError(.invalidInput, "query parameter \(name)=\(InputText.shown(text)) must be an amount of \(unit) such as 0.05, from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A filter value: nil when absent or empty (no filter). Its text was checked by
    /// `InputGuardMiddleware`; checked again here so a handler is safe on its own.
    /// - Throws: `VigilError` `.invalidInput` naming the parameter.
    static func filter(_ query: Parameters, _ name: String) throws -> String? {
        guard let text = query.get(name), !text.isEmpty else { return nil }
        return try InputText.check(text, "query parameter \(name)")
    }

    /// Which spans (`kind=llm|tool|agent|other|all`): LLM calls when absent or empty, nil for all.
    /// - Throws: `VigilError` `.invalidInput` naming `kind` and the values it takes.
    static func kind(_ query: Parameters) throws -> SpanKind? {
        guard let text = query.get("kind"), !text.isEmpty else { return .llm }
        guard let kind = SpanKind.filter(text) else {
            throw VigilError(.invalidInput, "query parameter kind=\(InputText.shown(text)) must be one of \(SpanKind.filterValues.joined(separator: ", "))")
        }
        return kind
    }

    /// A comma-separated list (`group_by=service,model`): its items trimmed, empty ones dropped;
    /// empty when absent. At most `maxItems` items.
    /// - Throws: `VigilError` `.invalidInput` naming the parameter and the limit.
    static func list(_ query: Parameters, _ name: String, maxItems: Int) throws -> [String] {
        guard let text = query.get(name), !text.isEmpty else { return [] }
        let items = try InputText.check(text, "query parameter \(name)").split(separator: ",", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard items.count <= maxItems else {
            throw VigilError(.invalidInput, "query parameter \(name) lists \(items.count) items; at most \(maxItems) are allowed")
        }
        return items
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && number.magnitude < 1e15 ? String(Int64(number)) : String(number)
    }
}
