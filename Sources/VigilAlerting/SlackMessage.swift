public import Foundation
internal import VigilCore

/// The message a `slack` receiver posts to a Slack incoming webhook: a `text` fallback (what
/// notifications and screen readers show) and Block Kit `blocks` — a header with the status and
/// count, the group's labels, one section per alert (its name linked to its generatorURL, the
/// summary and description annotations, value and threshold annotations, its other labels), a
/// note when alerts are left out, and a button to Vigil's alerts page.
///
/// Follows https://api.slack.com/reference/block-kit/blocks and
/// https://api.slack.com/messaging/webhooks: at most 50 blocks per message, a section's text at
/// most 3000 characters, a header's plain text at most 150, a context block at most 10
/// elements, a button's text at most 75 and its URL at most 3000 characters. mrkdwn text has
/// `&`, `<` and `>` escaped, as Slack asks.
public enum SlackMessage {
    /// Slack's limit of blocks in one message.
    public static let maxBlocks = 50
    /// Slack's limit of a section block's text.
    public static let maxSectionText = 3000
    /// Slack's limit of a header block's text.
    public static let maxHeaderText = 150
    /// Slack's limit of a button's text.
    public static let maxButtonText = 75
    /// Slack's limit of a button's URL.
    public static let maxURL = 3000

    /// The JSON body for `notification`; at most `maxAlerts` alerts (0: as many as fit in 50 blocks).
    public static func body(_ notification: GroupNotification, externalURL: String, maxAlerts: Int = 0) -> Data {
        let status = notification.status
        let firing = notification.alerts.filter { $0.status == .firing }.count
        let count = status == .firing ? firing : notification.alerts.count
        let name = notification.groupLabels["alertname"] ?? commonLabel("alertname", notification.alerts) ?? "alerts"
        let statusWord = status == .firing ? "FIRING" : "RESOLVED"
        let groupText = notification.groupLabels.sorted.filter { $0.name != "alertname" }.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
        let fallback = "[\(statusWord):\(count)] \(name)" + (groupText.isEmpty ? "" : " (\(groupText))")
        let alertsPage = alertsPageURL(externalURL)

        // header + group section + one per alert + truncation note + actions ≤ 50.
        let room = maxBlocks - 4
        let limit = maxAlerts > 0 ? min(maxAlerts, room) : room
        let shown = Array(notification.alerts.prefix(limit))
        let omitted = notification.alerts.count - shown.count

        var writer = JSONWriter()
        writer.beginObject()
        writer.string("text", truncated(fallback, to: maxSectionText))
        writer.beginArray("blocks")
        writer.beginObject()
        writer.string("type", "header")
        writer.beginObject("text")
        writer.string("type", "plain_text")
        writer.string("text", truncated("\(status == .firing ? "🔥" : "✅") \(statusWord): \(count) — \(name)", to: maxHeaderText))
        writer.bool("emoji", true)
        writer.endObject()
        writer.endObject()

        var group = "*Status:* \(statusWord) (\(firing) firing, \(notification.alerts.count - firing) resolved)"
        if !groupText.isEmpty { group += "\n*Group:* " + escaped(groupText) }
        section(group, into: &writer)

        for alert in shown { section(text(of: alert), into: &writer) }

        if omitted > 0 {
            writer.beginObject()
            writer.string("type", "context")
            writer.beginArray("elements")
            writer.beginObject()
            writer.string("type", "mrkdwn")
            writer.string("text", "…and \(omitted) more alert\(omitted == 1 ? "" : "s") not shown (Slack takes \(maxBlocks) blocks per message); see Vigil for all of them.")
            writer.endObject()
            writer.endArray()
            writer.endObject()
        }

        if alertsPage.utf8.count <= maxURL {
            writer.beginObject()
            writer.string("type", "actions")
            writer.beginArray("elements")
            writer.beginObject()
            writer.string("type", "button")
            writer.beginObject("text")
            writer.string("type", "plain_text")
            writer.string("text", "Open in Vigil")
            writer.endObject()
            writer.string("url", alertsPage)
            writer.endObject()
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Data(writer.bytes)
    }

    /// Vigil's alerts page under `externalURL`.
    public static func alertsPageURL(_ externalURL: String) -> String {
        var base = externalURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/ui/alerts"
    }

    /// One alert's section text: name (linked), status, summary, description, value, threshold, labels.
    static func text(of alert: AlertSnapshot) -> String {
        let name = escaped(alert.labels["alertname"] ?? "alert")
        var lines: [String] = []
        let link = alert.generatorURL.isEmpty || alert.generatorURL.contains("|") || alert.generatorURL.contains(">")
            ? "*\(name)*" : "*<\(alert.generatorURL)|\(name)>*"
        let since = alert.endsAt.map { "resolved at " + RFC3339.format($0) } ?? "firing since " + RFC3339.format(alert.startsAt)
        lines.append("\(alert.status == .firing ? "🔴" : "🟢") \(link) — \(since)")
        if let summary = alert.annotations["summary"] { lines.append("*Summary:* " + escaped(summary)) }
        if let description = alert.annotations["description"] { lines.append("*Description:* " + escaped(description)) }
        var figures: [String] = []
        if let value = alert.annotations["value"] { figures.append("*Value:* " + escaped(value)) }
        if let threshold = alert.annotations["threshold"] { figures.append("*Threshold:* " + escaped(threshold)) }
        if !figures.isEmpty { lines.append(figures.joined(separator: "   ")) }
        let labels = alert.labels.sorted.filter { $0.name != "alertname" }.map { "`\($0.name)=\($0.value)`" }
        if !labels.isEmpty { lines.append("*Labels:* " + escaped(labels.joined(separator: " "))) }
        if let runbook = alert.annotations["runbook_url"], runbook.hasPrefix("http"), !runbook.contains("|"), !runbook.contains(">") {
            lines.append("*Runbook:* <\(runbook)|\(escaped(runbook))>")
        }
        return lines.joined(separator: "\n")
    }

    private static func section(_ text: String, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.string("type", "section")
        writer.beginObject("text")
        writer.string("type", "mrkdwn")
        writer.string("text", truncated(text, to: maxSectionText))
        writer.endObject()
        writer.endObject()
    }

    /// `text` cut to at most `limit` characters (as Slack counts them, UTF-16 code units), ending
    /// with a note when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        let note = "… (truncated)"
        var kept = ""
        var used = 0
        for character in text {
            let size = character.utf16.count
            guard used + size + note.utf16.count <= limit else { break }
            kept.append(character)
            used += size
        }
        return kept + note
    }

    /// mrkdwn with Slack's three control characters escaped.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func commonLabel(_ name: String, _ alerts: [AlertSnapshot]) -> String? {
        let values = Set(alerts.compactMap { $0.labels[name] })
        return values.count == 1 ? values.first : nil
    }
}
