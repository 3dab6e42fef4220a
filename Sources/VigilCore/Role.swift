/// What an API key may do. A project key has one of the four project roles and acts only within
/// its own project; an `operator` key belongs to the Vigil instance, not to a project, and is made
/// only with the CLI. Which permission each role holds is written out in `permissions`, one role
/// at a time, so that no role gains another's rights by a shortcut.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Push telemetry to its project: OTLP exports, evaluations, embeddings; and ask what remains
    /// of its budgets before a call (`GET /api/v1/quota`).
    case ingest
    /// Read its project (GET only): never a mutation, never an appended event.
    case read
    /// On call for its project: what `read` does, plus silences, baseline pins, drift reports now
    /// and notification retries.
    case operate
    /// Everything a project can do: what `ingest`, `read` and `operate` do, plus dashboards
    /// import and delete, retention, and its project's audit trail (keys are made and revoked with the CLI).
    case admin
    /// The instance's global configuration: rule reload and the full list of rules and receivers
    /// (URLs, header values, secret variable names), and every project's audit trail. It sees no
    /// project's telemetry.
    case `operator`

    /// The permissions of the role: the role matrix.
    public var permissions: Set<Permission> {
        switch self {
        case .ingest:
            [.ingestTelemetry, .checkQuota]
        case .read:
            [.readProject, .listRules, .checkQuota]
        case .operate:
            [.readProject, .listRules, .operateProject, .checkQuota]
        case .admin:
            [.ingestTelemetry, .readProject, .listRules, .operateProject, .administerProject, .readAudit, .checkQuota]
        case .operator:
            [.listRules, .viewReceiverDetails, .reloadRules, .readAudit]
        }
    }

    /// Whether a key of this role may do what `permission` allows.
    public func permits(_ permission: Permission) -> Bool {
        permissions.contains(permission)
    }

    /// Whether keys of this role belong to the instance (the reserved `InstanceProject`) rather
    /// than to a project.
    public var isInstanceWide: Bool {
        switch self {
        case .ingest, .read, .operate, .admin: false
        case .operator: true
        }
    }
}
