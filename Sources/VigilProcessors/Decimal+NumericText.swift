internal import Foundation

extension Decimal {
    /// The exact text Postgres reads as `numeric`. Zero and one, most of the rows a batch writes
    /// (calls without cost, check scores), skip Foundation's formatter.
    var numericText: String {
        if isZero { return "0" }
        if self == 1 { return "1" }
        return "\(self)"
    }
}
