internal import Foundation
internal import VigilCore

/// A value a `NotificationTemplate` works on: what Go's text/template sees of Alertmanager's
/// template data — strings, lists, string-keyed maps, booleans and integers.
public indirect enum TemplateValue: Sendable, Hashable {
    /// A string.
    case string(String)
    /// An integer (`len`, `.TruncatedAlerts`).
    case int(Int)
    /// A boolean.
    case bool(Bool)
    /// A list; `.Firing` and `.Resolved` of a list of alerts filter it by status, as Alertmanager's do.
    case list([TemplateValue])
    /// A map; ranged over and printed in key order, as Go does.
    case map([String: TemplateValue])
    /// Nothing (a missing field of the data).
    case null

    /// A map of strings (labels, annotations).
    static func strings(_ dictionary: [String: String]) -> TemplateValue {
        .map(dictionary.mapValues(TemplateValue.string))
    }

    /// Whether `if` takes it as true: not empty, zero, false or missing.
    var isTruthy: Bool {
        switch self {
        case .string(let text): return !text.isEmpty
        case .int(let number): return number != 0
        case .bool(let flag): return flag
        case .list(let items): return !items.isEmpty
        case .map(let entries): return !entries.isEmpty
        case .null: return false
        }
    }

    /// The value as `{{ . }}` prints it, in Go's `fmt` forms for lists (`[a b]`) and maps (`map[k:v]`).
    var printed: String {
        switch self {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .list(let items): return "[" + items.map(\.printed).joined(separator: " ") + "]"
        case .map(let entries): return "map[" + entries.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.printed)" }.joined(separator: " ") + "]"
        case .null: return "<no value>"
        }
    }

    /// The value as JSON: strings quoted and escaped, maps as objects with sorted keys, lists as arrays.
    var json: String {
        var writer = JSONWriter()
        write(into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private func write(into writer: inout JSONWriter, key: String? = nil) {
        switch self {
        case .string(let text): writer.string(key, text)
        case .int(let number): writer.int(key, Int64(number))
        case .bool(let flag): writer.bool(key, flag)
        case .null: writer.null(key)
        case .list(let items):
            writer.beginArray(key)
            for item in items { item.write(into: &writer) }
            writer.endArray()
        case .map(let entries):
            writer.beginObject(key)
            for (name, value) in entries.sorted(by: { $0.key < $1.key }) { value.write(into: &writer, key: name) }
            writer.endObject()
        }
    }
}
