/// Builds HTML (and inline SVG) text in which everything that is not a compile-time constant is
/// escaped: element and attribute names are `StaticString`s, so data can never become markup;
/// text content and attribute values always go through `escape`. Labels, model names, span
/// attributes and alert annotations are user data, and this is the only way pages write them.
struct HTML: Sendable {
    /// The markup written so far.
    private(set) var rendered: String

    /// An empty document fragment.
    init() {
        rendered = ""
        rendered.reserveCapacity(16 * 1024)
    }

    /// Attribute values by name; a nil value leaves the attribute out, "" writes it bare (`name=""`).
    typealias Attributes = KeyValuePairs<StaticString, String?>

    /// Appends `content` as text.
    mutating func text(_ content: String) {
        rendered += Self.escape(content)
    }

    /// Appends markup written in the code itself (a doctype, an entity), never data.
    mutating func markup(_ constant: StaticString) {
        rendered += constant.description
    }

    /// Appends `<name>content</name>` with `content` as text.
    mutating func element(_ name: StaticString, _ content: String) {
        element(name, [:], content)
    }

    /// Appends `<name attributes>content</name>` with `content` as text.
    mutating func element(_ name: StaticString, _ attributes: Attributes = [:], _ content: String) {
        open(name, attributes)
        text(content)
        close(name)
    }

    /// Appends `<name attributes>`, whatever `body` writes, then `</name>`.
    mutating func element(_ name: StaticString, _ attributes: Attributes = [:], body: (inout HTML) throws -> Void) rethrows {
        open(name, attributes)
        try body(&self)
        close(name)
    }

    /// Appends an element without content or end tag (`<input>`, `<meta>`) or, in SVG, a
    /// self-closed one (`<rect/>`).
    mutating func empty(_ name: StaticString, _ attributes: Attributes = [:], selfClosing: Bool = false) {
        rendered += "<" + name.description
        appendAttributes(attributes)
        rendered += selfClosing ? "/>" : ">"
    }

    /// Appends a start tag.
    mutating func open(_ name: StaticString, _ attributes: Attributes = [:]) {
        rendered += "<" + name.description
        appendAttributes(attributes)
        rendered += ">"
    }

    /// Appends an end tag.
    mutating func close(_ name: StaticString) {
        rendered += "</" + name.description + ">"
    }

    /// Appends another fragment built with this type (so already escaped).
    mutating func append(_ other: HTML) {
        rendered += other.rendered
    }

    private mutating func appendAttributes(_ attributes: Attributes) {
        for (name, value) in attributes {
            guard let value else { continue }
            rendered += " " + name.description + "=\"" + Self.escape(value) + "\""
        }
    }

    /// `value` with `&`, `<`, `>`, `"` and `'` as character references, and characters that
    /// HTML does not allow (NUL, other C0 controls but tab, newline and carriage return, lone
    /// surrogates cannot occur in a Swift string) replaced by U+FFFD: safe in text and in quoted
    /// attribute values alike.
    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    escaped += "\u{FFFD}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}
