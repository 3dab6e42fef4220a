/// One multi-window burn-rate alert of an SLO, after the Google SRE workbook (chapter 5): it fires
/// when the budget burns faster than `factor` over both the long window and the short one — the
/// long window for significance, the short one so the alert resolves soon after the burn stops.
public struct BurnRateWindow: Sendable, Hashable {
    /// The generated rule's name suffix and `severity` label: `page` or `ticket`.
    public var severity: String
    /// The long window (1h for pages, 6h for tickets).
    public var longWindow: Duration
    /// The short window (5m for pages, 30m for tickets).
    public var shortWindow: Duration
    /// The burn rate both windows must exceed (14.4 for pages, 6 for tickets).
    public var factor: Double

    /// Makes a window pair.
    public init(severity: String, longWindow: Duration, shortWindow: Duration, factor: Double) {
        self.severity = severity
        self.longWindow = longWindow
        self.shortWindow = shortWindow
        self.factor = factor
    }

    /// Page: 1h and 5m above 14.4× — 2 % of a 30-day budget spent in an hour.
    public static let page = BurnRateWindow(severity: "page", longWindow: .seconds(3600), shortWindow: .seconds(300), factor: 14.4)
    /// Ticket: 6h and 30m above 6× — 5 % of a 30-day budget spent in six hours.
    public static let ticket = BurnRateWindow(severity: "ticket", longWindow: .seconds(6 * 3600), shortWindow: .seconds(1800), factor: 6)
    /// The two alerts every SLO gets.
    public static let standard: [BurnRateWindow] = [.page, .ticket]
}
