internal import Foundation
internal import NIOCore
internal import PostgresNIO

/// New rows for one table, kept column by column in Postgres's binary array format, inserted in
/// one statement: `INSERT INTO table (columns) SELECT … FROM unnest($1, $2, …)`.
///
/// Not `COPY`: PostgresNIO (1.33) traps when COPY data or its end is sent on a connection the
/// server has just closed (a restart, a failover), which takes the whole process down, and it can
/// leave the COPY waiting forever. An array parameter is an ordinary bind, which fails cleanly.
struct BatchRows {
    /// How a column's values travel, and what turns them into the column's type.
    enum Kind {
        case int8, text, bytea, timestamp, numeric, textArray

        /// The array type of the parameter.
        var arrayType: String {
            switch self {
            case .int8, .timestamp: "bigint[]"
            case .text, .numeric, .textArray: "text[]"
            case .bytea: "bytea[]"
            }
        }

        /// The element's type OID.
        var elementType: PostgresDataType {
            switch self {
            case .int8, .timestamp: .int8
            case .text, .numeric, .textArray: .text
            case .bytea: .bytea
            }
        }

        /// The parameter's array type OID.
        var arrayOID: PostgresDataType {
            switch self {
            case .int8, .timestamp: .int8Array
            case .text, .numeric, .textArray: .textArray
            case .bytea: .byteaArray
            }
        }

        /// The select-list expression that makes the column's value of `name`.
        func expression(_ name: String) -> String {
            switch self {
            case .int8, .text, .bytea: name
            case .timestamp: "vigil_ts(\(name))"
            case .numeric: "\(name)::numeric"
            case .textArray: "\(name)::text[]"
            }
        }
    }

    private struct Column {
        var kind: Kind?
        var elements: [UInt8] = []
        var count = 0
        var hasNull = false
    }

    private var columns: [Column]
    private var position = 0
    private var scratch: [UInt8] = []

    /// Rows of `columnCount` columns, with room for about `capacity` bytes.
    init(columnCount: Int, reservingCapacity capacity: Int) {
        columns = Array(repeating: Column(), count: columnCount)
        let each = capacity / max(1, columnCount)
        for index in columns.indices { columns[index].elements.reserveCapacity(each) }
    }

    /// Whether `micros` can be stored as a timestamp: years 1 to 9999 (other rows go by `INSERT`).
    static func canWrite(micros: Int64) -> Bool {
        (-62_135_596_800_000_000..<253_402_300_800_000_000).contains(micros)
    }

    mutating func int(_ value: Int64) {
        append(.int8) { bytes in
            withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
    }

    mutating func text(_ value: String) {
        append(.text) { $0.append(contentsOf: value.utf8) }
    }

    /// An exact decimal, for a `numeric` column.
    mutating func numeric(_ value: Decimal) {
        let text = value.numericText
        append(.numeric) { $0.append(contentsOf: text.utf8) }
    }

    /// A NULL.
    mutating func null() {
        var column = columns[position]
        column.elements.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
        column.count += 1
        column.hasNull = true
        columns[position] = column
        position += 1
    }

    /// A `text[]`: every element double-quoted, its quotes and backslashes escaped.
    mutating func textArray(_ elements: [String]) {
        var literal = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { literal += "," }
            literal += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { literal.unicodeScalars.append("\\") }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        literal += "}"
        append(.textArray) { $0.append(contentsOf: literal.utf8) }
    }

    /// A `bytea`.
    mutating func bytea(_ value: [UInt8]) {
        append(.bytea) { $0.append(contentsOf: value) }
    }

    /// A `bytea` whose bytes `write` appends to an empty array (a scratch array reused from row
    /// to row, so a value costs no allocation of its own).
    mutating func bytea(_ write: (inout [UInt8]) -> Void) {
        scratch.removeAll(keepingCapacity: true)
        write(&scratch)
        bytea(scratch)
    }

    /// A `timestamptz`, `micros` after 1970-01-01 UTC; `canWrite(micros:)` must hold.
    mutating func timestamp(micros: Int64) {
        append(.timestamp) { bytes in
            withUnsafeBytes(of: micros.bigEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// Ends the row.
    mutating func endRow() {
        precondition(position == columns.count, "a row of \(position) values for \(columns.count) columns")
        position = 0
    }

    /// Rows written so far.
    var rowCount: Int { columns.first?.count ?? 0 }

    /// The statement that inserts the rows into `table`'s `names` (one per column).
    func insert(into table: String, columns names: [String]) -> PostgresQuery {
        precondition(names.count == columns.count)
        var bindings = PostgresBindings(capacity: columns.count)
        var parameters: [String] = []
        var selected: [String] = []
        for (index, column) in columns.enumerated() {
            let kind = column.kind ?? .text
            let alias = "c\(index)"
            bindings.append(ColumnArray(elementType: kind.elementType, arrayType: kind.arrayOID, count: column.count, hasNull: column.hasNull, elements: column.elements))
            parameters.append("$\(index + 1)::\(kind.arrayType)")
            selected.append(kind.expression(alias))
        }
        let aliases = columns.indices.map { "c\($0)" }.joined(separator: ", ")
        let sql = "INSERT INTO \(table) (\(names.joined(separator: ", "))) SELECT \(selected.joined(separator: ", ")) FROM unnest(\(parameters.joined(separator: ", "))) AS rows (\(aliases))"
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    private mutating func append(_ kind: Kind, _ write: (inout [UInt8]) -> Void) {
        var column = columns[position]
        if column.kind == nil { column.kind = kind }
        precondition(column.kind == kind, "column \(position) holds \(String(describing: column.kind)), not \(kind)")
        let lengthAt = column.elements.count
        column.elements.append(contentsOf: [0, 0, 0, 0])
        write(&column.elements)
        let length = UInt32(column.elements.count - lengthAt - 4)
        column.elements[lengthAt] = UInt8(length >> 24)
        column.elements[lengthAt + 1] = UInt8(length >> 16 & 0xFF)
        column.elements[lengthAt + 2] = UInt8(length >> 8 & 0xFF)
        column.elements[lengthAt + 3] = UInt8(length & 0xFF)
        column.count += 1
        columns[position] = column
        position += 1
    }
}

/// One column's values as a one-dimensional array parameter in the binary format, its elements
/// already encoded (each a length and its bytes, or -1 for NULL).
private struct ColumnArray: PostgresDynamicTypeEncodable {
    let elementType: PostgresDataType
    let arrayType: PostgresDataType
    let count: Int
    let hasNull: Bool
    let elements: [UInt8]

    var psqlType: PostgresDataType { arrayType }
    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(count == 0 ? 0 : 1, as: Int32.self)
        buffer.writeInteger(hasNull ? 1 : 0, as: Int32.self)
        buffer.writeInteger(elementType.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(Int32(count))
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeBytes(elements)
    }
}
