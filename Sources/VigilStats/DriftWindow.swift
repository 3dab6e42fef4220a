/// A current window compared with a fitted ``DriftReference`` as its vectors arrive: each vector is
/// projected and binned at once, so the window keeps only bin counts, the running sum for its
/// centroid and a bounded sample for the noise-floor test — memory that does not grow with the
/// number of vectors.
public struct DriftWindow: Sendable {
    /// The reference this window is compared with.
    public let reference: DriftReference
    /// How many vectors (or values) the window has taken.
    public private(set) var count = 0

    /// componentCount × 10 bin counts.
    private var binCounts: [Int]
    private var sum: [Double]
    private var sample: SampleReservoir
    /// componentCount × 9 edges, flat.
    private let flatEdges: [Double]

    /// An empty window against `reference`.
    public init(reference: DriftReference) {
        self.reference = reference
        binCounts = [Int](repeating: 0, count: reference.edges.count * Deciles.binCount)
        sum = [Double](repeating: 0, count: reference.dimension)
        sample = SampleReservoir(
            capacity: reference.options.permutationSampleLimit, dimension: reference.dimension,
            seed: reference.options.seed &+ 2
        )
        flatEdges = reference.edges.flatMap { $0 }
    }

    /// Takes one embedding.
    public mutating func add(_ vector: [Float]) throws(DriftError) {
        try requireEmbeddings()
        try InputCheck.vector(vector, dimension: reference.dimension, window: "current", index: count)
        let dimension = reference.dimension
        let componentCount = reference.components.count
        for component in 0..<componentCount {
            var projection = 0.0
            let offset = component * dimension
            for column in 0..<dimension {
                projection += (Double(vector[column]) - reference.mean[column]) * reference.loadings[offset + column]
            }
            tally(projection, component: component)
        }
        for column in 0..<dimension { sum[column] += Double(vector[column]) }
        vector.withUnsafeBufferPointer { sample.offer($0) }
        count += 1
    }

    /// Takes a batch of embeddings given as consecutive rows of `reference.dimension` values. The
    /// whole batch is checked first: on an error none of it is taken.
    public mutating func add(contentsOf rows: [Float]) throws(DriftError) {
        try requireEmbeddings()
        let dimension = reference.dimension
        let firstIndex = count
        let checked: Result<Void, DriftError> = rows.withUnsafeBufferPointer { buffer in
            Result { () throws(DriftError) in
                try InputCheck.rows(buffer, dimension: dimension, window: "current", firstIndex: firstIndex)
            }
        }
        try checked.get()
        let rowCount = rows.count / dimension
        // Large batches are split in partitions, each with its own counts and sums, merged in order.
        let partitions = rowCount >= Parallel.partitions * 1024 ? Parallel.partitions : 1
        let componentCount = reference.components.count
        let countSize = componentCount * Deciles.binCount
        var partialCounts = [Int](repeating: 0, count: partitions * countSize)
        var partialSums = [Double](repeating: 0, count: partitions * dimension)
        let reference = reference
        let flatEdges = flatEdges
        rows.withUnsafeBufferPointer { rowBuffer in
            reference.loadings.withUnsafeBufferPointer { loadingBuffer in
                flatEdges.withUnsafeBufferPointer { edgeBuffer in
                    partialCounts.withUnsafeMutableBufferPointer { countBuffer in
                        partialSums.withUnsafeMutableBufferPointer { sumBuffer in
                            guard let loadingBase = loadingBuffer.baseAddress, let countBase = countBuffer.baseAddress,
                                let sumBase = sumBuffer.baseAddress
                            else { return }
                            let counts = SharedPointer(base: countBase)
                            let sums = SharedPointer(base: sumBase)
                            Parallel.run(partitions) { partition in
                                let range = Parallel.range(partition, of: partitions, total: rowCount)
                                let slice = UnsafeBufferPointer(
                                    rebasing: rowBuffer[(range.lowerBound * dimension)..<(range.upperBound * dimension)]
                                )
                                Self.bin(
                                    slice, dimension: dimension, mean: reference.mean, loadings: loadingBase,
                                    componentCount: componentCount, edges: edgeBuffer,
                                    counts: counts.base + partition * countSize, sums: sums.base + partition * dimension
                                )
                            }
                        }
                    }
                }
            }
            for row in 0..<rowCount {
                let offset = row * dimension
                sample.offer(UnsafeBufferPointer(rebasing: rowBuffer[offset..<(offset + dimension)]))
            }
        }
        for partition in 0..<partitions {
            for index in 0..<countSize { binCounts[index] += partialCounts[partition * countSize + index] }
            for column in 0..<dimension { sum[column] += partialSums[partition * dimension + column] }
        }
        count += rowCount
    }

    /// Projects, bins and sums one run of rows into the given counts and sums.
    private static func bin(
        _ rows: UnsafeBufferPointer<Float>, dimension: Int, mean: [Double], loadings: UnsafePointer<Double>,
        componentCount: Int, edges: UnsafeBufferPointer<Double>, counts: UnsafeMutablePointer<Int>,
        sums: UnsafeMutablePointer<Double>
    ) {
        let edgeCount = Deciles.binCount - 1
        var projections = [Double](
            repeating: 0, count: Swift.min(CentredBlocks.rowsPerBlock, rows.count / dimension) * componentCount
        )
        projections.withUnsafeMutableBufferPointer { projectionBuffer in
            guard let projectionBase = projectionBuffer.baseAddress else { return }
            CentredBlocks.forEach(rows, dimension: dimension, mean: mean) { block, blockRows, _ in
                LinearAlgebra.multiplyByTransposed(
                    block, rows: blockRows, columns: dimension, loadings, bRows: componentCount, into: projectionBase
                )
                for index in 0..<(blockRows * componentCount) {
                    let component = index % componentCount
                    let componentEdges = UnsafeBufferPointer(
                        rebasing: edges[(component * edgeCount)..<((component + 1) * edgeCount)]
                    )
                    counts[component * Deciles.binCount + Deciles.bin(of: projectionBase[index], edges: componentEdges)] += 1
                }
            }
        }
        for row in 0..<(rows.count / dimension) {
            let offset = row * dimension
            for column in 0..<dimension { sums[column] += Double(rows[offset + column]) }
        }
    }

    /// Takes one value of a scalar feature.
    public mutating func add(_ value: Double) throws(DriftError) {
        guard reference.isScalar else {
            throw DriftError(
                .dimensionMismatch,
                "current value \(count) is a scalar, but the reference holds \(reference.dimension)-dimensional vectors"
            )
        }
        try InputCheck.scalar(value, window: "current", index: count)
        tally(value, component: 0)
        sum[0] += value
        sample.offer(value)
        count += 1
    }

    /// The report of this window against its reference.
    public func report() throws(DriftError) -> DriftReport {
        try InputCheck.enoughSamples(count, window: "current")
        let options = reference.options
        let components = (0..<reference.edges.count).map { component -> DriftReport.Component in
            let counts = Array(binCounts[(component * Deciles.binCount)..<((component + 1) * Deciles.binCount)])
            let p = reference.proportions[component]
            let q = Deciles.proportions(counts: counts, total: count)
            return DriftReport.Component(
                index: component,
                explainedVarianceRatio: reference.explainedVarianceRatios[component],
                edges: reference.edges[component],
                referenceProportions: p,
                currentProportions: q,
                psi: Divergence.psi(reference: p, current: q),
                kl: Divergence.kl(reference: p, current: q),
                jsDistance: Divergence.jsDistance(reference: p, current: q)
            )
        }
        let componentCount = Double(components.count)
        let psiMean = components.reduce(0) { $0 + $1.psi } / componentCount

        var distanceSquared = 0.0
        var dot = 0.0
        var referenceNorm = 0.0
        var currentNorm = 0.0
        for column in 0..<reference.dimension {
            let currentMean = sum[column] / Double(count)
            let referenceMean = reference.mean[column]
            distanceSquared += (currentMean - referenceMean) * (currentMean - referenceMean)
            dot += currentMean * referenceMean
            referenceNorm += referenceMean * referenceMean
            currentNorm += currentMean * currentMean
        }
        let cosine: Double? =
            referenceNorm > 0 && currentNorm > 0 ? 1 - dot / (referenceNorm.squareRoot() * currentNorm.squareRoot()) : nil

        let noise = NoiseEstimate(
            reference: reference.sample, current: sample, referenceCount: reference.count, currentCount: count,
            isScalar: reference.isScalar, options: options
        )
        return DriftReport(
            referenceCount: reference.count,
            currentCount: count,
            dimension: reference.dimension,
            components: components,
            psiMean: psiMean,
            psiMax: components.map(\.psi).max() ?? 0,
            shareOverThreshold: Double(components.filter { $0.psi > options.threshold }.count) / componentCount,
            klMean: components.reduce(0) { $0 + $1.kl } / componentCount,
            jsMean: components.reduce(0) { $0 + $1.jsDistance } / componentCount,
            centroidEuclidean: distanceSquared.squareRoot(),
            centroidCosine: cosine,
            noiseFloor: noise.floor,
            pValue: noise.pValue,
            threshold: options.threshold,
            drifted: psiMean > options.threshold && noise.pValue < options.significance
        )
    }

    private func requireEmbeddings() throws(DriftError) {
        guard !reference.isScalar else {
            throw DriftError(
                .dimensionMismatch, "current vector \(count) is a vector, but the reference is a scalar feature"
            )
        }
    }

    private mutating func tally(_ value: Double, component: Int) {
        let bin = flatEdges.withUnsafeBufferPointer { edges in
            Deciles.bin(
                of: value,
                edges: UnsafeBufferPointer(rebasing: edges[(component * (Deciles.binCount - 1))..<((component + 1) * (Deciles.binCount - 1))])
            )
        }
        binCounts[component * Deciles.binCount + bin] += 1
    }
}
