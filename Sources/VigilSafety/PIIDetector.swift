/// Finds personal data and secrets in free text: emails, phone numbers, payment cards, IBANs, US
/// SSNs, API keys and tokens, private keys, IP addresses. Hand-written scanners over Unicode
/// scalars, no regular expressions, because every string of every export passes through here.
/// Numbers are accepted only with their checksum (Luhn, mod-97) or valid ranges, and only at token
/// boundaries, so order numbers, UUIDs, hashes, timestamps, versions and prices survive.
/// `scripts/pii_mirror.py` mirrors this file for the fixture's cross-check; keep them in step.
public enum PIIDetector {
    /// When two findings overlap, the earlier kind in this list wins.
    static let priority: [PIIKind] = [.secret, .email, .iban, .card, .ssn, .ip, .phone]

    /// The findings in `text`, in order, not overlapping; offsets in Unicode scalars.
    public static func findings(in text: String) -> [PIIFinding] {
        guard mayContainPII(text) else { return [] }
        return findings(in: ScalarText(Array(text.unicodeScalars)))
    }

    /// Whether `text` has a digit or an `@`: every kind needs one (keys and tokens have digits).
    static func mayContainPII(_ text: String) -> Bool {
        for byte in text.utf8 where (byte >= 0x30 && byte <= 0x39) || byte == 0x40 {
            return true
        }
        return false
    }

    static func findings(in text: ScalarText) -> [PIIFinding] {
        var found: [PIIFinding] = []
        scanPrivateKeys(text, into: &found)
        var taken = [Bool](repeating: false, count: text.count)
        for finding in found {
            for index in finding.start..<finding.end { taken[index] = true }
        }
        var candidates: [PIIKind: [Range<Int>]] = [:]
        func add(_ kind: PIIKind, _ start: Int, _ end: Int?) {
            if let end { candidates[kind, default: []].append(start..<end) }
        }
        for index in 0..<text.count {
            let scalar = text[index]
            if scalar.isOne(of: "seAgxr") { add(.secret, index, secretEnd(text, index)) }
            if scalar == "@", let range = emailRange(text, index) { add(.email, range.lowerBound, range.upperBound) }
            if scalar.isASCIIUpper { add(.iban, index, ibanEnd(text, index)) }
            if scalar.isASCIIDigit {
                add(.card, index, cardEnd(text, index))
                add(.ssn, index, ssnEnd(text, index))
                add(.ip, index, ipv4End(text, index))
            }
            if scalar.isASCIIHex || scalar == ":" { add(.ip, index, ipv6End(text, index)) }
            if scalar.isASCIIDigit || scalar == "+" || scalar == "(" { add(.phone, index, phoneEnd(text, index)) }
        }
        for kind in priority {
            for range in candidates[kind] ?? [] where !taken[range].contains(true) {
                for index in range { taken[index] = true }
                found.append(PIIFinding(kind: kind, start: range.lowerBound, end: range.upperBound))
            }
        }
        found.sort { $0.start < $1.start }
        return found
    }

    // MARK: Secrets

    /// `-----BEGIN … PRIVATE KEY-----` to the matching END line (or the end of the text, when cut off).
    static func scanPrivateKeys(_ text: ScalarText, into found: inout [PIIFinding]) {
        let marker = "-----BEGIN "
        let markerLength = marker.unicodeScalars.count
        var search = text.find(marker, from: 0)
        while let start = search {
            guard let headEnd = text.find("-----", from: start + markerLength), headEnd - start < 80,
                  text.string((start + markerLength)..<headEnd).hasSuffix("PRIVATE KEY") else {
                search = text.find(marker, from: start + 1)
                continue
            }
            var end = text.count
            if let endMarker = text.find("-----END ", from: headEnd + 5), let close = text.find("-----", from: endMarker + 9) {
                end = close + 5
            }
            found.append(PIIFinding(kind: .secret, start: start, end: end))
            search = text.find(marker, from: end)
        }
    }

    /// A known key prefix, what may follow it, and how much.
    private struct KeyShape {
        let prefix: String
        let body: @Sendable (Unicode.Scalar) -> Bool
        let minimum: Int
        let exact: Bool
        let needsDigit: Bool
    }

    private static let keyShapes: [KeyShape] = [
        KeyShape(prefix: "sk-ant-", body: { $0.isBase64URL }, minimum: 20, exact: false, needsDigit: false),
        KeyShape(prefix: "sk-proj-", body: { $0.isBase64URL }, minimum: 20, exact: false, needsDigit: false),
        KeyShape(prefix: "sk-", body: { $0.isBase64URL }, minimum: 20, exact: false, needsDigit: true),
        KeyShape(prefix: "AKIA", body: { $0.isASCIIUpper || $0.isASCIIDigit }, minimum: 16, exact: true, needsDigit: false),
        KeyShape(prefix: "ASIA", body: { $0.isASCIIUpper || $0.isASCIIDigit }, minimum: 16, exact: true, needsDigit: false),
        KeyShape(prefix: "ghp_", body: { $0.isASCIIAlnum }, minimum: 30, exact: false, needsDigit: false),
        KeyShape(prefix: "gho_", body: { $0.isASCIIAlnum }, minimum: 30, exact: false, needsDigit: false),
        KeyShape(prefix: "ghs_", body: { $0.isASCIIAlnum }, minimum: 30, exact: false, needsDigit: false),
        KeyShape(prefix: "ghu_", body: { $0.isASCIIAlnum }, minimum: 30, exact: false, needsDigit: false),
        KeyShape(prefix: "ghr_", body: { $0.isASCIIAlnum }, minimum: 30, exact: false, needsDigit: false),
        KeyShape(prefix: "github_pat_", body: { $0.isWordScalar }, minimum: 22, exact: false, needsDigit: false),
        KeyShape(prefix: "sk_live_", body: { $0.isASCIIAlnum }, minimum: 16, exact: false, needsDigit: false),
        KeyShape(prefix: "rk_live_", body: { $0.isASCIIAlnum }, minimum: 16, exact: false, needsDigit: false),
        KeyShape(prefix: "sk_test_", body: { $0.isASCIIAlnum }, minimum: 16, exact: false, needsDigit: false),
        KeyShape(prefix: "rk_test_", body: { $0.isASCIIAlnum }, minimum: 16, exact: false, needsDigit: false),
        KeyShape(prefix: "AIza", body: { $0.isBase64URL }, minimum: 35, exact: true, needsDigit: false),
    ]

    /// The end of a key or token starting at `start`.
    static func secretEnd(_ text: ScalarText, _ start: Int) -> Int? {
        let before = text.before(start)
        if before.isWordScalar || before == "-" { return nil }
        if text.has("eyJ", at: start) { return jwtEnd(text, start) }
        if text.has("xox", at: start), text[start + 3].isOne(of: "abporsABPORS"), text[start + 4] == "-" {
            let end = text.runEnd(from: start + 5) { $0.isASCIIAlnum || $0 == "-" }
            return end - (start + 5) >= 10 ? end : nil
        }
        for shape in keyShapes where text.has(shape.prefix, at: start) {
            let bodyStart = start + shape.prefix.unicodeScalars.count
            let end = text.runEnd(from: bodyStart, while: shape.body)
            let length = end - bodyStart
            if shape.exact ? length != shape.minimum : length < shape.minimum { return nil }
            if shape.needsDigit, !text.scalars[bodyStart..<end].contains(where: { $0.isASCIIDigit }) { return nil }
            return end
        }
        return nil
    }

    /// A JWT: three base64url parts, the first decoding to JSON with an `"alg"` member.
    static func jwtEnd(_ text: ScalarText, _ start: Int) -> Int? {
        let headerEnd = text.runEnd(from: start) { $0.isBase64URL }
        guard headerEnd - start >= 10, text[headerEnd] == "." else { return nil }
        let payloadEnd = text.runEnd(from: headerEnd + 1) { $0.isBase64URL }
        guard payloadEnd - (headerEnd + 1) >= 2, text[payloadEnd] == "." else { return nil }
        let signatureEnd = text.runEnd(from: payloadEnd + 1) { $0.isBase64URL }
        guard let header = base64URLDecode(text.scalars[start..<headerEnd]) else { return nil }
        let compact = header.filter { $0 != 0x20 }
        let alg: [UInt8] = [0x22, 0x61, 0x6C, 0x67, 0x22]
        guard compact.count >= alg.count else { return nil }
        for offset in 0...(compact.count - alg.count) where Array(compact[offset..<(offset + alg.count)]) == alg {
            return signatureEnd
        }
        return nil
    }

    static func base64URLDecode(_ scalars: ArraySlice<Unicode.Scalar>) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for scalar in scalars {
            let sextet: UInt32
            switch scalar.value {
            case 0x41...0x5A: sextet = scalar.value - 0x41
            case 0x61...0x7A: sextet = scalar.value - 0x61 + 26
            case 0x30...0x39: sextet = scalar.value - 0x30 + 52
            case 0x2D: sextet = 62
            case 0x5F: sextet = 63
            default: return nil
            }
            buffer = ((buffer << 6) | sextet) & 0xFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }

    // MARK: Email

    /// The email around the `@` at `at`: a local part of ASCII letters, digits and `._%+-`, and a
    /// domain of at least two labels whose last is two or more letters.
    static func emailRange(_ text: ScalarText, _ at: Int) -> Range<Int>? {
        var start = at
        while start > 0, isLocalPart(text.before(start)) { start -= 1 }
        while start < at, text[start] == "." { start += 1 }
        guard start < at else { return nil }
        var position = at + 1
        var labels = 0
        var lastLabelStart = position
        var end: Int?
        while true {
            let labelEnd = text.runEnd(from: position) { $0.isASCIIAlnum || $0 == "-" }
            if labelEnd == position { break }
            labels += 1
            lastLabelStart = position
            end = labelEnd
            if text[labelEnd] == ".", text[labelEnd + 1].isASCIIAlnum {
                position = labelEnd + 1
                continue
            }
            break
        }
        guard let end, labels >= 2, end - lastLabelStart >= 2,
              text.scalars[lastLabelStart..<end].allSatisfy({ $0.isASCIILetter }) else { return nil }
        return start..<end
    }

    static func isLocalPart(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCIIAlnum || scalar.isOne(of: "._%+-")
    }

    // MARK: Numbers

    /// Whether a number may start at `index`: not inside a word, not after `+`, not continuing a
    /// dotted, dashed or slashed token (`v1.2`, `A-12`, `x/3`).
    static func numberStartOK(_ text: ScalarText, _ index: Int) -> Bool {
        let before = text.before(index)
        if before.isWordScalar || before == "+" { return false }
        if before.isOne(of: ".,-/"), text[index - 2].isASCIIAlnum { return false }
        return true
    }

    /// Whether a number may end at `end`: not inside a word, not followed by `.5`, `,5`, `-5` or `/5`.
    static func numberEndOK(_ text: ScalarText, _ end: Int) -> Bool {
        let after = text[end]
        if after.isWordScalar { return false }
        if after.isOne(of: ".,-/"), text[end + 1].isASCIIDigit { return false }
        return true
    }

    /// Runs of digits from `start` joined by single separators from `separators`, until more than
    /// `maxDigits` digits were read.
    static func digitGroups(_ text: ScalarText, _ start: Int, separators: StaticString, maxDigits: Int) -> [Range<Int>] {
        var groups: [Range<Int>] = []
        var position = start
        var total = 0
        while true {
            let end = text.runEnd(from: position) { $0.isASCIIDigit }
            if end == position { break }
            groups.append(position..<end)
            total += end - position
            if total > maxDigits { break }
            if text[end].isOne(of: separators), text[end + 1].isASCIIDigit {
                position = end + 1
                continue
            }
            break
        }
        return groups
    }

    /// A card number: 13–19 digits, plain or grouped with one kind of separator (space or dash),
    /// Luhn-valid, with a known issuer prefix. The longest such run of whole groups wins.
    static func cardEnd(_ text: ScalarText, _ start: Int) -> Int? {
        guard numberStartOK(text, start) else { return nil }
        let groups = digitGroups(text, start, separators: " -", maxDigits: 19)
        for count in stride(from: groups.count, to: 0, by: -1) {
            let chosen = groups[0..<count]
            let end = chosen[chosen.endIndex - 1].upperBound
            let digits = chosen.flatMap { group in text.scalars[group].map(\.digitValue) }
            guard (13...19).contains(digits.count), numberEndOK(text, end) else { continue }
            let separators = Set(chosen.dropLast().map { text[$0.upperBound] })
            guard separators.count <= 1 else { continue }
            if Checksum.luhn(digits), Checksum.hasKnownIssuer(digits) { return end }
        }
        return nil
    }

    /// A US SSN, `AAA-GG-SSSS`, in a valid range.
    static func ssnEnd(_ text: ScalarText, _ start: Int) -> Int? {
        guard numberStartOK(text, start) else { return nil }
        for offset in [0, 1, 2, 4, 5, 7, 8, 9, 10] where !text[start + offset].isASCIIDigit { return nil }
        guard text[start + 3] == "-", text[start + 6] == "-" else { return nil }
        let end = start + 11
        guard numberEndOK(text, end), text[end] != "-" else { return nil }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + text[$1].digitValue } }
        let area = number(start..<(start + 3))
        let group = number((start + 4)..<(start + 6))
        let serial = number((start + 7)..<end)
        return Checksum.isValidSSN(area: area, group: group, serial: serial) ? end : nil
    }

    /// An IBAN: a known country code, two check digits, the country's length of letters and
    /// digits (single spaces allowed between them), passing mod-97.
    static func ibanEnd(_ text: ScalarText, _ start: Int) -> Int? {
        guard !text.before(start).isWordScalar, text[start].isASCIIUpper, text[start + 1].isASCIIUpper,
              text[start + 2].isASCIIDigit, text[start + 3].isASCIIDigit,
              let length = Checksum.ibanLengths[text.string(start..<(start + 2))] else { return nil }
        var characters = String.UnicodeScalarView()
        var count = 0
        var position = start
        while count < length {
            let scalar = text[position]
            if scalar.isASCIIUpper || scalar.isASCIIDigit {
                characters.append(scalar)
                count += 1
                position += 1
            } else if scalar == " ", text[position + 1].isASCIIUpper || text[position + 1].isASCIIDigit, count >= 4 {
                position += 1
            } else {
                return nil
            }
        }
        guard !text[position].isASCIIAlnum, Checksum.ibanMod97(String(characters)) else { return nil }
        return position
    }

    // MARK: IP addresses

    /// Words that make a following dotted quad a version number.
    private static let versionWords: Set<String> = ["version", "v", "release", "build", "versión", "ver"]

    /// A dotted quad of octets 0–255 (no leading zeros), not part of a longer dotted string and
    /// not after a version word.
    static func ipv4End(_ text: ScalarText, _ start: Int) -> Int? {
        let before = text.before(start)
        if before.isWordScalar || before == "." || before == ":" { return nil }
        var wordEnd = start - 1
        while wordEnd >= 0, text[wordEnd] == " " { wordEnd -= 1 }
        var wordStart = wordEnd
        while wordStart >= 0, text[wordStart].isASCIILetter || text[wordStart] == "ó" { wordStart -= 1 }
        if wordEnd + 1 != start, wordStart < wordEnd,
           versionWords.contains(text.string((wordStart + 1)..<(wordEnd + 1)).lowercased()) {
            return nil
        }
        var position = start
        for part in 0..<4 {
            let end = text.runEnd(from: position) { $0.isASCIIDigit }
            guard end > position, end - position <= 3 else { return nil }
            let value = (position..<end).reduce(0) { $0 * 10 + text[$1].digitValue }
            if value > 255 || (end - position > 1 && text[position] == "0") { return nil }
            if part < 3 {
                guard text[end] == "." else { return nil }
                position = end + 1
            } else {
                position = end
            }
        }
        if text[position].isWordScalar || (text[position] == "." && text[position + 1].isASCIIDigit) { return nil }
        return position
    }

    /// An IPv6 address: eight groups of 1–4 hex digits, or fewer around one `::` (then with a
    /// digit somewhere, so `abc::def` in code is not one).
    static func ipv6End(_ text: ScalarText, _ start: Int) -> Int? {
        let before = text.before(start)
        if before.isWordScalar || before == ":" || before == "." { return nil }
        var end = text.runEnd(from: start) { $0.isASCIIHex || $0 == ":" }
        if end - start >= 2, text[end - 1] == ":", text[end - 2] != ":" { end -= 1 }
        let candidate = text.scalars[start..<end]
        guard candidate.filter({ $0 == ":" }).count >= 2 else { return nil }
        if text[end].isWordScalar || (text[end] == "." && text[end + 1].isASCIIHex) { return nil }
        let scalars = Array(candidate)
        var doubleColons: [Int] = []
        for index in 0..<(scalars.count - 1) where scalars[index] == ":" && scalars[index + 1] == ":" {
            doubleColons.append(index)
        }
        var groups: [ArraySlice<Unicode.Scalar>] = []
        if let first = doubleColons.first {
            // One "::" only (":::" shows up as two overlapping ones).
            guard doubleColons.count == 1 else { return nil }
            for part in [scalars[..<first], scalars[(first + 2)...]] where !part.isEmpty {
                let parts = part.split(separator: ":", omittingEmptySubsequences: false)
                guard !parts.contains(where: \.isEmpty) else { return nil }
                groups += parts
            }
            guard !groups.isEmpty, groups.count <= 7, scalars.contains(where: { $0.isASCIIDigit }) else { return nil }
        } else {
            groups = scalars[...].split(separator: ":", omittingEmptySubsequences: false)
            guard groups.count == 8 else { return nil }
        }
        guard groups.allSatisfy({ (1...4).contains($0.count) }) else { return nil }
        return end
    }

    // MARK: Phones

    /// A phone number: international (`+` country code, 8–15 digits in groups), US national
    /// (`(415) 555-0132`, `415-555-0132`, `415.555.0132`, `1-800-555-0199`) or a national number
    /// with a trunk 0 (`020 7946 0958`, `030 12345678`, `01 42 68 53 00`, `089/1234567`).
    static func phoneEnd(_ text: ScalarText, _ start: Int) -> Int? {
        let scalar = text[start]
        if scalar == "+" { return internationalPhoneEnd(text, start) }
        if scalar == "(" {
            guard !text.before(start).isWordScalar, text[start + 1].isOne(of: "23456789"), text[start + 2].isASCIIDigit,
                  text[start + 3].isASCIIDigit, text[start + 4] == ")" else { return nil }
            var position = start + 5
            if text[position] == " " { position += 1 }
            return usLineEnd(text, position, separator: nil)
        }
        guard scalar.isASCIIDigit, numberStartOK(text, start) else { return nil }
        var position = start
        if scalar == "1", text[start + 1].isOne(of: "-. "), text[start + 2].isASCIIDigit, text[start + 4].isASCIIDigit,
           text[start + 5].isOne(of: "-.") {
            position = start + 2
        }
        if text[position].isOne(of: "23456789"), text[position + 1].isASCIIDigit, text[position + 2].isASCIIDigit,
           text[position + 3].isOne(of: "-."), let end = usLineEnd(text, position + 4, separator: text[position + 3]) {
            return end
        }
        // A trunk-0 number right after another digit group is the tail of something longer (an IBAN, say).
        if scalar == "0", text[start + 1] != "0", !(text[start - 1].isOne(of: " -/") && text[start - 2].isASCIIDigit) {
            let groups = digitGroups(text, start, separators: " -/", maxDigits: 12)
            guard groups.count >= 2, let last = groups.last else { return nil }
            let separators = Set(groups.dropLast().map { text[$0.upperBound] })
            let total = groups.reduce(0) { $0 + $1.count }
            if separators.count == 1, (10...12).contains(total), (2...5).contains(groups[0].count), numberEndOK(text, last.upperBound) {
                return last.upperBound
            }
        }
        return nil
    }

    /// `NXX-XXXX` from `start`: the exchange and line of a US number.
    static func usLineEnd(_ text: ScalarText, _ start: Int, separator: Unicode.Scalar?) -> Int? {
        guard text[start].isOne(of: "23456789"), text[start + 1].isASCIIDigit, text[start + 2].isASCIIDigit else { return nil }
        if let separator {
            guard text[start + 3] == separator else { return nil }
        } else {
            guard text[start + 3].isOne(of: "-. ") else { return nil }
        }
        for offset in 4..<8 where !text[start + offset].isASCIIDigit { return nil }
        let end = start + 8
        return numberEndOK(text, end) ? end : nil
    }

    static func internationalPhoneEnd(_ text: ScalarText, _ start: Int) -> Int? {
        let before = text.before(start)
        if before.isWordScalar || before == "+" { return nil }
        guard text[start + 1].isASCIIDigit, text[start + 1] != "0" else { return nil }
        var position = start + 1
        var digits = 0
        var end: Int?
        while true {
            if text[position] == "(" {
                let close = text.runEnd(from: position + 1) { $0.isASCIIDigit }
                if close == position + 1 || text[close] != ")" { break }
                digits += close - (position + 1)
                end = close + 1
                position = close + 1
            } else {
                let runEnd = text.runEnd(from: position) { $0.isASCIIDigit }
                if runEnd == position { break }
                digits += runEnd - position
                end = runEnd
                position = runEnd
            }
            if digits > 15 { return nil }
            if text[position].isOne(of: " -."), text[position + 1].isASCIIDigit || text[position + 1] == "(" {
                position += 1
                continue
            }
            if text[position] == "(" { continue }
            break
        }
        guard let end, (8...15).contains(digits), numberEndOK(text, end) else { return nil }
        return end
    }
}
