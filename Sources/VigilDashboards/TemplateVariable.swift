internal import VigilCore

/// A dashboard template variable (`templating.list[]`) as the SQL expansion needs it.
public struct TemplateVariable: Sendable {
    /// What a variable stands for in one expansion.
    public enum Selection: Sendable, Equatable {
        /// "All": the custom all value, else every option.
        case all
        /// These values.
        case values([String])
    }

    /// The name SQL refers to (`$name`, `${name:csv}`, `[[name]]`).
    public var name: String
    /// Its type: query, custom, constant, textbox, interval, datasource...
    public var type: String
    /// Several values may be chosen.
    public var multi: Bool
    /// "All" is offered.
    public var includeAll: Bool
    /// What "All" puts into the SQL, raw; nil or empty: the list of every option.
    public var allValue: String?
    /// The variable's query (SQL for a query variable, the values of a custom one).
    public var query: String
    /// The options written in the document (custom and constant variables).
    public var options: [String]
    /// The selection saved in the document.
    public var saved: Selection

    /// The variables of a dashboard document, in order; a name given twice is an error.
    public static func all(in dashboard: JSONValue) throws -> [TemplateVariable] {
        let list = dashboard["templating"]?["list"]?.arrayValue ?? []
        var variables: [TemplateVariable] = []
        for (index, value) in list.enumerated() {
            guard let name = value["name"]?.stringValue, !name.isEmpty,
                  name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" })
            else {
                throw VigilError(.invalidInput, "templating.list[\(index)].name must be letters, digits or '_'")
            }
            guard !variables.contains(where: { $0.name == name }) else {
                throw VigilError(.invalidInput, "templating.list[\(index)]: the variable \(name) is defined twice")
            }
            let type = value["type"]?.stringValue ?? "query"
            let query: String
            switch value["query"] {
            case .string(let text)?: query = text
            case .object?: query = value["query"]?["query"]?.stringValue ?? value["definition"]?.stringValue ?? ""
            default: query = ""
            }
            var options = (value["options"]?.arrayValue ?? []).compactMap { option -> String? in
                guard let text = Self.text(option["value"]), text != "$__all" else { return nil }
                return text
            }
            if options.isEmpty, type == "custom" || type == "interval" {
                options = query.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            }
            if options.isEmpty, type == "constant" || type == "textbox" {
                options = [query]
            }
            variables.append(TemplateVariable(
                name: name,
                type: type,
                multi: value["multi"]?.boolValue ?? false,
                includeAll: value["includeAll"]?.boolValue ?? false,
                allValue: value["allValue"]?.stringValue,
                query: query,
                options: options,
                saved: Self.selection(value["current"]?["value"]) ?? (options.first.map { .values([$0]) } ?? .all)
            ))
        }
        return variables
    }

    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text
        case .number(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        default: nil
        }
    }

    private static func selection(_ value: JSONValue?) -> Selection? {
        switch value {
        case .array(let elements)?:
            let texts = elements.compactMap { text($0) }
            if texts.contains("$__all") { return .all }
            return texts.isEmpty ? nil : .values(texts)
        case let single?:
            guard let text = text(single) else { return nil }
            return text == "$__all" ? .all : .values([text])
        case nil:
            return nil
        }
    }
}
