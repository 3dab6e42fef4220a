internal import Foundation

/// Calendar arithmetic on UTC day counts (proleptic Gregorian), after Howard Hinnant's
/// `civil_from_days` and `days_from_civil`, so hot paths format times without Foundation.
public enum CivilTime {
    /// The date of a day count since 1970-01-01.
    public static func date(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a date.
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The times Vigil takes from outside, in microseconds since the epoch: 1970-01-01T00:00:00Z
    /// through 9999-12-31T23:59:59.999999Z. Within it a time has a four-digit year, and SQL's
    /// `'epoch' + micros * interval '1 microsecond'` and the arithmetic of ranges and steps on it
    /// cannot overflow; a time outside it is refused where it comes in, not failed on in SQL.
    public static let supportedMicros: ClosedRange<Int64> = 0...253_402_300_799_999_999

    /// What `micros(parsing:)` takes, for messages that name a parameter.
    public static let expectedText = "an RFC 3339 time (2026-11-29T10:00:00Z) or Unix milliseconds, from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z"

    /// Microseconds since the epoch of an RFC 3339 time (`2026-11-29T10:00:00Z`, fractions and
    /// offsets allowed) or Unix milliseconds, within `supportedMicros`; nil for anything else.
    public static func micros(parsing text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let millis = Int64(text) else { return nil }
            let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
            guard !overflow, supportedMicros.contains(micros) else { return nil }
            return micros
        }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
                // Checked before the conversion, which would trap outside Int64's range.
                guard micros.isFinite, micros.magnitude < 1e18 else { return nil }
                let whole = Int64(micros)
                return supportedMicros.contains(whole) ? whole : nil
            }
        }
        return nil
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ` for microseconds since the epoch.
    public static func rfc3339(micros: Int64) -> String {
        let days = Int(micros.floorDivided(by: 86_400_000_000))
        let inDay = Int(micros - Int64(days) * 86_400_000_000)
        let (year, month, day) = date(fromDays: days)
        let seconds = inDay / 1_000_000
        let fraction = inDay % 1_000_000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(fraction, 6))Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

extension BinaryInteger {
    /// Division rounding towards negative infinity.
    public func floorDivided(by divisor: Self) -> Self {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
