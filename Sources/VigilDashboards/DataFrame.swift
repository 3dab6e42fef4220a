internal import Foundation
internal import PostgresNIO
internal import VigilCore

/// One query's result as Grafana keeps it in a snapshot (`panel.snapshotData[]`, a DataFrameDTO):
/// named, typed fields, each with its column of values.
public struct DataFrame: Sendable {
    /// A column.
    public struct Field: Sendable {
        /// The column's name.
        public var name: String
        /// `time` (Unix milliseconds), `number`, `string`, `boolean` or `other`.
        public var type: String
        /// The series labels of a time series' value field.
        public var labels: [(String, String)] = []
        /// The values, one per row.
        public var values: [JSONValue]
    }

    /// The target's refId.
    public var refID: String
    /// The SQL that ran, expanded.
    public var executedSQL: String
    /// The columns.
    public var fields: [Field]
    /// Whether rows were left out past the row limit.
    public var truncated = false

    /// The number of rows.
    public var rowCount: Int { fields.first?.values.count ?? 0 }

    /// The DataFrameDTO form Grafana reads from `snapshotData`.
    public var json: JSONValue {
        var meta: [(String, JSONValue)] = [("executedQueryString", .string(executedSQL))]
        if truncated {
            meta.append(("notices", .array([.object([("severity", .string("warning")), ("text", .string("rows past \(DataFrame.rowLimit) were left out"))])])))
        }
        return .object([
            ("refId", .string(refID)),
            ("name", .string(refID)),
            ("meta", .object(meta)),
            ("fields", .array(fields.map { field in
                var members: [(String, JSONValue)] = [("name", .string(field.name)), ("type", .string(field.type))]
                var config: [(String, JSONValue)] = []
                if !field.labels.isEmpty {
                    members.append(("labels", .object(field.labels.map { ($0.0, .string($0.1)) })))
                    config.append(("displayNameFromDS", .string(field.labels.map(\.1).joined(separator: " "))))
                }
                members.append(("config", .object(config)))
                members.append(("values", .array(field.values)))
                return .object(members)
            })),
        ])
    }

    /// The most rows one query embeds.
    public static let rowLimit = 10_000

    /// A frame from a query's rows, every cell read by its Postgres type. A column named `time`
    /// holding seconds (what `$__timeGroupAlias` writes) becomes a time field in milliseconds.
    static func reading(_ rows: PostgresRowSequence, refID: String, sql: String) async throws -> DataFrame {
        var frame = DataFrame(refID: refID, executedSQL: sql, fields: [])
        var count = 0
        for try await row in rows {
            if count == rowLimit {
                frame.truncated = true
                continue  // drain the rest of the rows
            }
            for (index, cell) in row.enumerated() {
                if count == 0 {
                    frame.fields.append(Field(name: cell.columnName, type: type(of: cell), values: []))
                }
                frame.fields[index].values.append(try value(of: cell, asTime: frame.fields[index].type == "time"))
            }
            count += 1
        }
        return frame
    }

    private static func type(of cell: PostgresCell) -> String {
        switch cell.dataType {
        case .timestamptz, .timestamp, .date: "time"
        case _ where cell.columnName == "time" && [.int2, .int4, .int8, .float4, .float8, .numeric].contains(cell.dataType): "time"
        case .int2, .int4, .int8, .float4, .float8, .numeric, .oid: "number"
        case .bool: "boolean"
        case .text, .varchar, .name, .bpchar, .json, .jsonb, .uuid: "string"
        default: "other"
        }
    }

    private static func value(of cell: PostgresCell, asTime: Bool) throws -> JSONValue {
        guard cell.bytes != nil else { return .null }
        func number(_ double: Double) -> JSONValue {
            guard double.isFinite else { return .null }
            if asTime { return .number(String(Int64((double * 1000).rounded()))) }
            if double == double.rounded(), abs(double) < 9e15 { return .number(String(Int64(double))) }
            return .number("\(double)")
        }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8, .oid:
                let value = try cell.decode(Int64.self)
                return asTime ? .number(String(value * 1000)) : .number(String(value))
            case .float4, .float8:
                return number(try cell.decode(Double.self))
            case .numeric:
                let decimal = try cell.decode(Decimal.self)
                if asTime { return number(NSDecimalNumber(decimal: decimal).doubleValue) }
                return .number(decimal.description)
            case .bool:
                return .bool(try cell.decode(Bool.self))
            case .timestamptz, .timestamp, .date:
                let date = try cell.decode(Date.self)
                return .number(String(Int64((date.timeIntervalSince1970 * 1000).rounded())))
            case .uuid:
                return .string(try cell.decode(UUID.self).uuidString.lowercased())
            default:
                return .string(try cell.decode(String.self))
            }
        } catch is PostgresDecodingError {
            throw VigilError(.invalidInput, "column \(cell.columnName) has a type (oid \(cell.dataType.rawValue)) the export cannot read: cast it to text or a number")
        }
    }
}
