internal import VigilCore

/// Text from outside on its way to SQL: refused with a 400 naming it when it holds U+0000 (which
/// Postgres refuses in `text` and `jsonb`, so the query would fail with a 500) or when it is
/// longer than its limit. Query and path parameters pass `InputGuardMiddleware`; JSON string
/// fields that reach a query are checked by their controller with `check`.
enum InputText {
    /// The most characters a query or path parameter (a filter value, a cursor, a time) may have.
    static let maxParameterLength = 1024

    /// `value`, when Postgres can take it and it has at most `maxLength` characters.
    /// - Throws: `VigilError` `.invalidInput` naming `name` (`query parameter service`, `feature`).
    @discardableResult
    static func check(_ value: String, _ name: String, maxLength: Int = InputText.maxParameterLength) throws -> String {
        if let problem = problem(value, maxLength: maxLength) {
            throw VigilError(.invalidInput, "\(name) \(problem)")
        }
        return value
    }

    /// What is wrong with `value` (`must not contain …`), nil when nothing is.
    static func problem(_ value: some StringProtocol, maxLength: Int = InputText.maxParameterLength) -> String? {
        if value.containsNUL {
            return "must not contain a NUL character (U+0000)"
        }
        // UTF-8 bytes bound the characters from above: most values are decided without counting.
        if value.utf8.count > maxLength, value.unicodeScalars.count > maxLength {
            return "must be at most \(maxLength) characters long"
        }
        return nil
    }

    /// `text` as an error message quotes it: at most 64 characters, so a long value is not echoed.
    static func shown(_ text: some StringProtocol) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 64 else { return String(text) }
        var shortened = String.UnicodeScalarView()
        shortened.append(contentsOf: scalars.prefix(64))
        return String(shortened) + "…"
    }
}
