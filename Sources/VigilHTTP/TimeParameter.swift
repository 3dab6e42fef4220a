internal import Foundation
internal import Hummingbird
internal import VigilCore

/// Times in query strings: RFC 3339 (`2026-11-29T10:00:00Z`, fractions and offsets allowed) or
/// Unix milliseconds (`1764410400000`). A bad one is a 400 naming the parameter.
enum TimeParameter {
    static func micros(_ query: Parameters, _ name: String, default value: Int64) throws -> Int64 {
        guard let text = query.get(name), !text.isEmpty else { return value }
        guard let micros = parse(text) else {
            throw VigilError(.invalidInput, "query parameter \(name)=\(text) must be an RFC 3339 time (2026-11-29T10:00:00Z) or Unix milliseconds")
        }
        return micros
    }

    /// Microseconds since the epoch of an RFC 3339 time or Unix milliseconds; nil for anything else.
    static func parse(_ text: String) -> Int64? {
        CivilTime.micros(parsing: text)
    }
}
