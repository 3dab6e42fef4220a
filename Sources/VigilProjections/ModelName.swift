internal import VigilCore

/// Model names as apps report them, brought to one form so they match the price table:
/// lower case, no provider or region prefix (`openai/`, `models/`, `us.anthropic.`), no date or
/// Bedrock version suffix (`-2024-08-06`, `-20241022`, `@20241022`, `-0125`, `-v2:0`, `-latest`).
public enum ModelName {
    private static let dottedPrefixes = ["us.", "eu.", "apac.", "anthropic.", "meta.", "mistral.", "amazon.", "cohere.", "ai21.", "deepseek."]

    /// The normal form of `name`.
    public static func normalise(_ name: String) -> String {
        var text = name.lowercased().trimmingWhitespace()
        if let slash = text.lastIndex(of: "/") { text = String(text[text.index(after: slash)...]) }
        var stripped = true
        while stripped {
            stripped = false
            for prefix in dottedPrefixes where text.hasPrefix(prefix) && text.count > prefix.count {
                text.removeFirst(prefix.count)
                stripped = true
            }
        }
        stripped = true
        while stripped {
            stripped = false
            for strip in [stripBedrockVersion, stripLatest, stripDate] {
                if let shorter = strip(text) {
                    text = shorter
                    stripped = true
                }
            }
        }
        return text
    }

    /// Bedrock's `-v2:0` (only with the colon: `-v3` is part of names like deepseek-v3)
    private static func stripBedrockVersion(_ text: String) -> String? {
        guard let dash = text.lastIndex(of: "-") else { return nil }
        let tail = text[text.index(after: dash)...]
        guard tail.first == "v", tail.contains(":"), tail.dropFirst().allSatisfy({ $0.isNumber || $0 == ":" }) else { return nil }
        return String(text[..<dash])
    }

    private static func stripLatest(_ text: String) -> String? {
        text.hasSuffix("-latest") ? String(text.dropLast("-latest".count)) : nil
    }

    /// `-YYYY-MM-DD`, `-YYYYMMDD`, `@YYYYMMDD`, `-MMDD`
    private static func stripDate(_ text: String) -> String? {
        let c = Array(text)
        let n = c.count
        func digits(_ range: Range<Int>) -> Bool {
            range.lowerBound >= 0 && range.upperBound <= n && c[range].allSatisfy(\.isNumber)
        }
        if n > 11, c[n - 11] == "-", digits(n - 10..<n - 6), c[n - 6] == "-", digits(n - 5..<n - 3), c[n - 3] == "-", digits(n - 2..<n) {
            return String(c[0..<n - 11])
        }
        if n > 9, c[n - 9] == "-" || c[n - 9] == "@", digits(n - 8..<n), c[n - 8] == "2" {
            return String(c[0..<n - 9])
        }
        if n > 5, c[n - 5] == "-", digits(n - 4..<n) {
            // gpt-4-0613, gpt-3.5-turbo-0125: a month and a day.
            let month = Int(String(c[n - 4..<n - 2])) ?? 0
            let day = Int(String(c[n - 2..<n])) ?? 0
            if (1...12).contains(month), (1...31).contains(day) { return String(c[0..<n - 5]) }
        }
        return nil
    }
}
