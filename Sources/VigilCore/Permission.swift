/// Something a request needs its key's role to allow. Every guarded route requires exactly one;
/// `Role.permissions` says which roles hold it.
public enum Permission: String, Sendable, CaseIterable, Codable {
    /// Send telemetry to the key's project: OTLP exports, evaluations, embeddings.
    case ingestTelemetry = "ingest_telemetry"
    /// Read the key's project: every GET of its data, and drift computations that store nothing.
    case readProject = "read_project"
    /// On-call actions in the key's project: create and expire silences, pin drift baselines, ask
    /// for a drift report now, retry a notification. Each appends to the log.
    case operateProject = "operate_project"
    /// Administer the key's project: import and delete its dashboards, set its retention.
    case administerProject = "administer_project"
    /// List the alerting rules: a project key sees the rules that apply to its project with their
    /// receivers by name only; a key that may also `viewReceiverDetails` sees every rule and receiver.
    case listRules = "list_rules"
    /// See every rule and receivers' URLs, header values and secret variable names.
    case viewReceiverDetails = "view_receiver_details"
    /// Re-read the rule files, for every project of the instance.
    case reloadRules = "reload_rules"
    /// Read the audit trail: a project admin its project's, the instance's operator every project's.
    case readAudit = "read_audit"
    /// Ask what remains of the key's project's budgets before a call (`GET /api/v1/quota`): an app
    /// asks with the key it sends telemetry with, a dashboard with a reading key.
    case checkQuota = "check_quota"

    /// The roles that hold this permission, in `Role.allCases` order (for error messages and documents).
    public var roles: [Role] {
        Role.allCases.filter { $0.permits(self) }
    }
}
