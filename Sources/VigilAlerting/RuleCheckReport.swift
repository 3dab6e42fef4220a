/// What checking rule files found: the rule set (complete only when there are no problems) and
/// every problem, ordered by file, line and column.
public struct RuleCheckReport: Sendable, Hashable {
    /// What the files define; items with problems are left out.
    public var ruleSet: RuleSet
    /// Every problem found.
    public var problems: [RuleProblem]

    /// Makes a report.
    public init(ruleSet: RuleSet, problems: [RuleProblem]) {
        self.ruleSet = ruleSet
        self.problems = problems
    }

    /// Whether the files are valid.
    public var isValid: Bool { problems.isEmpty }

    /// One `file:line:column: message` line per problem.
    public var lines: [String] { problems.map(\.description) }
}
