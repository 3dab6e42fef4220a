internal import VigilCore

/// A dashboard in Grafana's JSON model, with what Vigil needs from it picked out: its uid and
/// title, its template variables and the SQL targets of its panels (rows' panels included).
public struct Dashboard: Sendable {
    /// Where a dashboard comes from.
    public enum Source: String, Sendable {
        /// A file of the `dashboards/` folder, the same for every project.
        case shipped
        /// Imported by a project's admin.
        case imported
    }

    /// One SQL query of a panel.
    public struct Target: Sendable {
        /// The query's `refId` (A, B, ...).
        public var refID: String
        /// The SQL before expansion.
        public var rawSQL: String
        /// `time_series` or `table`.
        public var format: String
    }

    /// A panel that queries data.
    public struct Panel: Sendable {
        /// Where it is in the document (`panels[3]`, `panels[2].panels[0]`), for messages.
        public var path: String
        /// The panel's id.
        public var id: Int?
        /// The panel's title.
        public var title: String
        /// Its width in grid columns (of 24).
        public var width: Int
        /// The panel's own lower limit of the interval (`interval`), if any.
        public var minInterval: String?
        /// The panel's `maxDataPoints`, if any.
        public var maxDataPoints: Int?
        /// Its SQL targets.
        public var targets: [Target]
    }

    /// The dashboard's uid.
    public var uid: String
    /// Its title.
    public var title: String
    /// Its tags.
    public var tags: [String]
    /// Shipped or imported.
    public var source: Source
    /// The whole document.
    public var json: JSONValue
    /// The panels with SQL targets.
    public var panels: [Panel]
    /// The template variables.
    public var variables: [TemplateVariable]

    /// Reads and checks a dashboard document: an object with a uid of 1–40 letters, digits, `-`
    /// or `_`, a title, panels with a `gridPos`, and targets whose `rawSql` is a string that
    /// `PanelSQLGuard` accepts. A problem is an `.invalidInput` error naming where it is.
    public init(json: JSONValue, source: Source) throws {
        guard case .object = json else { throw VigilError(.invalidInput, "a dashboard must be a JSON object") }
        guard let uid = json["uid"]?.stringValue, !uid.isEmpty, uid.count <= 40,
              uid.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") })
        else {
            throw VigilError(.invalidInput, "uid must be 1 to 40 letters, digits, '-' or '_'")
        }
        guard let title = json["title"]?.stringValue, !title.trimmingWhitespace().isEmpty else {
            throw VigilError(.invalidInput, "title must be a non-empty string")
        }
        guard let panelValues = json["panels"]?.arrayValue else {
            throw VigilError(.invalidInput, "panels must be an array")
        }
        self.uid = uid
        self.title = title
        self.tags = json["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.source = source
        self.json = json
        var panels: [Panel] = []
        for (index, value) in panelValues.enumerated() {
            try Self.collect(value, path: "panels[\(index)]", into: &panels)
        }
        self.panels = panels
        self.variables = try TemplateVariable.all(in: json)
    }

    private static let layoutTypes: Set<String> = ["row", "text"]

    private static func collect(_ value: JSONValue, path: String, into panels: inout [Panel]) throws {
        guard case .object = value else { throw VigilError(.invalidInput, "\(path) must be an object") }
        guard let type = value["type"]?.stringValue, !type.isEmpty else { throw VigilError(.invalidInput, "\(path).type must be a string") }
        guard let grid = value["gridPos"], ["h", "w", "x", "y"].allSatisfy({ grid[$0]?.intValue != nil }) else {
            throw VigilError(.invalidInput, "\(path).gridPos must have whole numbers h, w, x and y")
        }
        if let nested = value["panels"]?.arrayValue {
            for (index, child) in nested.enumerated() {
                try collect(child, path: "\(path).panels[\(index)]", into: &panels)
            }
        }
        if layoutTypes.contains(type) { return }
        let targetValues = value["targets"]?.arrayValue ?? []
        var targets: [Target] = []
        for (index, target) in targetValues.enumerated() {
            let where_ = "\(path).targets[\(index)]"
            guard let raw = target["rawSql"] else { continue }  // another data source's query: carried, not run
            guard let sql = raw.stringValue, !sql.trimmingWhitespace().isEmpty else {
                throw VigilError(.invalidInput, "\(where_).rawSql must be a non-empty string")
            }
            do {
                try PanelSQLGuard.check(sql)
            } catch let error as VigilError {
                throw VigilError(.invalidInput, "\(where_).rawSql: \(error.message)")
            }
            targets.append(Target(refID: target["refId"]?.stringValue ?? String(UnicodeScalar(UInt8(65 + index % 26))), rawSQL: sql, format: target["format"]?.stringValue ?? "table"))
        }
        if targets.isEmpty { return }
        panels.append(Panel(
            path: path,
            id: value["id"]?.intValue,
            title: value["title"]?.stringValue ?? "",
            width: value["gridPos"]?["w"]?.intValue ?? 24,
            minInterval: value["interval"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            maxDataPoints: value["maxDataPoints"]?.intValue,
            targets: targets
        ))
    }
}
