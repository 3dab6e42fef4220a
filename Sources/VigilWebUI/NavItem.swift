internal import VigilCore

/// The pages the navigation bar links to, in its order.
enum NavItem: String, Sendable, CaseIterable {
    /// `/ui`: totals, charts, services × models.
    case overview
    /// `/ui/traces`: search and waterfalls.
    case traces
    /// `/ui/drift`: drift reports.
    case drift
    /// `/ui/alerts`: firing and pending alerts, history, silences.
    case alerts
    /// `/ui/audit`: the audit trail (admin sessions only).
    case audit

    /// The link's text.
    var title: String {
        switch self {
        case .overview: "Overview"
        case .traces: "Traces"
        case .drift: "Drift"
        case .alerts: "Alerts"
        case .audit: "Audit"
        }
    }

    /// The page's path.
    var path: String {
        switch self {
        case .overview: "/ui"
        case .traces: "/ui/traces"
        case .drift: "/ui/drift"
        case .alerts: "/ui/alerts"
        case .audit: "/ui/audit"
        }
    }

    /// Whether a session of `role` is offered the page (the audit trail is an admin's).
    func isShown(to role: Role) -> Bool {
        switch self {
        case .audit: role.permits(.readAudit)
        default: true
        }
    }
}
