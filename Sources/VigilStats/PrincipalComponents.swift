/// The top principal components of a set of centred rows: unit loading vectors in the original
/// space, each signed so that its entry of largest magnitude is positive (the first such entry on a
/// tie), with the share of the total variance each explains.
struct PrincipalComponents: Sendable {
    static let maximumCount = 10
    /// Components whose variance is below this fraction of the first one's are numerical noise in a
    /// rank-deficient reference, not directions, and are dropped.
    static let relativeVarianceFloor = 1e-9

    /// count × dimension, row-major.
    let loadings: [Double]
    let count: Int
    let dimension: Int
    let explainedVarianceRatios: [Double]

    /// From the scatter matrix Σ (x − mean)(x − mean)ᵀ (upper triangle, row-major); nil when the
    /// rows have no variance.
    static func fromScatter(_ scatter: inout [Double], dimension: Int) -> PrincipalComponents? {
        var trace = 0.0
        for index in 0..<dimension { trace += scatter[index * dimension + index] }
        let (values, vectors) = LinearAlgebra.largestEigenpairs(
            of: &scatter, order: dimension, count: Swift.min(maximumCount, dimension)
        )
        return make(values: values, vectors: vectors, trace: trace, dimension: dimension)
    }

    /// From `rows` centred rows of `dimension` values (row-major). With fewer rows than dimensions
    /// it decomposes the rows' Gram matrix instead of the scatter matrix: the same components,
    /// for rows² · dimension work instead of rows · dimension².
    static func fromCentredRows(_ centred: [Double], rows: Int, dimension: Int) -> PrincipalComponents? {
        centred.withUnsafeBufferPointer { buffer -> PrincipalComponents? in
            guard let base = buffer.baseAddress else { return nil }
            if rows >= dimension {
                var scatter = [Double](repeating: 0, count: dimension * dimension)
                scatter.withUnsafeMutableBufferPointer { scatterBuffer in
                    guard let target = scatterBuffer.baseAddress else { return }
                    LinearAlgebra.accumulateColumnScatter(base, rows: rows, columns: dimension, into: target)
                }
                return fromScatter(&scatter, dimension: dimension)
            }
            var gram = LinearAlgebra.rowGram(base, rows: rows, columns: dimension)
            var trace = 0.0
            for index in 0..<rows { trace += gram[index * rows + index] }
            let (values, rowVectors) = LinearAlgebra.largestEigenpairs(
                of: &gram, order: rows, count: Swift.min(maximumCount, dimension)
            )
            // A Gram eigenvector u gives the loading Xᵀu, of length √λ; normalise it directly.
            let vectors = rowVectors.map { weights -> [Double] in
                var loading = [Double](repeating: 0, count: dimension)
                for row in 0..<rows {
                    let weight = weights[row]
                    let offset = row * dimension
                    for column in 0..<dimension { loading[column] += weight * base[offset + column] }
                }
                var norm = 0.0
                for value in loading { norm += value * value }
                norm = norm.squareRoot()
                return norm > 0 ? loading.map { $0 / norm } : loading
            }
            return make(values: values, vectors: vectors, trace: trace, dimension: dimension)
        }
    }

    private static func make(values: [Double], vectors: [[Double]], trace: Double, dimension: Int) -> PrincipalComponents? {
        guard let largest = values.first, largest > 0, trace > 0 else { return nil }
        var loadings: [Double] = []
        var ratios: [Double] = []
        for (value, vector) in zip(values, vectors) where value > relativeVarianceFloor * largest {
            var strongest = 0
            for index in vector.indices where abs(vector[index]) > abs(vector[strongest]) { strongest = index }
            let sign: Double = vector[strongest] < 0 ? -1 : 1
            loadings.append(contentsOf: vector.map { $0 * sign })
            ratios.append(value / trace)
        }
        return PrincipalComponents(
            loadings: loadings, count: ratios.count, dimension: dimension, explainedVarianceRatios: ratios
        )
    }
}
