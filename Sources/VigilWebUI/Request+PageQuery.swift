internal import Hummingbird

extension Request {
    /// The query string's parameters as a page reads them: decoded as a browser's GET form
    /// encodes them (`+` for a space, percent escapes); a repeated name keeps its first value.
    /// - Throws: `PageError` 400 when the query is not decodable.
    func pageQuery() throws(PageError) -> [String: String] {
        guard let query = uri.query, !query.isEmpty else { return [:] }
        guard let form = FormBody(query) else {
            throw PageError(status: 400, message: "The address's query string is not valid (a broken % escape or bytes that are not UTF-8).")
        }
        return form.fields
    }
}
