/// Writes JSON text straight into bytes, in the order the caller writes it, so the same input
/// always gives the same bytes (content hashes rely on that). Commas are placed automatically.
public struct JSONWriter: Sendable {
    /// The JSON text written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// Makes an empty writer.
    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// Opens an object; as a value, or under `key` inside an object.
    public mutating func beginObject(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Opens an array; as a value, or under `key` inside an object.
    public mutating func beginArray(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes a string.
    public mutating func string(_ key: String? = nil, _ value: String) {
        prefix(key)
        writeString(value)
        needsComma = true
    }

    /// Writes a signed integer.
    public mutating func int(_ key: String? = nil, _ value: Int64) {
        prefix(key)
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// Writes an unsigned integer.
    public mutating func uint(_ key: String? = nil, _ value: UInt64) {
        prefix(key)
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// Writes a double; NaN and the infinities, which JSON cannot hold, as the strings
    /// "NaN", "Infinity" and "-Infinity".
    public mutating func double(_ key: String? = nil, _ value: Double) {
        prefix(key)
        if value.isNaN {
            writeString("NaN")
        } else if value.isInfinite {
            writeString(value > 0 ? "Infinity" : "-Infinity")
        } else if value == value.rounded(.towardZero), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
        needsComma = true
    }

    /// Writes a boolean.
    public mutating func bool(_ key: String? = nil, _ value: Bool) {
        prefix(key)
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
        needsComma = true
    }

    /// Writes null.
    public mutating func null(_ key: String? = nil) {
        prefix(key)
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes already-encoded JSON text as a value.
    public mutating func raw(_ key: String? = nil, _ json: [UInt8]) {
        prefix(key)
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// Writes already-encoded members (`"a":1,"b":2`, without braces) into the open object; nothing
    /// when `json` is empty.
    public mutating func members(_ json: some Collection<UInt8>) {
        guard !json.isEmpty else { return }
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: json)
        needsComma = true
    }

    private mutating func prefix(_ key: String?) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        if let key {
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                // Postgres's jsonb refuses \u0000, so NUL is written as U+FFFD; other controls as \u00XX.
                if byte == 0 {
                    bytes.append(contentsOf: "\\ufffd".utf8)
                } else {
                    bytes.append(contentsOf: "\\u00".utf8)
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
