internal import VigilCore
internal import Yams

extension RuleFileParser {
    static let groupingKeys = ["group_by", "group_wait", "group_interval", "repeat_interval"]

    /// `filter:` — dimension to a value or a list of values — for a metric taking `allowed`.
    mutating func filter(_ entry: Entry, allowed: [LabelDimension], subject: String) -> [LabelDimension: [String]]? {
        guard let pairs = mapping(entry) else { return nil }
        var filter: [LabelDimension: [String]] = [:]
        var ok = true
        for (keyNode, key, valueNode) in pairs {
            guard let dimension = dimension(key, node: keyNode, allowed: allowed, subject: subject, field: "filter") else {
                ok = false
                continue
            }
            guard let values = stringList(Entry(key: "filter \(key)", keyNode: keyNode, value: valueNode)), !values.isEmpty else {
                if case .sequence = valueNode { report(.invalidValue, valueNode, "filter \"\(key)\" needs at least one value") }
                ok = false
                continue
            }
            filter[dimension] = values.map(\.0)
        }
        return ok ? filter : nil
    }

    /// `by:` — dimensions evaluated separately.
    mutating func by(_ entry: Entry, allowed: [LabelDimension], subject: String) -> [LabelDimension]? {
        guard let names = stringList(entry) else { return nil }
        var result: [LabelDimension] = []
        var ok = true
        for (name, node) in names {
            guard let dimension = dimension(name, node: node, allowed: allowed, subject: subject, field: "by") else {
                ok = false
                continue
            }
            if !result.contains(dimension) { result.append(dimension) }
        }
        return ok ? result : nil
    }

    private mutating func dimension(_ name: String, node: Node, allowed: [LabelDimension], subject: String, field: String) -> LabelDimension? {
        guard let dimension = LabelDimension(rawValue: name) else {
            var message = "unknown \(field) dimension \"\(name)\" (dimensions: \(LabelDimension.allCases.map(\.rawValue).joined(separator: ", ")))"
            if let suggestion = Self.closest(name, in: LabelDimension.allCases.map(\.rawValue)) { message += "; did you mean \"\(suggestion)\"?" }
            report(.unknownKey, node, message)
            return nil
        }
        guard allowed.contains(dimension) else {
            let takes = allowed.isEmpty ? "none" : allowed.map(\.rawValue).joined(separator: ", ")
            report(.invalidValue, node, "\(field) \"\(name)\" does not apply to \(subject) (it takes \(takes))")
            return nil
        }
        return dimension
    }

    /// A mapping's pairs with plain-word keys.
    private mutating func mapping(_ entry: Entry) -> [(Node, String, Node)]? {
        guard case .mapping(let mapping) = entry.value else {
            report(.invalidValue, entry.value, "\"\(entry.key)\" must be a mapping, not \(kind(entry.value))")
            return nil
        }
        var pairs: [(Node, String, Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(.invalidValue, keyNode, "keys of \"\(entry.key)\" must be plain words, not \(kind(keyNode))")
                continue
            }
            pairs.append((keyNode, key.string, value))
        }
        return pairs
    }

    /// `labels:` — label names to values; `alertname` and `severity` have fields of their own.
    mutating func labels(_ entry: Entry) -> LabelSet? {
        guard let pairs = stringMap(entry) else { return nil }
        var labels = LabelSet()
        var ok = true
        for pair in pairs {
            guard AnnotationTemplate.isLabelName(pair.key) else {
                report(.invalidValue, pair.keyNode, "\"\(pair.key)\" is not a valid label name (letters, digits and _, not starting with a digit)")
                ok = false
                continue
            }
            switch pair.key {
            case "alertname":
                report(.invalidValue, pair.keyNode, "label \"alertname\" is the rule's name; set \"name\" instead")
                ok = false
            case "severity":
                report(.invalidValue, pair.keyNode, "label \"severity\" has a field of its own; set \"severity\" instead")
                ok = false
            default:
                labels[pair.key] = pair.value
            }
        }
        return ok ? labels : nil
    }

    /// `annotations:` — names to templates.
    mutating func annotations(_ entry: Entry) -> [String: AnnotationTemplate]? {
        guard let pairs = stringMap(entry) else { return nil }
        var annotations: [String: AnnotationTemplate] = [:]
        var ok = true
        for pair in pairs {
            do {
                annotations[pair.key] = try AnnotationTemplate(pair.value)
            } catch {
                report(.badTemplate, pair.valueNode, "bad template in annotation \"\(pair.key)\": \(error.message)")
                ok = false
            }
        }
        return ok ? annotations : nil
    }

    /// `receivers:` — at least one name, with where each is written.
    mutating func receiverNames(_ entry: Entry) -> [(String, SourceLocation)]? {
        guard let names = stringList(entry) else { return nil }
        guard !names.isEmpty else {
            report(.invalidValue, entry.value, "\"receivers\" needs at least one receiver")
            return nil
        }
        return names.map { ($0.0, location($0.1)) }
    }

    /// `projects:` — a list of one or more project names, each once. A single name, an empty or
    /// empty-valued list, and anything that is not a project name are refused: a rule meant for
    /// some projects must never end up applying to all of them, or to none by a typo.
    mutating func scope(_ entry: Entry) -> RuleScope? {
        let example = "such as projects: [checkout, search]; leave \"projects\" out to apply the rule to every project"
        guard case .sequence(let sequence) = entry.value else {
            report(.invalidValue, entry.value, "\"projects\" must be a list of project names (\(example)), not \(kind(entry.value))")
            return nil
        }
        guard !sequence.isEmpty else {
            report(.invalidValue, entry.value, "\"projects\" must name at least one project (\(example))")
            return nil
        }
        var names: Set<String> = []
        var ok = true
        for item in sequence {
            guard case .scalar(let scalar) = item, !isNull(item) else {
                report(.invalidValue, item, "items of \"projects\" must be project names, not \(kind(item))")
                ok = false
                continue
            }
            guard ProjectName.isValid(scalar.string) else {
                report(.invalidValue, item, "\"\(scalar.string)\" in \"projects\" is not a project name (\(ProjectName.rule))")
                ok = false
                continue
            }
            guard names.insert(scalar.string).inserted else {
                report(.invalidValue, item, "project \"\(scalar.string)\" is listed twice in \"projects\"")
                ok = false
                continue
            }
        }
        return ok ? .projects(names) : nil
    }

    /// `group_by`, `group_wait`, `group_interval`, `repeat_interval`, over the defaults.
    mutating func grouping(_ fields: [String: Entry]) -> GroupingOptions? {
        var options = GroupingOptions.default
        var ok = true
        if let entry = fields["group_by"] {
            if let names = stringList(entry) {
                for (name, node) in names where name != "..." && !AnnotationTemplate.isLabelName(name) {
                    report(.invalidValue, node, "\"\(name)\" in group_by is not a label name (or \"...\" for all labels)")
                    ok = false
                }
                if names.contains(where: { $0.0 == "..." }) && names.count > 1 {
                    report(.invalidValue, entry.value, "group_by [\"...\"] groups by all labels and cannot be combined with names")
                    ok = false
                }
                options.groupBy = names.map(\.0)
            } else {
                ok = false
            }
        }
        if let entry = fields["group_wait"] {
            if let value = duration(entry) { options.groupWait = value } else { ok = false }
        }
        if let entry = fields["group_interval"] {
            if let value = duration(entry, positive: true) { options.groupInterval = value } else { ok = false }
        }
        if let entry = fields["repeat_interval"] {
            if let value = duration(entry, positive: true) { options.repeatInterval = value } else { ok = false }
        }
        return ok ? options : nil
    }
}
