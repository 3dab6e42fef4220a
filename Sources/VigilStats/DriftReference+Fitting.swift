/// The passes over the reference rows, each split into ``Parallel`` partitions.
extension DriftReference {
    /// The mean row, summed per partition and merged in partition order.
    static func mean(of rows: UnsafeBufferPointer<Float>, rowCount: Int, dimension: Int) -> [Double] {
        var partials = [Double](repeating: 0, count: Parallel.partitions * dimension)
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            guard let partialBase = partialBuffer.baseAddress else { return }
            let shared = SharedPointer(base: partialBase)
            Parallel.run(Parallel.partitions) { partition in
                let sum = shared.base + partition * dimension
                for row in Parallel.range(partition, of: Parallel.partitions, total: rowCount) {
                    let offset = row * dimension
                    for column in 0..<dimension { sum[column] += Double(rows[offset + column]) }
                }
            }
        }
        var mean = [Double](repeating: 0, count: dimension)
        for partition in 0..<Parallel.partitions {
            for column in 0..<dimension { mean[column] += partials[partition * dimension + column] }
        }
        return mean.map { $0 / Double(rowCount) }
    }

    /// The components of the rows centred on `mean`: from the scatter matrix accumulated block by
    /// block when there are at least as many rows as dimensions, from the rows' Gram matrix otherwise.
    static func principalComponents(
        _ rows: UnsafeBufferPointer<Float>, rowCount: Int, dimension: Int, mean: [Double]
    ) -> PrincipalComponents? {
        if rowCount < dimension {
            var centred = [Double](repeating: 0, count: rowCount * dimension)
            for row in 0..<rowCount {
                for column in 0..<dimension {
                    centred[row * dimension + column] = Double(rows[row * dimension + column]) - mean[column]
                }
            }
            return PrincipalComponents.fromCentredRows(centred, rows: rowCount, dimension: dimension)
        }
        let size = dimension * dimension
        var partials = [Double](repeating: 0, count: Parallel.partitions * size)
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            guard let partialBase = partialBuffer.baseAddress else { return }
            let shared = SharedPointer(base: partialBase)
            Parallel.run(Parallel.partitions) { partition in
                let range = Parallel.range(partition, of: Parallel.partitions, total: rowCount)
                let slice = UnsafeBufferPointer(rebasing: rows[(range.lowerBound * dimension)..<(range.upperBound * dimension)])
                CentredBlocks.forEach(slice, dimension: dimension, mean: mean) { block, blockRows, _ in
                    LinearAlgebra.accumulateColumnScatter(
                        block, rows: blockRows, columns: dimension, into: shared.base + partition * size
                    )
                }
            }
        }
        var scatter = Array(partials[0..<size])
        for partition in 1..<Parallel.partitions {
            for index in 0..<size { scatter[index] += partials[partition * size + index] }
        }
        return PrincipalComponents.fromScatter(&scatter, dimension: dimension)
    }

    /// Every row's projections on the components, `rowCount` × components, row-major.
    static func projections(
        of rows: UnsafeBufferPointer<Float>, rowCount: Int, dimension: Int, mean: [Double],
        principal: PrincipalComponents
    ) -> [Double] {
        let componentCount = principal.count
        var projections = [Double](repeating: 0, count: rowCount * componentCount)
        principal.loadings.withUnsafeBufferPointer { loadingBuffer in
            projections.withUnsafeMutableBufferPointer { projectionBuffer in
                guard let loadingBase = loadingBuffer.baseAddress, let projectionBase = projectionBuffer.baseAddress
                else { return }
                let shared = SharedPointer(base: projectionBase)
                Parallel.run(Parallel.partitions) { partition in
                    let range = Parallel.range(partition, of: Parallel.partitions, total: rowCount)
                    let slice = UnsafeBufferPointer(rebasing: rows[(range.lowerBound * dimension)..<(range.upperBound * dimension)])
                    CentredBlocks.forEach(slice, dimension: dimension, mean: mean) { block, blockRows, first in
                        LinearAlgebra.multiplyByTransposed(
                            block, rows: blockRows, columns: dimension, loadingBase, bRows: componentCount,
                            into: shared.base + (range.lowerBound + first) * componentCount
                        )
                    }
                }
            }
        }
        return projections
    }

    /// Each component's edges and the reference's proportions, one component per task.
    static func bins(of projections: [Double], rowCount: Int, componentCount: Int) -> (edges: [[Double]], proportions: [[Double]]) {
        var results = [(edges: [Double], reference: [Double], current: [Double])](
            repeating: ([], [], []), count: componentCount
        )
        results.withUnsafeMutableBufferPointer { resultBuffer in
            guard let resultBase = resultBuffer.baseAddress else { return }
            let shared = SharedPointer(base: resultBase)
            projections.withUnsafeBufferPointer { projectionBuffer in
                Parallel.run(componentCount) { component in
                    var values = (0..<rowCount).map { projectionBuffer[$0 * componentCount + component] }
                    shared.base[component] = Deciles.compare(&values, [])
                }
            }
        }
        return (results.map(\.edges), results.map(\.reference))
    }
}
