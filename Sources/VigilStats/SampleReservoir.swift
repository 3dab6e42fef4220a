/// A uniform sample of at most `capacity` rows from a stream of rows of one dimension (Algorithm R):
/// row t (0-based) is kept when t < capacity, otherwise it replaces slot j = below(t + 1) when
/// j < capacity. Memory is capacity × dimension doubles however long the stream.
struct SampleReservoir: Sendable {
    let capacity: Int
    let dimension: Int
    private(set) var rows: [Double] = []
    private(set) var seen = 0
    private var generator: SplitMix64

    init(capacity: Int, dimension: Int, seed: UInt64) {
        self.capacity = capacity
        self.dimension = dimension
        generator = SplitMix64(seed: seed)
        rows.reserveCapacity(capacity * dimension)
    }

    var count: Int { rows.count / dimension }

    mutating func offer(_ row: UnsafeBufferPointer<Float>) {
        if let slot = nextSlot() {
            let dimension = dimension
            write(slot: slot) { target in
                for index in 0..<dimension { target[index] = Double(row[index]) }
            }
        }
    }

    mutating func offer(_ value: Double) {
        if let slot = nextSlot() {
            write(slot: slot) { target in target[0] = value }
        }
    }

    /// Where the next row goes: a new slot, a replaced slot, or nowhere.
    private mutating func nextSlot() -> Int? {
        defer { seen += 1 }
        if seen < capacity { return seen }
        let slot = generator.below(seen + 1)
        return slot < capacity ? slot : nil
    }

    private mutating func write(slot: Int, _ body: (UnsafeMutableBufferPointer<Double>) -> Void) {
        let dimension = dimension
        if slot * dimension == rows.count {
            rows.append(contentsOf: repeatElement(0, count: dimension))
        }
        rows.withUnsafeMutableBufferPointer { buffer in
            body(UnsafeMutableBufferPointer(rebasing: buffer[(slot * dimension)..<((slot + 1) * dimension)]))
        }
    }
}
