internal import Foundation

/// Numbers printed as Prometheus' templates print them, so an annotation reads the same in Vigil
/// as in Prometheus: `{{ $value }}` is Go's `%v` of a float64, `humanize` uses SI prefixes.
enum GoNumberFormat {
    /// Go's `strconv.FormatFloat(value, 'g', -1, 64)`, which `%v` uses: the shortest digits that
    /// read back as the same number, in exponent form when the decimal exponent is below -4 or at
    /// least 6 (`1e+06`, `123456`, `0.0001`, `1e-05`, `2345.5`).
    static func shortest(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (digits, pointPosition) = decimalDigits(of: abs(value))
        let sign = value < 0 ? "-" : ""
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            var mantissa = String(digits.first ?? "0")
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// Prometheus' `humanize`: SI prefixes (k, M, G, … and m, u, n, …) with four significant digits.
    static func humanize(_ value: Double) -> String {
        if value == 0 || value.isNaN || value.isInfinite { return printf("%.4g", value) }
        var scaled = value
        if abs(value) >= 1 {
            let prefixes = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"]
            var index = 0
            while abs(scaled) >= 1000, index < prefixes.count - 1 {
                scaled /= 1000
                index += 1
            }
            return printf("%.4g", scaled) + prefixes[index]
        }
        let prefixes = ["", "m", "u", "n", "p", "f", "a", "z", "y"]
        var index = 0
        while abs(scaled) < 1, index < prefixes.count - 1 {
            scaled *= 1000
            index += 1
        }
        return printf("%.4g", scaled) + prefixes[index]
    }

    /// C's printf of one double with one conversion (`%.2f`, `%.4g`, `%e`).
    static func printf(_ format: String, _ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return String(format: format, value)
    }

    /// The shortest decimal digits of a positive finite `value` (no leading or trailing zeros) and
    /// where the decimal point goes: value = 0.DIGITS × 10^pointPosition.
    private static func decimalDigits(of value: Double) -> (String, Int) {
        // Swift's description is the shortest representation that reads back exactly.
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts.first ?? "")
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        var pointPosition = integer.count + exponent
        while digits.hasPrefix("0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits.isEmpty ? "0" : digits, pointPosition)
    }
}
