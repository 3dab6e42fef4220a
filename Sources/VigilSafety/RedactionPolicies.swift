internal import Crypto
internal import Foundation

/// Where the ingest path gets each project's redaction policy: a default policy from the
/// configuration (`VIGIL_REDACTION`) and per-project overrides, with hash keys derived per project
/// from the server secret (`VIGIL_REDACTION_SECRET`), so one project's tokens say nothing about
/// another's.
public struct RedactionPolicies: Sendable {
    /// The policy of every project without an override.
    public var defaultPolicy: RedactionPolicy
    /// Policies of single projects, by project id.
    public var overrides: [Int64: RedactionPolicy]
    private let serverSecret: [UInt8]

    /// Makes the store. `serverSecret` should be long and random; it never leaves the process.
    public init(defaultPolicy: RedactionPolicy = RedactionPolicy(), overrides: [Int64: RedactionPolicy] = [:], serverSecret: [UInt8] = []) {
        self.defaultPolicy = defaultPolicy
        self.overrides = overrides
        self.serverSecret = serverSecret
    }

    /// The redactor for `projectID`'s telemetry.
    public func redactor(projectID: Int64) -> Redactor {
        Redactor(policy: overrides[projectID] ?? defaultPolicy, projectKey: projectKey(projectID))
    }

    /// HMAC-SHA256 of the project id under the server secret.
    func projectKey(_ projectID: Int64) -> [UInt8] {
        let key = SymmetricKey(data: Data(serverSecret.isEmpty ? [0] : serverSecret))
        return Array(HMAC<SHA256>.authenticationCode(for: Data("vigil.redaction.project/\(projectID)".utf8), using: key))
    }
}
