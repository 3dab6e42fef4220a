internal import VigilCore

/// The time range a page shows: a preset (`range=1h|6h|24h|7d`, a link each) ending now, or
/// `from` and `to` (RFC 3339 or Unix milliseconds, within `CivilTime.supportedMicros`, so the
/// range's arithmetic cannot overflow). Bad values are a 400 naming the parameter.
struct TimeRange: Sendable, Equatable {
    /// A preset range ending now.
    struct Preset: Sendable, Equatable {
        /// Its query value.
        var name: String
        /// Its link text.
        var label: String
        /// Its length.
        var seconds: Int64
    }

    /// The presets, in the order the links show them.
    static let presets = [
        Preset(name: "1h", label: "Last hour", seconds: 3600),
        Preset(name: "6h", label: "Last 6 hours", seconds: 6 * 3600),
        Preset(name: "24h", label: "Last 24 hours", seconds: 24 * 3600),
        Preset(name: "7d", label: "Last 7 days", seconds: 7 * 86_400),
    ]

    /// The longest range a page may ask for.
    static let longestSeconds: Int64 = 92 * 86_400

    /// Start, inclusive, microseconds since the epoch.
    var fromMicros: Int64
    /// End, exclusive.
    var toMicros: Int64
    /// The preset chosen, nil for an explicit `from`/`to`.
    var preset: Preset?

    /// The range of a page's query (`range`, or `from` and `to`), `defaultPreset` when none is given.
    init(query: [String: String], defaultPreset: String, nowMicros: Int64) throws(PageError) {
        let from = query["from"].flatMap { $0.isEmpty ? nil : $0 }
        let to = query["to"].flatMap { $0.isEmpty ? nil : $0 }
        if from != nil || to != nil {
            var end = nowMicros
            if let to { end = try Self.time(to, name: "to") }
            guard let from else { throw PageError(status: 400, message: "from must be given with to (an RFC 3339 time such as 2026-11-29T10:00:00Z, or Unix milliseconds).") }
            let start = try Self.time(from, name: "from")
            guard start < end else { throw PageError(status: 400, message: "from (\(from)) must be before to.") }
            guard end - start <= Self.longestSeconds * 1_000_000 else { throw PageError(status: 400, message: "The range from \(from) is longer than 92 days; choose a shorter one.") }
            self.init(fromMicros: start, toMicros: end, preset: nil)
            return
        }
        let name = query["range"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPreset
        guard let preset = Self.presets.first(where: { $0.name == name }) else {
            throw PageError(status: 400, message: "range=\(name) is not one of \(Self.presets.map(\.name).joined(separator: ", ")).")
        }
        self.init(fromMicros: nowMicros - preset.seconds * 1_000_000, toMicros: nowMicros, preset: preset)
    }

    /// A range from `fromMicros` to `toMicros`.
    init(fromMicros: Int64, toMicros: Int64, preset: Preset?) {
        self.fromMicros = fromMicros
        self.toMicros = toMicros
        self.preset = preset
    }

    /// The range's query parameters, to keep it in links and forms.
    var queryItems: [(String, String?)] {
        if let preset { return [("range", preset.name)] }
        return [("from", CivilTime.rfc3339(micros: fromMicros)), ("to", CivilTime.rfc3339(micros: toMicros))]
    }

    /// The chart step: the shortest of 1, 2, 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours or a
    /// day that gives at most 120 points.
    var stepMicros: Int64 {
        let minutes: [Int64] = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440]
        let length = toMicros - fromMicros
        for step in minutes where length / (step * 60_000_000) <= 120 {
            return step * 60_000_000
        }
        return 1440 * 60_000_000
    }

    /// The first bucket's start: `fromMicros` rounded down to the step.
    var firstBucketMicros: Int64 {
        fromMicros.floorDivided(by: stepMicros) * stepMicros
    }

    /// Buckets from the first to the one holding `toMicros - 1`.
    var bucketCount: Int {
        Int((toMicros - firstBucketMicros + stepMicros - 1) / stepMicros)
    }

    /// The step in words: `5 minutes`, `1 hour`.
    var stepText: String {
        let minutes = stepMicros / 60_000_000
        if minutes % 1440 == 0 { return minutes == 1440 ? "day" : "\(minutes / 1440) days" }
        if minutes % 60 == 0 { return minutes == 60 ? "hour" : "\(minutes / 60) hours" }
        return minutes == 1 ? "minute" : "\(minutes) minutes"
    }

    /// The range in words.
    var text: String {
        preset?.label ?? "\(Format.time(micros: fromMicros)) to \(Format.time(micros: toMicros))"
    }

    private static func time(_ text: String, name: String) throws(PageError) -> Int64 {
        guard let micros = CivilTime.micros(parsing: text) else {
            throw PageError(status: 400, message: "\(name)=\(text) is not a time: use \(CivilTime.expectedText).")
        }
        return micros
    }
}
