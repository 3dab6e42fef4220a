/// A rule file's path (as shown in messages) and its text.
public struct RuleFile: Sendable, Hashable {
    /// The path as it should appear in messages (`alerts/latency.yaml`).
    public var path: String
    /// The file's text.
    public var contents: String

    /// Makes a rule file from its path and text.
    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}
