internal import Foundation

/// Prompt embeddings, made up but shaped like real ones: unit vectors of `dimension` components
/// near a low-dimensional "meaning" space of 8 orthonormal axes (fixed by the seed), each topic a
/// point in it with its own spread, plus a little noise everywhere. The normal topics sit close
/// together; `coding` lies far out along axes where they barely vary, as an off-topic question would.
public struct TopicSpace: Sendable {
    /// Components of each vector.
    public let dimension: Int
    private let axes: [[Double]]

    private static let centroids: [DemoTopic: [Double]] = [
        .orders: [1.0, 0.2, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0],
        .billing: [0.2, 1.0, 0.15, 0.0, 0.1, 0.0, 0.0, 0.0],
        .howTo: [0.1, 0.25, 1.0, 0.3, 0.0, 0.1, 0.0, 0.0],
        .coding: [-0.2, -0.1, 0.55, 1.6, 0.9, 0.0, 0.0, 0.0],
    ]
    private static let spread = 0.22
    private static let noise = 0.04

    /// The space of `seed`, `dimension` components (at least 8).
    public init(seed: UInt64, dimension: Int = 64) {
        precondition(dimension >= 8, "a topic space needs at least 8 dimensions")
        self.dimension = dimension
        var random = DemoRandom(seed: seed, stream: -1, purpose: 0xE3B)
        var axes: [[Double]] = []
        // Gram–Schmidt on random Gaussian vectors: 8 orthonormal axes.
        while axes.count < 8 {
            var candidate = (0..<dimension).map { _ in random.gaussian() }
            for axis in axes {
                let projection = zip(candidate, axis).reduce(0) { $0 + $1.0 * $1.1 }
                for index in candidate.indices { candidate[index] -= projection * axis[index] }
            }
            let norm = candidate.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-6 else { continue }
            axes.append(candidate.map { $0 / norm })
        }
        self.axes = axes
    }

    /// One prompt's embedding on `topic`.
    public func vector(for topic: DemoTopic, random: inout DemoRandom) -> [Float] {
        let centroid = Self.centroids[topic] ?? Array(repeating: 0, count: axes.count)
        var vector = (0..<dimension).map { _ in Self.noise * random.gaussian() }
        for (axis, centre) in zip(axes, centroid) {
            let coordinate = centre + Self.spread * random.gaussian()
            for index in vector.indices { vector[index] += coordinate * axis[index] }
        }
        let norm = max(vector.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        return vector.map { Float($0 / norm) }
    }
}
