/// Links between the pages: a path of the web view plus a query whose values are
/// percent-encoded, so a service or model name in a link stays one value and never becomes a
/// scheme, a path or another parameter.
struct PageURL: Sendable, Equatable, CustomStringConvertible {
    /// The path, always one of the web view's own (`/ui…`).
    var path: String
    /// Query parameters in order; nil or empty values are left out.
    var query: [(String, String?)]

    /// A link to `path` with `query`.
    init(_ path: String, _ query: [(String, String?)] = []) {
        self.path = path
        self.query = query
    }

    /// The link as text, e.g. `/ui/traces?service=chat%20api&status=error`.
    var description: String {
        let parameters = query.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return Self.encode(name) + "=" + Self.encode(value)
        }
        return parameters.isEmpty ? path : path + "?" + parameters.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func encode(_ value: String) -> String {
        var encoded = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                encoded += "%"
                encoded.unicodeScalars.append(digits[Int(byte >> 4)])
                encoded.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    static func == (lhs: PageURL, rhs: PageURL) -> Bool {
        lhs.description == rhs.description
    }
}
