public import VigilCore

/// How many findings of each kind one text or event had redacted: built-in kinds by their raw
/// name (`email`), custom patterns by their name in lower case, denied attributes as `redacted`.
public struct RedactionCounts: Sendable, Equatable {
    /// The counts by name.
    public private(set) var byName: [String: Int] = [:]

    /// No counts.
    public init() {}

    /// Whether nothing was redacted.
    public var isEmpty: Bool { byName.isEmpty }

    /// The count of `kind`.
    public subscript(_ kind: PIIKind) -> Int { byName[kind.rawValue] ?? 0 }

    /// The count under `name`.
    public subscript(_ name: String) -> Int { byName[name] ?? 0 }

    /// Adds `count` under `name`.
    public mutating func add(_ name: String, _ count: Int = 1) {
        byName[name, default: 0] += count
    }

    /// Adds every count of `other`.
    public mutating func merge(_ other: RedactionCounts) {
        for (name, count) in other.byName { add(name, count) }
    }

    /// Writes the counts as an object under `key`, names sorted, so the same counts give the same bytes.
    public func write(_ key: String, into writer: inout JSONWriter) {
        writer.beginObject(key)
        for name in byName.keys.sorted() { writer.int(name, Int64(byName[name] ?? 0)) }
        writer.endObject()
    }
}
