/// The labels that identify an alert (or a group of alerts): names to values, as Prometheus and
/// Alertmanager mean them. A label with an empty value is the same as no label, so none is kept.
public struct LabelSet: Sendable, Hashable, Codable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// The labels by name.
    public private(set) var dictionary: [String: String]

    /// An empty label set.
    public init() {
        dictionary = [:]
    }

    /// The labels of `dictionary`, less those with empty values.
    public init(_ dictionary: [String: String]) {
        self.dictionary = dictionary.filter { !$0.value.isEmpty }
    }

    /// Makes a label set from a literal.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The value of label `name`, or nil; setting an empty value or nil removes the label.
    public subscript(name: String) -> String? {
        get { dictionary[name] }
        set { dictionary[name] = newValue.flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// How many labels there are.
    public var count: Int { dictionary.count }

    /// Whether there are no labels.
    public var isEmpty: Bool { dictionary.isEmpty }

    /// The labels sorted by name, byte by byte, as Prometheus sorts them.
    public var sorted: [(name: String, value: String)] {
        // Compared in place, byte by byte (no array per comparison: this runs for every series of
        // every rule, every cycle).
        dictionary.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
    }

    /// The labels sorted by name.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        sorted.makeIterator()
    }

    /// These labels with `other`'s added, `other` winning where both have a label.
    public func merging(_ other: LabelSet) -> LabelSet {
        var merged = self
        for (name, value) in other.dictionary { merged.dictionary[name] = value }
        return merged
    }

    /// Only the labels named in `names`.
    public func keeping(_ names: some Sequence<String>) -> LabelSet {
        var kept = LabelSet()
        for name in names { kept[name] = dictionary[name] }
        return kept
    }

    /// `{alertname="HighLatency", service="chat"}`: Prometheus' notation, names sorted, values
    /// quoted as Go quotes them. Alertmanager's group keys are made of it.
    public var description: String {
        "{" + sorted.map { "\($0.name)=\(Self.quoted($0.value))" }.joined(separator: ", ") + "}"
    }

    /// Decodes a JSON object of strings.
    public init(from decoder: any Decoder) throws {
        self.init(try [String: String](from: decoder))
    }

    /// Encodes a JSON object of strings.
    public func encode(to encoder: any Encoder) throws {
        try dictionary.encode(to: encoder)
    }

    /// `value` in double quotes with `"`, `\` and control characters escaped.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
