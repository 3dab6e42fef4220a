/// Finds payloads hidden in a text and decodes them: base64 and hex runs, rot13 lines. A decoded
/// payload is kept only when it reads like text (valid UTF-8, at least 90% printable, at least half
/// letters and spaces), so hashes, ids and binary data are not taken for messages.
/// `scripts/injection_mirror.py` mirrors this file; keep them in step.
public enum PayloadDecoder {
    /// The shortest base64 run tried (without padding).
    static let minimumBase64 = 20
    /// The shortest hex run tried.
    static let minimumHex = 16

    /// Common words of the six languages (and of attacks) that tell a rot13 line from noise.
    static let rot13Words: Set<String> = [
        "the", "and", "you", "your", "to", "of", "is", "all", "are", "in", "for", "with", "this", "that",
        "it", "on", "be", "not", "from", "now", "me", "my", "what", "no", "any", "instructions",
        "previous", "ignore", "system", "prompt", "rules", "tell", "under", "der", "die", "das", "und",
        "ist", "nicht", "le", "la", "les", "et", "des", "est", "el", "los", "las", "que", "il", "di",
        "che", "os", "do", "da",
    ]

    /// The value of a base64 or base64url digit, nil for anything else.
    static func base64Value(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar.value {
        case 0x41...0x5A: scalar.value - 0x41
        case 0x61...0x7A: scalar.value - 0x61 + 26
        case 0x30...0x39: scalar.value - 0x30 + 52
        case 0x2B, 0x2D: 62
        case 0x2F, 0x5F: 63
        default: nil
        }
    }

    /// The texts that base64 runs of 20 or more digits decode to.
    public static func base64(_ text: [Unicode.Scalar]) -> [String] {
        var found: [String] = []
        var index = 0
        while index < text.count {
            guard base64Value(text[index]) != nil else {
                index += 1
                continue
            }
            var end = index
            while end < text.count, base64Value(text[end]) != nil { end += 1 }
            if end - index >= minimumBase64 {
                var bits = 0
                var value: UInt32 = 0
                var bytes: [UInt8] = []
                for scalar in text[index..<end] {
                    value = ((value << 6) | (base64Value(scalar) ?? 0)) & 0xFFFFFF
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        bytes.append(UInt8((value >> UInt32(bits)) & 0xFF))
                    }
                }
                if let decoded = readable(bytes) { found.append(decoded) }
            }
            index = end
        }
        return found
    }

    /// The texts that runs of 16 or more hex digits (an even number) decode to.
    public static func hex(_ text: [Unicode.Scalar]) -> [String] {
        var found: [String] = []
        var index = 0
        while index < text.count {
            guard text[index].isASCIIHex else {
                index += 1
                continue
            }
            var end = index
            while end < text.count, text[end].isASCIIHex { end += 1 }
            let length = end - index
            if length >= minimumHex, length % 2 == 0 {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(length / 2)
                var position = index
                while position < end {
                    bytes.append(UInt8(hexValue(text[position]) << 4 | hexValue(text[position + 1])))
                    position += 2
                }
                if let decoded = readable(bytes) { found.append(decoded) }
            }
            index = end
        }
        return found
    }

    static func hexValue(_ scalar: Unicode.Scalar) -> UInt32 {
        switch scalar.value {
        case 0x30...0x39: scalar.value - 0x30
        case 0x41...0x46: scalar.value - 0x41 + 10
        default: scalar.value - 0x61 + 10
        }
    }

    /// The lines (of three or more words) that read better in rot13 than as written: their rot13
    /// has at least two common words, at least one word in five, and more than twice as many as
    /// the line itself.
    public static func rot13Lines(_ text: [Unicode.Scalar]) -> [String] {
        var found: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = asciiWords(line)
            guard words.count >= 3 else { continue }
            let plain = words.filter { rot13Words.contains($0) }.count
            let turned = rot13(Array(line))
            let hits = asciiWords(turned[...]).filter { rot13Words.contains($0) }.count
            if hits >= 2, hits * 5 >= words.count, hits > 2 * plain {
                found.append(Lexicon.string(turned))
            }
        }
        return found
    }

    /// Letters rotated by 13 places; everything else as it is.
    public static func rot13(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.map { scalar in
            let value = scalar.value
            if value >= 0x61, value <= 0x7A { return Unicode.Scalar(UInt8((value - 0x61 + 13) % 26 + 0x61)) }
            if value >= 0x41, value <= 0x5A { return Unicode.Scalar(UInt8((value - 0x41 + 13) % 26 + 0x41)) }
            return scalar
        }
    }

    /// The runs of ASCII letters, lower-cased.
    static func asciiWords(_ scalars: ArraySlice<Unicode.Scalar>) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in scalars {
            if scalar.isASCIILetter {
                current.append(scalar.isASCIIUpper ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// `bytes` as text when they are valid UTF-8 of six or more scalars, at least 90% printable and
    /// at least half letters or spaces.
    static func readable(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let scalars = Array(text.unicodeScalars)
        // Invalid UTF-8 decodes to U+FFFD; a text holding one is refused either way.
        guard scalars.count >= 6, !scalars.contains("\u{FFFD}") else { return nil }
        var printable = 0
        var letters = 0
        for scalar in scalars {
            if (scalar.value >= 0x20 && scalar.value != 0x7F) || scalar == "\n" || scalar == "\t" || scalar == "\r" { printable += 1 }
            if scalar.isLetter || scalar == " " { letters += 1 }
        }
        guard printable * 10 >= scalars.count * 9, letters * 2 >= scalars.count else { return nil }
        return text
    }
}

extension Unicode.Scalar {
    /// A letter in Python's sense (`str.isalpha`): general category L.
    var isLetter: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    /// A letter or a number in Python's sense (`str.isalnum`).
    var isLetterOrNumber: Bool { isLetter || properties.numericType != nil }
}
