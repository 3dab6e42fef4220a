public import Foundation

/// Decimal amounts as people type them in a filter: ASCII digits with at most one point
/// (`12`, `0.05`, `.5`), at most 40 characters. Exact (no binary floating point), and never an
/// exponent, a sign or a digit of another script, so every value parsed is one SQL's `numeric` takes.
public enum DecimalText {
    /// The amount `text` spells, or nil when it is not of that form.
    public static func parse(_ text: some StringProtocol) -> Decimal? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 40 else { return nil }
        var points = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                points += 1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits += 1
            } else {
                return nil
            }
        }
        guard points <= 1, digits > 0 else { return nil }
        return Decimal(string: String(decoding: bytes, as: UTF8.self), locale: Locale(identifier: "en_US_POSIX"))
    }
}
