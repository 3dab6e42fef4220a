internal import VigilCore

/// Durations as rule files write them, in Prometheus' notation: a whole number and a unit, units
/// from largest to smallest and each at most once — `30s`, `5m`, `2h`, `28d`, `1h30m`, `500ms`.
/// Units: `y` (365 days), `w`, `d`, `h`, `m`, `s`, `ms`. A bare `0` is zero.
public enum DurationText {
    /// The units in the order they must appear, with their length in milliseconds.
    private static let units: [(name: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// What a valid duration looks like, for error messages.
    public static let expected = "a whole number and a unit such as 30s, 5m, 2h, 28d or 1h30m"

    /// The duration `text` spells, or nil when it is not a duration.
    public static func parse(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        var index = 0
        var lastUnit = -1
        var total: Int64 = 0
        while index < scalars.count {
            var number: Int64 = 0
            let digitsStart = index
            while index < scalars.count, let digit = asciiDigit(scalars[index]) {
                let (shifted, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (added, overflow2) = shifted.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { return nil }
                number = added
                index += 1
            }
            guard index > digitsStart else { return nil }
            let unitStart = index
            while index < scalars.count, scalars[index].isASCII, scalars[index].properties.isAlphabetic {
                index += 1
            }
            let unit = String(String.UnicodeScalarView(scalars[unitStart..<index]))
            guard let unitIndex = units.firstIndex(where: { $0.name == unit }), unitIndex > lastUnit else { return nil }
            lastUnit = unitIndex
            let (part, overflow1) = number.multipliedReportingOverflow(by: units[unitIndex].milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            guard !overflow1, !overflow2 else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// `duration` in the same notation, largest units first (`1h30m`, `28d`, `0s`); whole
    /// milliseconds, as the notation has no smaller unit.
    public static func format(_ duration: Duration) -> String {
        var remaining = duration.micros / 1_000
        if remaining < 0 { return "-" + format(.milliseconds(remaining == .min ? .max : -remaining)) }
        if remaining == 0 { return "0s" }
        var text = ""
        for unit in units where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.name)"
            remaining %= unit.milliseconds
        }
        return text
    }

    private static func asciiDigit(_ scalar: Unicode.Scalar) -> Int64? {
        guard scalar.value >= 0x30, scalar.value <= 0x39 else { return nil }
        return Int64(scalar.value - 0x30)
    }
}
