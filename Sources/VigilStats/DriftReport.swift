/// How far a current window drifted from its reference: per-component distances with the bins
/// behind them (so a client can plot both distributions), their summary, the centroid distances,
/// and the sampling-noise context that decides whether the feature is called drifted.
///
/// Encodes to and decodes from JSON with snake_case keys, the shape the API serves.
public struct DriftReport: Sendable, Equatable, Codable {
    /// One principal component (or the one scalar feature) of a report.
    public struct Component: Sendable, Equatable, Codable {
        /// The component's rank, 0 for the one of largest variance.
        public let index: Int
        /// The share of the reference's variance along this component (1 for a scalar feature).
        public let explainedVarianceRatio: Double
        /// The nine decile edges of the reference's values; bins are closed on the left.
        public let edges: [Double]
        /// The reference's ten bin proportions, floored at 1e-4 and renormalised.
        public let referenceProportions: [Double]
        /// The current window's ten bin proportions, floored at 1e-4 and renormalised.
        public let currentProportions: [Double]
        /// Population stability index, Σ (q − p)·ln(q / p).
        public let psi: Double
        /// KL(current ‖ reference), Σ q·ln(q / p).
        public let kl: Double
        /// Jensen-Shannon distance (natural log; the square root of the divergence).
        public let jsDistance: Double

        enum CodingKeys: String, CodingKey {
            case index
            case explainedVarianceRatio = "explained_variance_ratio"
            case edges
            case referenceProportions = "reference_proportions"
            case currentProportions = "current_proportions"
            case psi, kl
            case jsDistance = "js_distance"
        }
    }

    /// Vectors (or values) in the reference window.
    public let referenceCount: Int
    /// Vectors (or values) in the current window.
    public let currentCount: Int
    /// The vectors' dimension; 1 for a scalar feature.
    public let dimension: Int
    /// Per component, largest variance first (one entry for a scalar feature).
    public let components: [Component]
    /// Mean PSI over the components: the number alert rules and the drifted flag use.
    public let psiMean: Double
    /// Largest PSI of any component.
    public let psiMax: Double
    /// Share of components whose PSI is above the threshold.
    public let shareOverThreshold: Double
    /// Mean KL(current ‖ reference) over the components.
    public let klMean: Double
    /// Mean Jensen-Shannon distance over the components.
    public let jsMean: Double
    /// Euclidean distance between the windows' centroids in the original space (for a scalar
    /// feature, the absolute difference of the means).
    public let centroidEuclidean: Double
    /// Cosine distance (1 − cosine similarity) between the centroids; nil when either is zero.
    public let centroidCosine: Double?
    /// The mean PSI two samples of these sizes from one distribution would show.
    public let noiseFloor: Double
    /// The permutation p-value of the mean PSI: how often relabelled pooled samples drift as much.
    public let pValue: Double
    /// The mean-PSI threshold in force.
    public let threshold: Double
    /// True when the mean PSI is above the threshold and the p-value below the significance level.
    public let drifted: Bool
    /// True when the reference window held more values than the memory budget allowed and was
    /// fitted on a seeded uniform sample of its vectors.
    public var sampled = false
    /// When sampled: the reference vectors kept.
    public var referenceKept: Int?
    /// When sampled: the reference vectors read.
    public var referenceTotal: Int?

    enum CodingKeys: String, CodingKey {
        case referenceCount = "reference_count"
        case currentCount = "current_count"
        case dimension, components
        case psiMean = "psi_mean"
        case psiMax = "psi_max"
        case shareOverThreshold = "share_over_threshold"
        case klMean = "kl_mean"
        case jsMean = "js_mean"
        case centroidEuclidean = "centroid_euclidean"
        case centroidCosine = "centroid_cosine"
        case noiseFloor = "noise_floor"
        case pValue = "p_value"
        case threshold, drifted, sampled
        case referenceKept = "reference_kept"
        case referenceTotal = "reference_total"
    }

    /// Encodes every key, `centroid_cosine` as null when it is undefined.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(referenceCount, forKey: .referenceCount)
        try container.encode(currentCount, forKey: .currentCount)
        try container.encode(dimension, forKey: .dimension)
        try container.encode(components, forKey: .components)
        try container.encode(psiMean, forKey: .psiMean)
        try container.encode(psiMax, forKey: .psiMax)
        try container.encode(shareOverThreshold, forKey: .shareOverThreshold)
        try container.encode(klMean, forKey: .klMean)
        try container.encode(jsMean, forKey: .jsMean)
        try container.encode(centroidEuclidean, forKey: .centroidEuclidean)
        try container.encode(centroidCosine, forKey: .centroidCosine)
        try container.encode(noiseFloor, forKey: .noiseFloor)
        try container.encode(pValue, forKey: .pValue)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(drifted, forKey: .drifted)
        try container.encode(sampled, forKey: .sampled)
        try container.encodeIfPresent(referenceKept, forKey: .referenceKept)
        try container.encodeIfPresent(referenceTotal, forKey: .referenceTotal)
    }
}

extension DriftReport {
    /// Decodes every key; reports stored before sampling existed read as not sampled.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        referenceCount = try container.decode(Int.self, forKey: .referenceCount)
        currentCount = try container.decode(Int.self, forKey: .currentCount)
        dimension = try container.decode(Int.self, forKey: .dimension)
        components = try container.decode([Component].self, forKey: .components)
        psiMean = try container.decode(Double.self, forKey: .psiMean)
        psiMax = try container.decode(Double.self, forKey: .psiMax)
        shareOverThreshold = try container.decode(Double.self, forKey: .shareOverThreshold)
        klMean = try container.decode(Double.self, forKey: .klMean)
        jsMean = try container.decode(Double.self, forKey: .jsMean)
        centroidEuclidean = try container.decode(Double.self, forKey: .centroidEuclidean)
        centroidCosine = try container.decodeIfPresent(Double.self, forKey: .centroidCosine)
        noiseFloor = try container.decode(Double.self, forKey: .noiseFloor)
        pValue = try container.decode(Double.self, forKey: .pValue)
        threshold = try container.decode(Double.self, forKey: .threshold)
        drifted = try container.decode(Bool.self, forKey: .drifted)
        sampled = try container.decodeIfPresent(Bool.self, forKey: .sampled) ?? false
        referenceKept = try container.decodeIfPresent(Int.self, forKey: .referenceKept)
        referenceTotal = try container.decodeIfPresent(Int.self, forKey: .referenceTotal)
    }
}
