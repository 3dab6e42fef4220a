/// Text as an array of Unicode scalars with bounds-safe reads (outside the text reads as NUL),
/// so scanners can look behind and ahead without checks.
struct ScalarText {
    let scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var count: Int { scalars.count }

    subscript(_ index: Int) -> Unicode.Scalar {
        index >= 0 && index < scalars.count ? scalars[index] : "\0"
    }

    /// The scalar before `index`, with the letter of a JSON escape (`\n`, `\t`, …) read as a space:
    /// message lists arrive as JSON text inside string attributes, and `\nbob@example.com` is
    /// an email after a line break.
    func before(_ index: Int) -> Unicode.Scalar {
        let scalar = self[index - 1]
        if scalar.isOne(of: "nrtbf"), self[index - 2] == "\\" { return " " }
        return scalar
    }

    /// The first offset at or after `start` whose scalar fails `predicate`.
    func runEnd(from start: Int, while predicate: (Unicode.Scalar) -> Bool) -> Int {
        var index = max(start, 0)
        while index < scalars.count, predicate(scalars[index]) { index += 1 }
        return index
    }

    /// Whether the scalars at `index` spell `prefix`.
    func has(_ prefix: String, at index: Int) -> Bool {
        var position = index
        for scalar in prefix.unicodeScalars {
            guard position >= 0, position < scalars.count, scalars[position] == scalar else { return false }
            position += 1
        }
        return true
    }

    /// The first offset at or after `start` where `needle` begins.
    func find(_ needle: String, from start: Int) -> Int? {
        var index = max(start, 0)
        while index < scalars.count {
            if has(needle, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// The scalars in `range` as a string.
    func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }
}

extension Unicode.Scalar {
    var isASCIIDigit: Bool { value >= 0x30 && value <= 0x39 }
    var isASCIIUpper: Bool { value >= 0x41 && value <= 0x5A }
    var isASCIILower: Bool { value >= 0x61 && value <= 0x7A }
    var isASCIILetter: Bool { isASCIIUpper || isASCIILower }
    var isASCIIAlnum: Bool { isASCIILetter || isASCIIDigit }
    var isASCIIHex: Bool { isASCIIDigit || (value >= 0x41 && value <= 0x46) || (value >= 0x61 && value <= 0x66) }
    /// A letter, digit or underscore of ASCII: what makes a token continue.
    var isWordScalar: Bool { isASCIIAlnum || self == "_" }
    var isBase64URL: Bool { isASCIIAlnum || self == "-" || self == "_" }
    /// The value of an ASCII digit.
    var digitValue: Int { Int(value) - 0x30 }

    /// Whether the scalar is one of `set`'s, an ASCII literal (checked byte by byte: this runs for
    /// nearly every scalar a span's texts hold).
    func isOne(of set: StaticString) -> Bool {
        guard value < 0x80 else { return false }
        let byte = UInt8(value)
        return set.withUTF8Buffer { $0.contains(byte) }
    }
}
