/// The checks that separate real card numbers, IBANs and SSNs from look-alike digit runs.
public enum Checksum {
    /// Whether `digits` (values 0–9) pass the Luhn check.
    public static func luhn(_ digits: [Int]) -> Bool {
        guard !digits.isEmpty else { return false }
        var total = 0
        for (position, digit) in digits.reversed().enumerated() {
            var value = digit
            if position % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            total += value
        }
        return total % 10 == 0
    }

    /// Whether `iban` (spaces ignored) passes the ISO 13616 mod-97 check: the first four
    /// characters moved to the end, letters read as 10–35, the number modulo 97 is 1.
    public static func ibanMod97(_ iban: String) -> Bool {
        let characters = Array(iban.unicodeScalars.filter { $0 != " " })
        guard characters.count >= 5 else { return false }
        var remainder = 0
        for scalar in Array(characters[4...]) + Array(characters[..<4]) {
            if scalar.isASCIIDigit {
                remainder = (remainder * 10 + scalar.digitValue) % 97
            } else if scalar.isASCIIUpper {
                remainder = (remainder * 100 + Int(scalar.value) - 55) % 97
            } else if scalar.isASCIILower {
                remainder = (remainder * 100 + Int(scalar.value) - 87) % 97
            } else {
                return false
            }
        }
        return remainder == 1
    }

    /// Whether the parts of a US SSN are in ranges the SSA issues: area not 000, 666 or 900–999,
    /// group not 00, serial not 0000.
    public static func isValidSSN(area: Int, group: Int, serial: Int) -> Bool {
        area > 0 && area != 666 && area < 900 && (1...99).contains(group) && (1...9999).contains(serial)
    }

    /// Whether `digits` start with the prefix of a card issuer that issues numbers of this length
    /// (Visa, Mastercard, American Express, Discover, JCB, Diners Club, UnionPay, Maestro).
    public static func hasKnownIssuer(_ digits: [Int]) -> Bool {
        let length = digits.count
        guard length >= 12 else { return false }
        func prefix(_ count: Int) -> Int { digits.prefix(count).reduce(0) { $0 * 10 + $1 } }
        if digits[0] == 4, [13, 16, 19].contains(length) { return true }
        if length == 16, (51...55).contains(prefix(2)) || (2221...2720).contains(prefix(4)) { return true }
        if length == 15, prefix(2) == 34 || prefix(2) == 37 { return true }
        if length == 16 || length == 19, prefix(4) == 6011 || prefix(2) == 65 || (644...649).contains(prefix(3)) { return true }
        if (16...19).contains(length), (3528...3589).contains(prefix(4)) { return true }
        if length == 14, [36, 38, 39].contains(prefix(2)) || (300...305).contains(prefix(3)) { return true }
        if (16...19).contains(length), prefix(2) == 62 { return true }
        if [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].contains(prefix(4)) { return true }
        return false
    }

    /// IBAN lengths by country code, for the countries the detector knows.
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21, "CY": 28, "CZ": 24,
        "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21,
        "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "KW": 30, "KZ": 20, "LI": 21, "LT": 20, "LU": 20,
        "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PT": 25, "QA": 29, "RO": 24,
        "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26, "UA": 29,
    ]
}
