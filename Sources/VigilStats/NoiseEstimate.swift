/// The sampling-noise context of a report: the noise floor and the p-value, both from one
/// permutation test.
///
/// Why a permutation test and not the asymptotic E[PSI] ≈ (B − 1)(1/n + 1/m): for scalars the
/// formula is accurate (150 + 150 samples: 0.121 simulated against 0.120), but for embeddings the
/// principal components are fitted to the reference itself, so the reference's spread along them is
/// inflated against any other sample's, and PSI carries a bias the formula does not see
/// (150 + 150 vectors of dimension 384: 0.15 with a steep spectrum, 1.96 with a flat one, against
/// 0.12). Relabelling the pooled samples and re-running the whole computation — PCA included —
/// measures that bias whatever the spectrum, and gives an exact-level test.
///
/// The procedure, which the Python oracle repeats draw for draw:
/// 1. Each window keeps a uniform reservoir sample of at most `permutationSampleLimit` rows
///    (Algorithm R, SplitMix64 seeded `seed + 1` for the reference and `seed + 2` for the current
///    window), so the cost is bounded however large the windows grow. Below the limit the
///    "sample" is the whole window, in arrival order.
/// 2. The pool is the reference sample (a rows) followed by the current sample (b rows). The
///    observed statistic T₀ is the mean PSI of the full method run with the first a rows as the
///    reference and the rest as the current window.
/// 3. Each of `permutations` rounds shuffles the pool's index order in place (Fisher–Yates from the
///    last position down, j = below(i + 1), SplitMix64 seeded `seed + 3`, the order carried over
///    from round to round) and computes T the same way on the relabelled split.
/// 4. p = (1 + #{T ≥ T₀ − 1e-9}) / (1 + permutations); the 1e-9 makes ties that are exact in
///    real arithmetic count the same way whatever the rounding.
/// 5. The noise floor is the mean of the T's, which are at sample sizes (a, b); PSI noise scales as
///    1/a + 1/b, so it is rescaled by (1/n + 1/m) / (1/a + 1/b) to the windows' sizes (n, m): exact
///    when no window is sampled, and on the high side for larger windows, whose PCA bias falls
///    faster than 1/n.
struct NoiseEstimate: Sendable {
    static let tieTolerance = 1e-9

    let floor: Double
    let pValue: Double

    init(reference: SampleReservoir, current: SampleReservoir, referenceCount: Int, currentCount: Int, isScalar: Bool, options: DriftOptions) {
        let dimension = reference.dimension
        let referenceSize = reference.count
        let pool = reference.rows + current.rows
        let poolSize = referenceSize + current.count
        var order = Array(0..<poolSize)
        let statistic = { (order: [Int]) -> Double in
            isScalar
                ? Self.scalarStatistic(pool, order: order, split: referenceSize)
                : Self.embeddingStatistic(pool, dimension: dimension, order: order, split: referenceSize)
        }
        let observed = statistic(order)
        // The relabellings are drawn in sequence, then evaluated in parallel and summed in order.
        var generator = SplitMix64(seed: options.seed &+ 3)
        var orders: [[Int]] = []
        orders.reserveCapacity(options.permutations)
        for _ in 0..<options.permutations {
            for position in stride(from: poolSize - 1, to: 0, by: -1) {
                order.swapAt(position, generator.below(position + 1))
            }
            orders.append(order)
        }
        var values = [Double](repeating: 0, count: options.permutations)
        values.withUnsafeMutableBufferPointer { valueBuffer in
            guard let valueBase = valueBuffer.baseAddress else { return }
            let shared = SharedPointer(base: valueBase)
            Parallel.run(options.permutations) { round in shared.base[round] = statistic(orders[round]) }
        }
        let total = values.reduce(0, +)
        let atLeastObserved = values.filter { $0 >= observed - Self.tieTolerance }.count
        let sampledSizes = 1 / Double(referenceSize) + 1 / Double(current.count)
        let windowSizes = 1 / Double(referenceCount) + 1 / Double(currentCount)
        floor = total / Double(options.permutations) * windowSizes / sampledSizes
        pValue = Double(1 + atLeastObserved) / Double(1 + options.permutations)
    }

    /// Mean PSI of the scalar method with pool[order[..<split]] as the reference.
    static func scalarStatistic(_ pool: [Double], order: [Int], split: Int) -> Double {
        var reference = order[..<split].map { pool[$0] }
        let current = order[split...].map { pool[$0] }
        let binned = Deciles.compare(&reference, current)
        return Divergence.psi(reference: binned.reference, current: binned.current)
    }

    /// Mean PSI of the embedding method (mean, PCA, projection, deciles) with the rows
    /// pool[order[..<split]] as the reference and the others as the current window.
    static func embeddingStatistic(_ pool: [Double], dimension: Int, order: [Int], split: Int) -> Double {
        let total = order.count
        var mean = [Double](repeating: 0, count: dimension)
        for row in order[..<split] {
            for column in 0..<dimension { mean[column] += pool[row * dimension + column] }
        }
        for column in 0..<dimension { mean[column] /= Double(split) }
        var centred = [Double](repeating: 0, count: total * dimension)
        for (position, row) in order.enumerated() {
            for column in 0..<dimension {
                centred[position * dimension + column] = pool[row * dimension + column] - mean[column]
            }
        }
        let referenceRows = Array(centred[..<(split * dimension)])
        guard let principal = PrincipalComponents.fromCentredRows(referenceRows, rows: split, dimension: dimension) else {
            return 0
        }
        let componentCount = principal.count
        var projections = [Double](repeating: 0, count: total * componentCount)
        centred.withUnsafeBufferPointer { centredBuffer in
            principal.loadings.withUnsafeBufferPointer { loadingBuffer in
                projections.withUnsafeMutableBufferPointer { projectionBuffer in
                    guard let centredBase = centredBuffer.baseAddress, let loadingBase = loadingBuffer.baseAddress,
                        let projectionBase = projectionBuffer.baseAddress
                    else { return }
                    LinearAlgebra.multiplyByTransposed(
                        centredBase, rows: total, columns: dimension, loadingBase, bRows: componentCount,
                        into: projectionBase
                    )
                }
            }
        }
        var sum = 0.0
        for component in 0..<componentCount {
            var reference = (0..<split).map { projections[$0 * componentCount + component] }
            let current = (split..<total).map { projections[$0 * componentCount + component] }
            let binned = Deciles.compare(&reference, current)
            sum += Divergence.psi(reference: binned.reference, current: binned.current)
        }
        return sum / Double(componentCount)
    }
}
