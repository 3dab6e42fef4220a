/// A drift window's rows under a memory budget: every row while the window holds at most
/// `capacity` rows, past that a seeded uniform sample of `capacity` rows (Algorithm R, as
/// `SampleReservoir` does for the noise test), kept as the `Float`s they arrived as. Memory is
/// capacity × dimension values however many rows stream through.
public struct ReferenceSample: Sendable {
    /// The most values (rows × dimension) a window may hold. `VIGIL_DRIFT_MAX_VALUES`, default 20,000,000.
    public static let defaultMaxValues = 20_000_000

    /// Rows kept at most.
    public let capacity: Int
    /// Values per row.
    public let dimension: Int
    /// The rows kept, consecutive.
    public private(set) var rows: [Float] = []
    /// Rows offered so far.
    public private(set) var seen = 0
    private var generator: SplitMix64

    /// A sample of rows of `dimension` values holding at most `maxValues` values (at least one row).
    public init(maxValues: Int, dimension: Int, seed: UInt64) {
        precondition(dimension > 0, "a row has values")
        self.dimension = dimension
        capacity = max(1, maxValues / dimension)
        generator = SplitMix64(seed: seed)
    }

    /// Rows kept.
    public var count: Int { rows.count / dimension }
    /// Whether rows were left out.
    public var isSampled: Bool { seen > capacity }

    /// Offers the row of `dimension` values at the front of `row`.
    public mutating func offer(_ row: some Collection<Float>) {
        defer { seen += 1 }
        let slot: Int
        if seen < capacity {
            slot = seen
        } else {
            slot = generator.below(seen + 1)
            guard slot < capacity else { return }
        }
        if slot * dimension == rows.count {
            rows.append(contentsOf: row.prefix(dimension))
        } else {
            var index = slot * dimension
            for value in row.prefix(dimension) {
                rows[index] = value
                index += 1
            }
        }
    }
}
