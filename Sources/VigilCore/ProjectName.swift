/// What a project's name may be: the rule the projects table checks, applied wherever a name comes
/// from outside (the CLI, rule files).
public enum ProjectName {
    /// The rule in words, for error messages.
    public static let rule = "1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit"

    /// Whether `name` can be a project's name.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63 else { return false }
        return isAlphanumeric(first) && name.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
