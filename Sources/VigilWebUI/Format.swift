internal import Foundation
internal import VigilCore

/// How the pages write numbers, amounts and times (always UTC), so every page agrees.
enum Format {
    /// `12,345`.
    static func count(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `3.2%`.
    static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "–" }
        let value = ratio * 100
        return value != 0 && abs(value) < 0.1 ? String(format: "%.2f%%", value) : String(format: "%.1f%%", value)
    }

    /// `845 ms`, `1.25 s`.
    static func milliseconds(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if abs(value) >= 10_000 { return String(format: "%.1f s", value / 1000) }
        if abs(value) >= 1000 { return String(format: "%.2f s", value / 1000) }
        if abs(value) >= 100 { return String(format: "%.0f ms", value) }
        if abs(value) >= 1 { return String(format: "%.1f ms", value) }
        return String(format: "%.2f ms", value)
    }

    /// An exact amount of dollars, rounded (exactly, as a decimal) to six places: `$0.004375`.
    static func dollars(_ value: Decimal) -> String {
        guard value != 0 else { return "$0.00" }
        var rounded = Decimal()
        var source = value
        NSDecimalRound(&rounded, &source, abs(value) >= 1 ? 2 : 6, .plain)
        return "$" + "\(rounded)"
    }

    /// Dollars on a chart axis (not exact): `$0.12`, `$1.5k`.
    static func dollars(_ value: Double) -> String {
        if abs(value) >= 1000 { return "$" + short(value) }
        if abs(value) >= 1 || value == 0 { return String(format: "$%.2f", value) }
        return "$" + significant(value, digits: 2)
    }

    /// A chart axis number: `950`, `1.2k`, `3.4M`.
    static func short(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(String(format: "%.1f", value / 1_000_000)) + "M" }
        if magnitude >= 1000 { return trimmed(String(format: "%.1f", value / 1000)) + "k" }
        if magnitude >= 10 || value == 0 { return trimmed(String(format: "%.0f", value)) }
        return significant(value, digits: 2)
    }

    /// `value` with `digits` significant digits, without trailing zeros: `0.0042`, `1.5`.
    static func significant(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "–" }
        guard value != 0 else { return "0" }
        let places = max(0, digits - 1 - Int(floor(log10(abs(value)))))
        return trimmed(String(format: "%.\(min(places, 12))f", value))
    }

    /// A statistic such as a PSI: `0.2134`.
    static func statistic(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return String(format: "%.4f", value)
    }

    /// `2026-11-29 10:04:05 UTC`.
    static func time(micros: Int64) -> String {
        let text = CivilTime.rfc3339(micros: micros)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8)) + " UTC"
    }

    /// `2026-11-29 10:04:05`, for a column headed as UTC.
    static func shortTime(micros: Int64) -> String {
        let text = CivilTime.rfc3339(micros: micros)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8))
    }

    /// An RFC 3339 time as the pages show it; the text as given when it is not one.
    static func time(rfc3339 text: String) -> String {
        CivilTime.micros(parsing: text).map { time(micros: $0) } ?? text
    }

    /// An axis label: `10:05` within a day's range, `11-29 10:05` beyond.
    static func axisTime(micros: Int64, spanMicros: Int64) -> String {
        let text = CivilTime.rfc3339(micros: micros)
        let clock = String(text.dropFirst(11).prefix(5))
        return spanMicros > 86_400_000_000 ? String(text.dropFirst(5).prefix(5)) + " " + clock : clock
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }
}
