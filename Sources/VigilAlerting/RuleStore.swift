internal import Foundation
internal import NIOConcurrencyHelpers

/// The rules in force: read from the rule files at start and on reload. A reload that finds
/// problems keeps the rules that were in force and reports the problems.
public final class RuleStore: Sendable {
    /// The files or folders the rules come from.
    public let paths: [String]
    private let environment: [String: String]
    private let state: NIOLockedValueBox<RuleSet>

    /// Loads the rules in `paths`; throws when they have problems. `environment` supplies receivers' secrets.
    public init(paths: [String], environment: [String: String]) throws(RuleCheckFailure) {
        self.paths = paths
        self.environment = environment
        self.state = NIOLockedValueBox(try Self.read(paths, environment: environment))
    }

    /// Rules given directly (tests).
    public init(_ ruleSet: RuleSet, environment: [String: String] = [:]) {
        self.paths = []
        self.environment = environment
        self.state = NIOLockedValueBox(ruleSet)
    }

    /// The rules in force.
    public var current: RuleSet {
        state.withLockedValue { $0 }
    }

    /// The secret of `receiver`, from the environment: nil when it has none; an error naming
    /// the variable when it names one that is not set.
    public func secret(of receiver: Receiver) throws(RuleCheckFailure) -> String? {
        guard let name = receiver.secretEnv else { return nil }
        guard let secret = receiver.secret(in: environment), !secret.isEmpty else {
            throw RuleCheckFailure(problems: [RuleProblem(.missingSecret, at: receiver.source ?? SourceLocation(file: "", line: 0, column: 0),
                                                          "receiver \(receiver.name): environment variable \(name) (its secret_env) is not set")])
        }
        return secret
    }

    /// What a delivery to `receiver` needs from the environment (URL, secret, routing key); an
    /// error naming each variable that is missing.
    public func credentials(of receiver: Receiver) throws(RuleCheckFailure) -> Receiver.Credentials {
        try receiver.credentials(in: environment)
    }

    /// Reads the files again; on problems keeps the rules in force and throws them.
    @discardableResult
    public func reload() throws(RuleCheckFailure) -> RuleSet {
        let ruleSet = try Self.read(paths, environment: environment)
        state.withLockedValue { $0 = ruleSet }
        return ruleSet
    }

    private static func read(_ paths: [String], environment: [String: String]) throws(RuleCheckFailure) -> RuleSet {
        let (files, problems) = RuleFile.read(paths: paths)
        guard problems.isEmpty else { throw RuleCheckFailure(problems: problems) }
        // Secrets are looked up when a notification is sent: a missing one stops that delivery
        // (a dead letter that says so), not the whole server.
        return try RuleChecker.load(files, environment: nil)
    }
}
