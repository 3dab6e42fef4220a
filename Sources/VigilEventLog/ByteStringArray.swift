internal import NIOCore
internal import PostgresNIO

/// A one-dimensional `bytea[]` or `jsonb[]` parameter whose elements are byte strings already in
/// memory (dedup keys, JSON bodies), written into the bind message in Postgres's binary array
/// format without making a `String` or a `ByteBuffer` of each.
struct ByteStringArray: PostgresDynamicTypeEncodable {
    private let elements: [[UInt8]]
    private let elementType: PostgresDataType
    let psqlType: PostgresDataType
    var psqlFormat: PostgresFormat { .binary }

    /// A `bytea[]` of `elements`.
    init(bytea elements: [[UInt8]]) {
        self.elements = elements
        self.elementType = .bytea
        self.psqlType = .byteaArray
    }

    /// A `jsonb[]` of `elements`, each the UTF-8 text of one JSON value.
    init(jsonb elements: [[UInt8]]) {
        self.elements = elements
        self.elementType = .jsonb
        self.psqlType = .jsonbArray
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        // Header: dimensions, has-nulls flag, element type; then the one dimension's length and
        // lower bound; then each element as its length and bytes.
        let isJSONB = elementType == .jsonb
        var size = 20
        for element in elements { size += 4 + element.count + (isJSONB ? 1 : 0) }
        buffer.reserveCapacity(minimumWritableBytes: size)
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(0, as: Int32.self)
        buffer.writeInteger(elementType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)
        for element in elements {
            if isJSONB {
                // Binary jsonb is a version byte (1) and the JSON text.
                buffer.writeInteger(Int32(element.count + 1))
                buffer.writeInteger(UInt8(1))
            } else {
                buffer.writeInteger(Int32(element.count))
            }
            buffer.writeBytes(element)
        }
    }
}
