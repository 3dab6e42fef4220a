internal import Foundation

/// A text prepared for the injection model: invisible characters (Unicode tag characters,
/// zero-width characters) stripped and counted, NFKC applied, Cyrillic and Greek look-alikes
/// folded to Latin, lower-cased, whitespace collapsed; fake role markers counted; and the payloads
/// hidden in it decoded (tag characters, base64, hex, rot13), each normalised the same way.
/// `scripts/injection_mirror.py` mirrors this file; keep them in step.
public struct NormalizedText: Sendable {
    /// The normalised text.
    public var text: String
    /// Unicode tag characters (U+E0000–U+E007F) removed.
    public var tagCharacters: Int
    /// Zero-width and other invisible format characters removed.
    public var zeroWidthCharacters: Int
    /// Look-alike letters folded that stood next to a Latin letter (mixed-script words).
    public var homoglyphs: Int
    /// Fake role or system markers (`<|im_start|>system`, `### System:`, `[INST]`, …).
    public var roleMarkers: Int
    /// Decoded payloads, normalised: how each was hidden, and its text.
    public var decoded: [(kind: PayloadKind, text: String)]

    /// Normalises `text` and decodes what is hidden in it.
    public init(_ text: String) {
        let stripped = InjectionNormalizer.stripInvisible(text)
        let folded = InjectionNormalizer.fold(stripped.visible)
        self.text = InjectionNormalizer.collapse(folded.scalars)
        tagCharacters = stripped.tags
        zeroWidthCharacters = stripped.zeroWidth
        homoglyphs = folded.mixed
        roleMarkers = InjectionNormalizer.countRoleMarkers(folded.scalars)
        var payloads: [(kind: PayloadKind, text: String)] = []
        if !stripped.hidden.isEmpty { payloads.append((.tags, stripped.hidden)) }
        let visible = Array(stripped.visible.unicodeScalars)
        payloads += PayloadDecoder.base64(visible).map { (kind: PayloadKind.base64, text: $0) }
        payloads += PayloadDecoder.hex(visible).map { (kind: PayloadKind.hex, text: $0) }
        payloads += PayloadDecoder.rot13Lines(visible).map { (kind: PayloadKind.rot13, text: $0) }
        decoded = payloads.prefix(8).map { payload in
            (kind: payload.kind, text: InjectionNormalizer.collapse(InjectionNormalizer.fold(InjectionNormalizer.stripInvisible(payload.text).visible).scalars))
        }
    }

    /// Invisible characters removed: tag characters and zero-width ones.
    public var hiddenCharacters: Int { tagCharacters + zeroWidthCharacters }
}

/// How a payload was hidden.
public enum PayloadKind: String, Sendable, Hashable {
    /// Unicode tag characters spelling ASCII (U+E0020–U+E007E).
    case tags
    /// A base64 (or base64url) run.
    case base64
    /// A run of hex digits.
    case hex
    /// A line in rot13.
    case rot13
}

/// The steps of `NormalizedText`, each usable on its own.
public enum InjectionNormalizer {
    /// Zero-width and invisible format characters: ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen,
    /// Mongolian vowel separator, left-to-right and right-to-left marks.
    static let zeroWidth: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x200E, 0x200F]
    /// What counts as whitespace when runs are collapsed.
    static let whitespace: Set<UInt32> = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x2028, 0x2029, 0x3000]

    /// Cyrillic and Greek letters that look like Latin ones, and the Latin letter each stands for.
    static let homoglyphs: [Unicode.Scalar: Unicode.Scalar] = [
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ԛ": "q", "ԝ": "w", "ν": "v", "ο": "o", "α": "a",
        "ι": "i", "κ": "k", "τ": "t", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
        "Р": "P", "С": "C", "Т": "T", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Α": "A", "Β": "B", "Ε": "E",
        "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X",
        "Υ": "Y",
    ]

    /// Fake chat-template and role markers, matched in the folded, lower-cased text.
    static let roleMarkerLexicon = Lexicon.Terms(roleMarkers)
    static let roleMarkers: [String] = [
        "<|im_start|>", "<|im_end|>", "<|system|>", "<|assistant|>", "<|user|>", "<|endoftext|>",
        "[inst]", "[/inst]", "<<sys>>", "<</sys>>", "### system", "### instruction", "### assistant",
        "<system>", "</system>", "</user>", "<instructions", "\"role\": \"system\"", "\"role\":\"system\"",
        "end of user input", "system override", "begin system", "</s>",
    ]
    /// Role names that count as a marker at the start of a line.
    static let lineMarkers: [String] = ["system:", "assistant:", "human:"]

    /// `text` without tag and zero-width characters; how many of each were removed; and the ASCII
    /// the tag characters spelled.
    public static func stripInvisible(_ text: String) -> (visible: String, tags: Int, zeroWidth: Int, hidden: String) {
        var kept = String.UnicodeScalarView()
        var hidden = String.UnicodeScalarView()
        var tags = 0
        var zero = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value >= 0xE0000, value <= 0xE007F {
                tags += 1
                if value >= 0xE0020, value <= 0xE007E, let ascii = Unicode.Scalar(value - 0xE0000) { hidden.append(ascii) }
            } else if zeroWidth.contains(value) {
                zero += 1
            } else {
                kept.append(scalar)
            }
        }
        return (String(kept), tags, zero, String(hidden))
    }

    /// NFKC, look-alikes folded to Latin, lower case; with the count of folded letters that stood
    /// next to a Latin letter.
    public static func fold(_ text: String) -> (scalars: [Unicode.Scalar], mixed: Int) {
        let nfkc = Array(text.precomposedStringWithCompatibilityMapping.unicodeScalars)
        var out = String.UnicodeScalarView()
        var mixed = 0
        for (index, scalar) in nfkc.enumerated() {
            if let latin = homoglyphs[scalar] {
                let previous = index > 0 ? nfkc[index - 1] : " "
                let next = index + 1 < nfkc.count ? nfkc[index + 1] : " "
                if previous.isASCIILetter || next.isASCIILetter { mixed += 1 }
                out.append(latin)
            } else {
                out.append(scalar)
            }
        }
        return (Array(String(out).lowercased().unicodeScalars), mixed)
    }

    /// Runs of whitespace as one space, none at the ends.
    public static func collapse(_ scalars: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        var inSpace = false
        for scalar in scalars {
            if whitespace.contains(scalar.value) {
                if !inSpace { out.append(" ") }
                inSpace = true
            } else {
                out.append(scalar)
                inSpace = false
            }
        }
        var result = Array(out)
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return Lexicon.string(result)
    }

    /// Fake role markers in folded text: the listed markers anywhere, and role names at the start of a line.
    public static func countRoleMarkers(_ folded: [Unicode.Scalar]) -> Int {
        var count = roleMarkerLexicon.count(in: folded)
        for line in folded.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = Array(line.drop(while: { $0 == " " || $0 == "\t" }))
            if lineMarkers.contains(where: { Lexicon.hasPrefix(trimmed, $0) }) { count += 1 }
        }
        return count
    }
}

/// Counting words and phrases in scalar arrays, as Python's `str.count` does (non-overlapping).
enum Lexicon {
    /// A list of terms made ready once for counting in many texts: each term's scalars, and the
    /// terms by their first scalar, so one pass over a text tries only the terms that can start at
    /// each position. Counts as `count(_:in:)` does: each term's non-overlapping occurrences, left
    /// to right, added up.
    struct Terms: Sendable {
        private let patterns: [[Unicode.Scalar]]
        private let byFirst: [Unicode.Scalar: [Int]]
        /// `byFirst` for ASCII first scalars, looked up without hashing.
        private let byFirstASCII: [[Int]]

        init(_ terms: [String]) {
            patterns = terms.map { Array($0.unicodeScalars) }
            var byFirst: [Unicode.Scalar: [Int]] = [:]
            for (index, pattern) in patterns.enumerated() {
                if let first = pattern.first { byFirst[first, default: []].append(index) }
            }
            self.byFirst = byFirst
            byFirstASCII = (0..<128).map { byFirst[Unicode.Scalar(UInt8($0))] ?? [] }
        }

        func count(in text: [Unicode.Scalar]) -> Int {
            guard !byFirst.isEmpty else { return 0 }
            var total = 0
            // Where each term may next match (an occurrence is skipped over, as `occurrences` does).
            var nextAllowed = [Int](repeating: 0, count: patterns.count)
            for index in text.indices {
                let scalar = text[index]
                let candidates: [Int]
                if scalar.value < 128 {
                    candidates = byFirstASCII[Int(scalar.value)]
                    if candidates.isEmpty { continue }
                } else {
                    guard let found = byFirst[scalar] else { continue }
                    candidates = found
                }
                for term in candidates where index >= nextAllowed[term] {
                    let pattern = patterns[term]
                    if index + pattern.count <= text.count, Lexicon.matches(pattern, text, at: index) {
                        total += 1
                        nextAllowed[term] = index + pattern.count
                    }
                }
            }
            return total
        }
    }

    static func hasPrefix(_ scalars: [Unicode.Scalar], _ prefix: String) -> Bool {
        let pattern = Array(prefix.unicodeScalars)
        return pattern.count <= scalars.count && matches(pattern, scalars, at: 0)
    }

    static func matches(_ pattern: [Unicode.Scalar], _ haystack: [Unicode.Scalar], at index: Int) -> Bool {
        for offset in 0..<pattern.count where haystack[index + offset] != pattern[offset] { return false }
        return true
    }

    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
