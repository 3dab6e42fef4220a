/// What an API key may do. Each key has exactly one role, within its own project.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Push telemetry to the OTLP collectors.
    case ingest
    /// Query the API.
    case read
    /// Everything: ingest, read, and administration.
    case admin

    /// Whether a key of this role may do what `needed` allows.
    public func permits(_ needed: Role) -> Bool {
        self == .admin || self == needed
    }
}

/// Who a request acts as, once its key is verified.
public struct Principal: Sendable, Equatable {
    /// The key's project.
    public var projectID: Int64
    /// The key's id.
    public var keyID: Int64
    /// The key's role.
    public var role: Role

    /// Makes a principal.
    public init(projectID: Int64, keyID: Int64, role: Role) {
        self.projectID = projectID
        self.keyID = keyID
        self.role = role
    }
}
