/// Thrown by `RuleChecker.load` when the rule files have problems: all of them, so that a reload
/// through the API can answer with every message at once.
public struct RuleCheckFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, ordered by file, line and column.
    public var problems: [RuleProblem]

    /// Makes a failure.
    public init(problems: [RuleProblem]) {
        self.problems = problems
    }

    /// One `file:line:column: message` line per problem.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
