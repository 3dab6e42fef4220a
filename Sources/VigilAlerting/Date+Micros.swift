internal import Foundation
internal import VigilCore

extension Date {
    /// Whole microseconds since 1970-01-01, rounded: alert times are compared in integers so that
    /// `for: 2m` fires at exactly two minutes whatever the floating-point error of `Date`.
    var micros: Int64 {
        Int64((timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The date `micros` microseconds after 1970-01-01.
    init(micros: Int64) {
        self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// This date moved on by `duration`.
    func adding(_ duration: Duration) -> Date {
        Date(micros: micros &+ duration.micros)
    }

    /// The time from `earlier` to this date, in whole microseconds.
    func micros(since earlier: Date) -> Int64 {
        micros &- earlier.micros
    }
}
