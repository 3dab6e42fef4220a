/// Who a request acts as, once its key is verified.
public struct Principal: Sendable, Equatable {
    /// The key's project; `InstanceProject.id` for an instance-wide key.
    public var projectID: Int64
    /// The project's name (rules are limited to projects by name); `InstanceProject.name` for an
    /// instance-wide key.
    public var projectName: String
    /// The key's id.
    public var keyID: Int64
    /// The key's role.
    public var role: Role
    /// The key's rate limits and spend quota (its own, else its project's defaults).
    public var limits: KeyLimits

    /// Makes a principal.
    public init(projectID: Int64, projectName: String, keyID: Int64, role: Role, limits: KeyLimits = .none) {
        self.projectID = projectID
        self.projectName = projectName
        self.keyID = keyID
        self.role = role
        self.limits = limits
    }
}
