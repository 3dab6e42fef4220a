internal import Foundation

/// A chart's value axis from zero: a round tick step (1, 2, 2.5 or 5 × a power of ten) and the
/// top of the axis, the first multiple of the step at or above the largest value.
struct ChartScale: Sendable, Equatable {
    /// The axis' top value.
    let maximum: Double
    /// The distance between ticks.
    let step: Double

    /// A scale showing values from 0 to `largest`, with about `ticks` steps.
    init(largest: Double, ticks: Int = 4) {
        guard largest.isFinite, largest > 0 else {
            maximum = 1
            step = 0.25
            return
        }
        let rough = largest / Double(max(1, ticks))
        let power = pow(10, floor(log10(rough)))
        let fraction = rough / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        step = nice * power
        maximum = (largest / step).rounded(.up) * step
    }

    /// The tick values from 0 to `maximum`.
    var ticks: [Double] {
        let count = Int((maximum / step).rounded())
        return (0...count).map { Double($0) * step }
    }

    /// Where `value` lies between 0 (the axis' bottom) and 1 (its top), clamped.
    func fraction(_ value: Double) -> Double {
        min(1, max(0, value / maximum))
    }
}
