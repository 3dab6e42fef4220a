/// A reference window fitted once and compared with many current windows: its mean, its top
/// principal components, the decile edges of its values on each of them and its own proportions in
/// those bins, plus a bounded random sample of its vectors for the noise-floor test.
///
/// The reference needs all its values at once (deciles are order statistics); the current window
/// does not (see ``DriftWindow``).
public struct DriftReference: Sendable {
    /// How many vectors (or values) the reference holds.
    public let count: Int
    /// The vectors' dimension; 1 for a scalar feature.
    public let dimension: Int
    /// True for a scalar feature (binned as it is, without projection).
    public let isScalar: Bool
    /// The reference's mean vector (its centroid).
    public let mean: [Double]
    /// The principal components' unit loading vectors, largest variance first; empty for a scalar
    /// feature.
    public let components: [[Double]]
    /// The share of the reference's total variance along each component (1 for a scalar feature).
    public let explainedVarianceRatios: [Double]
    /// The nine decile edges of each component's projected values (or of the scalar values).
    public let edges: [[Double]]
    /// The reference's own floored, renormalised proportions in each component's ten bins.
    public let proportions: [[Double]]
    /// The options every report against this reference uses.
    public let options: DriftOptions

    /// The components as one row-major matrix, for the projection kernels.
    let loadings: [Double]
    /// A uniform sample of at most `options.permutationSampleLimit` reference rows.
    let sample: SampleReservoir

    /// Fits a reference to embeddings given as consecutive rows of `dimension` float32 values.
    public init(embeddings rows: [Float], dimension: Int, options: DriftOptions = .default) throws(DriftError) {
        let options = try options.validated()
        let rowCount = dimension > 0 ? rows.count / dimension : 0
        try Self.check(rows, dimension: dimension)
        try InputCheck.enoughSamples(rowCount, window: "reference")

        let (mean, principal, projections) = rows.withUnsafeBufferPointer { rowBuffer in
            let mean = Self.mean(of: rowBuffer, rowCount: rowCount, dimension: dimension)
            let principal = Self.principalComponents(rowBuffer, rowCount: rowCount, dimension: dimension, mean: mean)
            let projections = principal.map {
                Self.projections(of: rowBuffer, rowCount: rowCount, dimension: dimension, mean: mean, principal: $0)
            }
            return (mean, principal, projections)
        }
        guard let principal, let projections else {
            throw DriftError(.noVariance, "reference vectors are all the same point; they have no principal components")
        }
        let componentCount = principal.count
        let (edges, proportions) = Self.bins(of: projections, rowCount: rowCount, componentCount: componentCount)

        var sample = SampleReservoir(
            capacity: options.permutationSampleLimit, dimension: dimension, seed: options.seed &+ 1
        )
        rows.withUnsafeBufferPointer { rowBuffer in
            for row in 0..<rowCount {
                sample.offer(UnsafeBufferPointer(rebasing: rowBuffer[(row * dimension)..<((row + 1) * dimension)]))
            }
        }

        self.count = rowCount
        self.dimension = dimension
        self.isScalar = false
        self.mean = mean
        self.components = (0..<componentCount).map {
            Array(principal.loadings[($0 * dimension)..<(($0 + 1) * dimension)])
        }
        self.explainedVarianceRatios = principal.explainedVarianceRatios
        self.edges = edges
        self.proportions = proportions
        self.options = options
        self.loadings = principal.loadings
        self.sample = sample
    }

    /// Fits a reference to embeddings given one array per vector; all must have one dimension.
    public init(embeddings vectors: [[Float]], options: DriftOptions = .default) throws(DriftError) {
        guard let first = vectors.first else {
            throw DriftError(.tooFewSamples, "reference window has 0 samples; drift needs at least \(Deciles.minimumSamples) (10 per bin)")
        }
        for (index, vector) in vectors.enumerated() {
            try InputCheck.vector(vector, dimension: first.count, window: "reference", index: index)
        }
        try self.init(embeddings: vectors.flatMap { $0 }, dimension: first.count, options: options)
    }

    /// Fits a reference to a scalar feature (tokens, latency, prompt length, a score): the same
    /// binning, without projection.
    public init(scalars values: [Double], options: DriftOptions = .default) throws(DriftError) {
        let options = try options.validated()
        for (index, value) in values.enumerated() {
            try InputCheck.scalar(value, window: "reference", index: index)
        }
        try InputCheck.enoughSamples(values.count, window: "reference")
        var sorted = values
        let binned = Deciles.compare(&sorted, [])
        var sample = SampleReservoir(capacity: options.permutationSampleLimit, dimension: 1, seed: options.seed &+ 1)
        for value in values { sample.offer(value) }

        self.count = values.count
        self.dimension = 1
        self.isScalar = true
        self.mean = [values.reduce(0, +) / Double(values.count)]
        self.components = []
        self.explainedVarianceRatios = [1]
        self.edges = [binned.edges]
        self.proportions = [binned.reference]
        self.options = options
        self.loadings = []
        self.sample = sample
    }

    private static func check(_ rows: [Float], dimension: Int) throws(DriftError) {
        let result: Result<Void, DriftError> = rows.withUnsafeBufferPointer { buffer in
            Result { () throws(DriftError) in try InputCheck.rows(buffer, dimension: dimension, window: "reference") }
        }
        try result.get()
    }
}
