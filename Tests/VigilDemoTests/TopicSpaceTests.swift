import Testing
import VigilDemo

@Suite("Topic space")
struct TopicSpaceTests {
    static func mean(_ vectors: [[Float]]) -> [Double] {
        var sum = Array(repeating: 0.0, count: vectors[0].count)
        for vector in vectors { for (index, value) in vector.enumerated() { sum[index] += Double(value) } }
        return sum.map { $0 / Double(vectors.count) }
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    static func vectors(_ topic: DemoTopic, count: Int, space: TopicSpace, stream: Int64) -> [[Float]] {
        var random = DemoRandom(seed: 9, stream: stream)
        return (0..<count).map { _ in space.vector(for: topic, random: &random) }
    }

    @Test("unit vectors of the dimension, the same for the same seed")
    func shape() {
        let space = TopicSpace(seed: 3, dimension: 64)
        let vectors = Self.vectors(.billing, count: 50, space: space, stream: 1)
        for vector in vectors {
            #expect(vector.count == 64)
            let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
        #expect(vectors == Self.vectors(.billing, count: 50, space: TopicSpace(seed: 3, dimension: 64), stream: 1))
        #expect(vectors != Self.vectors(.billing, count: 50, space: TopicSpace(seed: 4, dimension: 64), stream: 1))
    }

    @Test("coding lies farther from the centre of normal traffic than any normal topic does")
    func separation() {
        let space = TopicSpace(seed: 42)
        let normal: [DemoTopic] = [.orders, .billing, .howTo]
        let samples = Dictionary(uniqueKeysWithValues: DemoTopic.allCases.enumerated().map { index, topic in
            (topic, Self.vectors(topic, count: 300, space: space, stream: Int64(index)))
        })
        let centre = Self.mean(normal.flatMap { samples[$0]! })
        let farthestNormal = normal.map { Self.distance(Self.mean(samples[$0]!), centre) }.max()!
        #expect(Self.distance(Self.mean(samples[.coding]!), centre) > 1.3 * farthestNormal)
    }
}
