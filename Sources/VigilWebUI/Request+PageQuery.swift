internal import Hummingbird
internal import VigilCore

extension Request {
    /// The longest value a page's query parameter may have.
    static let maxPageQueryLength = 1024

    /// The query string's parameters as a page reads them: decoded as a browser's GET form
    /// encodes them (`+` for a space, percent escapes); a repeated name keeps its first value.
    /// The one place pages check their parameters' text: a NUL (U+0000, which Postgres refuses)
    /// or more than 1024 characters is refused before any query, naming the parameter.
    /// - Throws: `PageError` 400 when the query is not decodable or a parameter is refused.
    func pageQuery() throws(PageError) -> [String: String] {
        guard let query = uri.query, !query.isEmpty else { return [:] }
        guard let form = FormBody(query) else {
            throw PageError(status: 400, message: "The address's query string is not valid (a broken % escape or bytes that are not UTF-8).")
        }
        for (name, value) in form.fields.sorted(by: { $0.key < $1.key }) {
            let shown = name.containsNUL || name.unicodeScalars.count > 64 ? "with a name that is not valid" : name
            if name.containsNUL || value.containsNUL {
                throw PageError(status: 400, message: "The parameter \(shown) must not contain a NUL character (U+0000).")
            }
            if name.unicodeScalars.count > Self.maxPageQueryLength || value.unicodeScalars.count > Self.maxPageQueryLength {
                throw PageError(status: 400, message: "The parameter \(shown) must be at most \(Self.maxPageQueryLength) characters long.")
            }
        }
        return form.fields
    }
}
