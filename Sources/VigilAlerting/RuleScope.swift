/// Which projects a rule applies to: it is evaluated for them only, and only their keys see it
/// (`projects: [a, b]` in the rule file; left out, every project).
public enum RuleScope: Sendable, Hashable {
    /// Every project (no `projects:` in the rule).
    case allProjects
    /// The projects named, by name; never empty.
    case projects(Set<String>)

    /// Whether the rule applies to project `name`.
    public func includes(project name: String) -> Bool {
        switch self {
        case .allProjects: true
        case .projects(let names): names.contains(name)
        }
    }
}
