import ArgumentParser
import Foundation
import VigilCore
import VigilEventLog

/// `--rate`, `--bytes`, `--spans` and `--spend-usd-per-day` of `vigil keys create` and `update`.
struct LimitOptions: ParsableArguments {
    @Option(help: "Requests a second the key may make on any route (a token bucket holding one second's worth); none clears it.")
    var rate: String?

    @Option(help: "Request body bytes a second (as sent) the key may export; none clears it.")
    var bytes: String?

    @Option(help: "Spans, data points and log records a second the key may export; none clears it.")
    var spans: String?

    @Option(name: .customLong("spend-usd-per-day"), help: "Dollars of priced LLM calls a UTC day (counted for the key's project); past it ingest is refused until the day ends; none clears it.")
    var spendUSDPerDay: String?

    /// The changes asked for (nothing for an option left out).
    func change() throws -> KeyLimitsChange {
        var change = KeyLimitsChange()
        change.requestsPerSecond = LimitChange(try rate.map { try KeyLimits.parseRate($0, option: "--rate") })
        change.bytesPerSecond = LimitChange(try bytes.map { try KeyLimits.parseRate($0, option: "--bytes") })
        change.itemsPerSecond = LimitChange(try spans.map { try KeyLimits.parseRate($0, option: "--spans") })
        change.spendUSDPerDay = LimitChange(try spendUSDPerDay.map { try KeyLimits.parseDollars($0, option: "--spend-usd-per-day") })
        return change
    }

    /// The limits a new key is made with (`none` is the same as leaving the option out).
    func limits() throws -> KeyLimits {
        KeyLimits(
            requestsPerSecond: try rate.flatMap { try KeyLimits.parseRate($0, option: "--rate") },
            bytesPerSecond: try bytes.flatMap { try KeyLimits.parseRate($0, option: "--bytes") },
            itemsPerSecond: try spans.flatMap { try KeyLimits.parseRate($0, option: "--spans") },
            spendUSDPerDay: try spendUSDPerDay.flatMap { try KeyLimits.parseDollars($0, option: "--spend-usd-per-day") }
        )
    }
}

extension KeyLimits {
    /// `5/s, 1048576 B/s, 1000 items/s, $20/day`, or `-` for none: how `keys list` shows limits.
    var summary: String {
        var parts: [String] = []
        if let value = requestsPerSecond { parts.append("\(Self.number(value)) req/s") }
        if let value = bytesPerSecond { parts.append("\(Self.number(value)) B/s") }
        if let value = itemsPerSecond { parts.append("\(Self.number(value)) items/s") }
        if let value = spendUSDPerDay { parts.append("$\(NSDecimalNumber(decimal: value).description(withLocale: Locale(identifier: "en_US_POSIX")))/day") }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
