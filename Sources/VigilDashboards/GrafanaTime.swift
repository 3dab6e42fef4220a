internal import VigilCore

/// Times as a dashboard's `time` or a URL gives them: RFC 3339, Unix milliseconds, or Grafana's
/// relative `now`, `now-6h`, `now-7d` (units s, m, h, d, w, M as 30 days, y as 365 days).
public enum GrafanaTime {
    /// Unix milliseconds for `text`, or nil when it is none of those forms or falls outside
    /// `CivilTime.supportedMicros` (a relative time too far back is refused, never overflows).
    public static func millis(parsing text: String, nowMillis: Int64) -> Int64? {
        if text == "now" { return nowMillis }
        if text.hasPrefix("now-") {
            let rest = text.dropFirst(4)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            let unit = rest.dropFirst(digits.count)
            let seconds: [Substring: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800, "M": 2_592_000, "y": 31_536_000]
            guard let count = Int64(digits), let size = seconds[unit] else { return nil }
            let (lengthSeconds, overflow1) = count.multipliedReportingOverflow(by: size)
            let (length, overflow2) = lengthSeconds.multipliedReportingOverflow(by: 1000)
            let (millis, overflow3) = nowMillis.subtractingReportingOverflow(length)
            guard !overflow1, !overflow2, !overflow3, millis >= CivilTime.supportedMicros.lowerBound / 1000 else { return nil }
            return millis
        }
        return CivilTime.micros(parsing: text).map { $0.floorDivided(by: 1000) }
    }
}
