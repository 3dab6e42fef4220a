internal import Hummingbird
internal import VigilCore

/// Times in query strings and bodies: RFC 3339 (`2026-11-29T10:00:00Z`, fractions and offsets
/// allowed) or Unix milliseconds (`1764410400000`), within `CivilTime.supportedMicros` (1970
/// through 9999), so that arithmetic on a time and SQL's `'epoch' + micros` never overflow.
/// A bad one is a 400 naming the parameter.
enum TimeParameter {
    /// A time from the query; `value` when absent or empty.
    /// - Throws: `VigilError` `.invalidInput` naming the parameter and the times allowed.
    static func micros(_ query: Parameters, _ name: String, default value: Int64) throws -> Int64 {
        guard let text = query.get(name), !text.isEmpty else { return value }
        guard let micros = parse(text) else {
            throw VigilError(.invalidInput, "query parameter \(name)=\(InputText.shown(text)) must be \(CivilTime.expectedText)")
        }
        return micros
    }

    /// `from` and `to` of a query: `to` defaults to `defaultTo`, `from` to `lengthMicros` before
    /// `to` (`to` is at least 0 and `lengthMicros` a few days, so the subtraction cannot overflow).
    /// - Throws: `VigilError` `.invalidInput` naming the bad parameter, or `from` when it is not before `to`.
    static func range(_ query: Parameters, defaultTo: Int64, lengthMicros: Int64) throws -> (from: Int64, to: Int64) {
        let to = try micros(query, "to", default: defaultTo)
        let from = try micros(query, "from", default: to - lengthMicros)
        guard from < to else { throw VigilError(.invalidInput, "query parameter from must be before to") }
        return (from, to)
    }

    /// Microseconds since the epoch of an RFC 3339 time or Unix milliseconds within
    /// `CivilTime.supportedMicros`; nil for anything else.
    static func parse(_ text: String) -> Int64? {
        CivilTime.micros(parsing: text)
    }
}
