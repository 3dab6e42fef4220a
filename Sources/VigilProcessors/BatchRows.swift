internal import NIOCore
internal import VigilCore

/// Rows in the text format of Postgres's `COPY ... FROM STDIN`, written straight into bytes: for
/// the many new rows a batch inserts, `COPY` costs Postgres less than half of an `INSERT` from
/// arrays (it neither receives nor unnests the arrays), and writing the text costs Vigil less than
/// encoding them.
struct CopyText {
    private(set) var bytes: [UInt8] = []
    private var rowStarted = false
    private var scratch: [UInt8] = []

    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The rows so far, ready to send.
    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    /// Whether `micros` can be written as a timestamp here: years 1 to 9999 (other rows go by `INSERT`).
    static func canWrite(micros: Int64) -> Bool {
        (-62_135_596_800_000_000..<253_402_300_800_000_000).contains(micros)
    }

    mutating func int(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(value.magnitude, width: 1)
    }

    /// Text, with the backslash, tab, newline and carriage return escaped.
    mutating func text(_ value: String) {
        separate()
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: bytes.append(byte)
            }
        }
    }

    /// A NULL.
    mutating func null() {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
    }

    /// A `text[]`: every element double-quoted, its quotes and backslashes escaped.
    mutating func textArray(_ elements: [String]) {
        var literal = "{"
        for (position, element) in elements.enumerated() {
            if position > 0 { literal += "," }
            literal += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { literal.unicodeScalars.append("\\") }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        literal += "}"
        text(literal)
    }

    /// A `bytea` in hex form (`\\x…`, its backslash escaped for `COPY`).
    mutating func bytea(_ value: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "x"))
        for byte in value {
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0f)])
        }
    }

    /// A `bytea` whose bytes `write` appends to an empty array (a scratch array reused from row
    /// to row, so a value costs no allocation of its own).
    mutating func bytea(_ write: (inout [UInt8]) -> Void) {
        scratch.removeAll(keepingCapacity: true)
        write(&scratch)
        bytea(scratch)
    }

    /// A `timestamptz` in UTC, `YYYY-MM-DD HH:MM:SS.ffffff+00`; `canWrite(micros:)` must hold.
    mutating func timestamp(micros: Int64) {
        separate()
        let days = micros.floorDivided(by: 86_400_000_000)
        let (year, month, day) = CivilTime.date(fromDays: Int(days))
        let inDay = UInt64(micros - days * 86_400_000_000)
        digits(UInt64(year), width: 4)
        bytes.append(UInt8(ascii: "-"))
        digits(UInt64(month), width: 2)
        bytes.append(UInt8(ascii: "-"))
        digits(UInt64(day), width: 2)
        bytes.append(UInt8(ascii: " "))
        digits(inDay / 3_600_000_000, width: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(inDay / 60_000_000 % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(inDay / 1_000_000 % 60, width: 2)
        if inDay % 1_000_000 != 0 {
            bytes.append(UInt8(ascii: "."))
            digits(inDay % 1_000_000, width: 6)
        }
        bytes.append(UInt8(ascii: "+"))
        bytes.append(UInt8(ascii: "0"))
        bytes.append(UInt8(ascii: "0"))
    }

    /// Ends the row.
    mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        rowStarted = false
    }

    private mutating func separate() {
        if rowStarted { bytes.append(UInt8(ascii: "\t")) }
        rowStarted = true
    }

    /// The decimal digits of `value`, zero-padded to `width`.
    private mutating func digits(_ value: UInt64, width: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { scratch in
            var remaining = value
            var index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0 || scratch.count - index < width
            bytes.append(contentsOf: UnsafeMutableBufferPointer(rebasing: scratch[index...]))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
