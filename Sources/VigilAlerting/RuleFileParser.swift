internal import Foundation
internal import Yams

/// Reads one rule file through Yams' node API, so every value keeps its line and column, into the
/// model types, collecting every problem instead of stopping at the first. References between
/// files (receivers, SLOs, duplicate names) are checked afterwards by `RuleChecker`.
struct RuleFileParser {
    /// A receiver and where its parts are.
    struct ParsedReceiver {
        var receiver: Receiver
        var nameLocation: SourceLocation
        /// Where each `*_env` field's variable name is written, by field.
        var variableLocations: [String: SourceLocation]
    }

    /// A rule and where its parts are; `sloName` is resolved by the checker.
    struct ParsedRule {
        var rule: AlertRule
        var nameLocation: SourceLocation
        var receiverLocations: [SourceLocation]
        var sloName: (name: String, location: SourceLocation)?
        /// The SLO that generated it, for rules made from SLOs.
        var generatedBy: String?
    }

    /// An SLO and where its parts are.
    struct ParsedSLO {
        var slo: ServiceLevelObjective
        var nameLocation: SourceLocation
        var receiverLocations: [SourceLocation]
    }

    /// One key of a mapping with its value.
    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    let path: String
    private(set) var problems: [RuleProblem] = []
    private(set) var receivers: [ParsedReceiver] = []
    private(set) var rules: [ParsedRule] = []
    private(set) var slos: [ParsedSLO] = []
    /// Names of every receiver and SLO the file declares, valid or not, so that references to one
    /// with a problem of its own are not reported as unknown too.
    var declaredReceivers: Set<String> = []
    var declaredSLOs: Set<String> = []
    /// Whether the file was valid YAML; the checker skips cross-file references otherwise.
    private(set) var isValidYAML = true

    init(path: String) {
        self.path = path
    }

    /// Parses the file's text.
    mutating func parse(_ text: String) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            isValidYAML = false
            problems.append(syntaxProblem(error, text: text))
            return
        } catch {
            isValidYAML = false
            problems.append(RuleProblem(.yamlSyntax, at: SourceLocation(file: path, line: 1, column: 1), "YAML syntax error: \(error)"))
            return
        }
        guard let root, !isNull(root) else { return }
        guard let top = entries(root, what: "the top level of a rule file", allowed: ["receivers", "rules", "slos"]) else { return }
        for entry in top {
            switch entry.key {
            case "receivers":
                for item in items(entry.value, field: "receivers") {
                    if let receiver = receiver(item) { receivers.append(receiver) }
                }
            case "rules":
                for item in items(entry.value, field: "rules") {
                    if let rule = rule(item) { rules.append(rule) }
                }
            case "slos":
                for item in items(entry.value, field: "slos") {
                    if let slo = slo(item) { slos.append(slo) }
                }
            default:
                break
            }
        }
    }

    // MARK: - Problems

    mutating func report(_ code: RuleProblem.Code, _ node: Node, _ message: String) {
        problems.append(RuleProblem(code, at: location(node), message))
    }

    func location(_ node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: path, line: 1, column: 1) }
        return SourceLocation(file: path, line: max(mark.line, 1), column: max(mark.column, 1))
    }

    private func syntaxProblem(_ error: YamlError, text: String) -> RuleProblem {
        func at(_ mark: Mark) -> SourceLocation {
            SourceLocation(file: path, line: max(mark.line, 1), column: max(mark.column, 1))
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "YAML syntax error: \(problem)"
            if let context {
                message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
            }
            return RuleProblem(.yamlSyntax, at: at(mark), message)
        case .reader(let problem, let offset, _, _):
            var line = 1
            var column = 1
            if let offset {
                for character in text.prefix(offset) {
                    if character == "\n" || character == "\r\n" {
                        line += 1
                        column = 1
                    } else {
                        column += character.unicodeScalars.count
                    }
                }
            }
            return RuleProblem(.yamlSyntax, at: SourceLocation(file: path, line: line, column: column), "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return RuleProblem(.yamlSyntax, at: at(context.mark), "duplicate key \(keys) in a mapping")
        default:
            return RuleProblem(.yamlSyntax, at: SourceLocation(file: path, line: 1, column: 1), "YAML syntax error: \(error)")
        }
    }

    // MARK: - Structure

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return tagName(node) == .null
    }

    /// The node's resolved YAML tag (`!!int`, `!!str`, …); quoted scalars are always strings.
    func tagName(_ node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar: return isNull(node) ? "empty" : "\"\(node.string ?? "")\""
        case .alias: return "an alias"
        }
    }

    /// The entries of a mapping, reporting a node that is not one, keys that are not strings and
    /// keys outside `allowed` (with a suggestion when one is close).
    mutating func entries(_ node: Node, what: String, allowed: [String]) -> [Entry]? {
        guard case .mapping(let mapping) = node else {
            report(.invalidValue, node, "\(what) must be a mapping (key: value lines), not \(kind(node))")
            return nil
        }
        var result: [Entry] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(.invalidValue, keyNode, "keys in \(what) must be plain words, not \(kind(keyNode))")
                continue
            }
            guard allowed.contains(key.string) else {
                var message = "unknown key \"\(key.string)\" in \(what)"
                if let suggestion = Self.closest(key.string, in: allowed) { message += " (did you mean \"\(suggestion)\"?)" }
                report(.unknownKey, keyNode, message)
                continue
            }
            result.append(Entry(key: key.string, keyNode: keyNode, value: value))
        }
        return result
    }

    /// The items of a list field; a missing (null) list is empty.
    mutating func items(_ node: Node, field: String) -> [Node] {
        if isNull(node) { return [] }
        guard case .sequence(let sequence) = node else {
            report(.invalidValue, node, "\"\(field)\" must be a list (lines starting with -), not \(kind(node))")
            return []
        }
        return Array(sequence)
    }

    // MARK: - Values

    /// A non-empty string scalar.
    mutating func string(_ entry: Entry) -> String? {
        guard case .scalar(let scalar) = entry.value, !isNull(entry.value) else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" must be a string, not \(kind(entry.value))")
            return nil
        }
        guard !scalar.string.isEmpty else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" must not be empty")
            return nil
        }
        return scalar.string
    }

    /// A finite number.
    mutating func number(_ entry: Entry) -> Double? {
        guard case .scalar(let scalar) = entry.value, scalar.style == .plain || scalar.style == .any,
              [.int, .float].contains(tagName(entry.value)), let value = entry.value.float, value.isFinite
        else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" must be a number, not \(kind(entry.value))")
            return nil
        }
        return value
    }

    /// A whole number, at least zero.
    mutating func count(_ entry: Entry) -> Int? {
        guard tagName(entry.value) == .int, let value = entry.value.int, value >= 0 else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" must be a whole number, at least 0, not \(kind(entry.value))")
            return nil
        }
        return value
    }

    /// `true` or `false`.
    mutating func bool(_ entry: Entry) -> Bool? {
        guard tagName(entry.value) == .bool, let value = entry.value.bool else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" must be true or false, not \(kind(entry.value))")
            return nil
        }
        return value
    }

    /// A duration in `1h30m` notation; `positive` refuses zero.
    mutating func duration(_ entry: Entry, positive: Bool = false) -> Duration? {
        guard case .scalar(let scalar) = entry.value, !isNull(entry.value) else {
            report(.badDuration, entry.value, "bad duration for \"\(entry.key)\": expected \(DurationText.expected), not \(kind(entry.value))")
            return nil
        }
        guard let duration = DurationText.parse(scalar.string) else {
            report(.badDuration, entry.value, "bad duration \"\(scalar.string)\" for \"\(entry.key)\": expected \(DurationText.expected)")
            return nil
        }
        if positive, duration <= .zero {
            report(.badDuration, entry.value, "\"\(entry.key)\" must be longer than 0s")
            return nil
        }
        return duration
    }

    /// A list of non-empty strings, with each item's node; a single string counts as a list of one.
    mutating func stringList(_ entry: Entry) -> [(String, Node)]? {
        if case .scalar = entry.value, !isNull(entry.value) {
            return string(entry).map { [($0, entry.value)] }
        }
        guard case .sequence(let sequence) = entry.value else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" must be a list of strings, not \(kind(entry.value))")
            return nil
        }
        var result: [(String, Node)] = []
        for item in sequence {
            guard case .scalar(let scalar) = item, !isNull(item), !scalar.string.isEmpty else {
                report(.invalidValue, item, "items of \"\(entry.key)\" must be non-empty strings, not \(kind(item))")
                continue
            }
            result.append((scalar.string, item))
        }
        return result
    }

    /// A mapping of strings to strings, with each value's node.
    mutating func stringMap(_ entry: Entry) -> [(key: String, keyNode: Node, value: String, valueNode: Node)]? {
        if isNull(entry.value) { return [] }
        guard case .mapping(let mapping) = entry.value else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" must be a mapping of names to strings, not \(kind(entry.value))")
            return nil
        }
        var result: [(key: String, keyNode: Node, value: String, valueNode: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode, !key.string.isEmpty else {
                report(.invalidValue, keyNode, "keys of \"\(entry.key)\" must be non-empty strings")
                continue
            }
            guard case .scalar(let scalar) = value, !isNull(value) else {
                report(.invalidValue, value, "\"\(entry.key)\" value for \"\(key.string)\" must be a string, not \(kind(value))")
                continue
            }
            result.append((key.string, keyNode, scalar.string, value))
        }
        return result
    }

    /// Reports each of `required` that `fields` lacks, at the mapping; true when none is missing.
    mutating func require(_ required: [String], in fields: [String: Entry], node: Node, what: String) -> Bool {
        var complete = true
        for field in required where fields[field] == nil {
            report(.missingField, node, "missing required field \"\(field)\" in \(what)")
            complete = false
        }
        return complete
    }

    /// The entries by key (keys are unique: Yams refuses duplicates), dropping null values of
    /// optional fields so that `for:` with nothing after it reads as absent.
    func fields(_ entries: [Entry], required: [String]) -> [String: Entry] {
        var fields: [String: Entry] = [:]
        for entry in entries where !isNull(entry.value) || required.contains(entry.key) {
            fields[entry.key] = entry
        }
        return fields
    }

    /// The allowed word closest to `word` by edit distance, when it is a likely misspelling.
    static func closest(_ word: String, in candidates: [String]) -> String? {
        let best = candidates.map { ($0, editDistance(word.lowercased(), $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(1, min(3, word.count / 3)) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
