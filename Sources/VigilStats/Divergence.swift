internal import Foundation

/// The three distances between a reference distribution p and a current distribution q over the
/// same bins (both floored and renormalised, so no term divides by zero). Natural logarithms.
enum Divergence {
    /// Population stability index: Σ (q − p)·ln(q / p).
    static func psi(reference p: [Double], current q: [Double]) -> Double {
        var sum = 0.0
        for index in p.indices { sum += (q[index] - p[index]) * log(q[index] / p[index]) }
        return sum
    }

    /// Kullback-Leibler divergence of the current from the reference, KL(q‖p) = Σ q·ln(q / p).
    static func kl(reference p: [Double], current q: [Double]) -> Double {
        var sum = 0.0
        for index in p.indices { sum += q[index] * log(q[index] / p[index]) }
        return sum
    }

    /// Jensen-Shannon distance: the square root of ½ KL(p‖m) + ½ KL(q‖m), m = (p + q) / 2
    /// (scipy.spatial.distance.jensenshannon with its default natural base).
    static func jsDistance(reference p: [Double], current q: [Double]) -> Double {
        var sum = 0.0
        for index in p.indices {
            let middle = (p[index] + q[index]) / 2
            sum += p[index] * log(p[index] / middle) + q[index] * log(q[index] / middle)
        }
        return Swift.max(sum / 2, 0).squareRoot()
    }
}
