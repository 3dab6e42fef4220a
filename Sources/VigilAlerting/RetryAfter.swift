public import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date — the
/// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, or the obsolete RFC 850 and asctime forms that
/// recipients must still accept.
public enum RetryAfter {
    /// How long from `now` the header asks to wait (zero for a date in the past), or nil when it
    /// is not a valid value.
    public static func delay(_ header: String, now: Date) -> Duration? {
        let text = header.trimmingSpaces
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let seconds = Int64(text) else { return .seconds(Int64.max / 1_000_000_000) }
            return .seconds(seconds)
        }
        guard let date = httpDate(text) else { return nil }
        let micros = date.micros(since: now)
        return .microseconds(max(micros, 0))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// An HTTP date in any of its three forms, or nil.
    static func httpDate(_ text: String) -> Date? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int64?
        var month: Int64?
        var year: Int64?
        var time: String?
        if words.count == 5 && words[4].uppercased() != "GMT" {
            // asctime: Sun Nov  6 08:49:37 1994
            month = monthNumber(words[1])
            day = Int64(words[2])
            time = words[3]
            year = Int64(words[4])
        } else if words.count == 6, words[5].uppercased() == "GMT" {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            day = Int64(words[1])
            month = monthNumber(words[2])
            year = Int64(words[3])
            time = words[4]
        } else if words.count == 4, words[3].uppercased() == "GMT" {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let parts = words[1].split(separator: "-").map(String.init)
            guard parts.count == 3 else { return nil }
            day = Int64(parts[0])
            month = monthNumber(parts[1])
            if let twoDigits = Int64(parts[2]) {
                year = parts[2].count == 2 ? (twoDigits < 70 ? 2000 + twoDigits : 1900 + twoDigits) : twoDigits
            }
            time = words[2]
        } else {
            return nil
        }
        guard let day, let month, let year, let time, (1...31).contains(day) else { return nil }
        let clock = time.split(separator: ":").compactMap { Int64($0) }
        guard clock.count == 3, clock[0] < 24, clock[1] < 60, clock[2] < 61 else { return nil }
        let days = RFC3339.days(year: year, month: month, day: day)
        return Date(micros: (days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]) * 1_000_000)
    }

    private static func monthNumber(_ name: String) -> Int64? {
        months.firstIndex(of: name.lowercased()).map { Int64($0 + 1) }
    }
}
