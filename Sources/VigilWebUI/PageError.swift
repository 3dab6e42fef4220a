/// A page that cannot be shown as asked: its status and a message for the reader (a bad filter
/// names the field and the value; a missing trace or report says so).
struct PageError: Error, Sendable, Equatable {
    /// The HTTP status: 400, 401, 403 or 404.
    var status: Int
    /// What the page says.
    var message: String
}
