public import Foundation

/// The rate limits and quota of one API key: what it has of its own, else its project's
/// defaults (`vigil keys create|update`). A nil limit is no limit.
public struct KeyLimits: Sendable, Equatable {
    /// Requests a second, on every route the key calls.
    public var requestsPerSecond: Double?
    /// Request body bytes a second (as sent, before inflation), on the OTLP routes.
    public var bytesPerSecond: Double?
    /// Items (spans, data points, log records) a second, on the OTLP routes.
    public var itemsPerSecond: Double?
    /// Dollars of priced LLM calls a UTC day, counted from the rollups of the key's project;
    /// over it, ingest is refused until the day ends.
    public var spendUSDPerDay: Decimal?

    /// Makes limits; none by default.
    public init(requestsPerSecond: Double? = nil, bytesPerSecond: Double? = nil, itemsPerSecond: Double? = nil, spendUSDPerDay: Decimal? = nil) {
        self.requestsPerSecond = requestsPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.itemsPerSecond = itemsPerSecond
        self.spendUSDPerDay = spendUSDPerDay
    }

    /// No limit at all.
    public static let none = KeyLimits()

    /// Whether no limit is set.
    public var isEmpty: Bool {
        requestsPerSecond == nil && bytesPerSecond == nil && itemsPerSecond == nil && spendUSDPerDay == nil
    }

    /// Reads a rate given on the command line (`--rate`, `--bytes`, `--spans`): a positive number
    /// up to 10^12, or `none` to clear it (`nil` inside the result).
    /// - Throws: `VigilError` `.invalidInput` naming `option` and the text.
    public static func parseRate(_ text: String, option: String) throws -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "none" { return nil }
        guard let value = Double(trimmed), value.isFinite, value > 0, value <= 1e12 else {
            throw VigilError(.invalidInput, "\(option) \(text) must be a positive number up to 1000000000000 (per second), or none")
        }
        return value
    }

    /// Reads a dollar amount (`--spend-usd-per-day`): a positive decimal up to 10^9, or `none` to clear it.
    /// - Throws: `VigilError` `.invalidInput` naming `option` and the text.
    public static func parseDollars(_ text: String, option: String) throws -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "none" { return nil }
        guard trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), trimmed.filter({ $0 == "." }).count <= 1,
              let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX")), value > 0, value <= 1_000_000_000
        else {
            throw VigilError(.invalidInput, "\(option) \(text) must be a positive amount of dollars up to 1000000000, or none")
        }
        return value
    }
}
