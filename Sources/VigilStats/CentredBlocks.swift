/// Walks float32 rows in blocks, handing each block over as Doubles centred on a mean, so the
/// BLAS kernels see Double precision without a Double copy of the whole window.
enum CentredBlocks {
    static let rowsPerBlock = 2048

    static func forEach(
        _ rows: UnsafeBufferPointer<Float>, dimension: Int, mean: [Double],
        _ body: (_ block: UnsafePointer<Double>, _ rowCount: Int, _ firstRow: Int) -> Void
    ) {
        let total = rows.count / dimension
        guard total > 0 else { return }
        var block = [Double](repeating: 0, count: Swift.min(rowsPerBlock, total) * dimension)
        mean.withUnsafeBufferPointer { meanBuffer in
            block.withUnsafeMutableBufferPointer { blockBuffer in
                guard let blockBase = blockBuffer.baseAddress else { return }
                var first = 0
                while first < total {
                    let rowCount = Swift.min(rowsPerBlock, total - first)
                    for row in 0..<rowCount {
                        let source = (first + row) * dimension
                        let target = row * dimension
                        for column in 0..<dimension {
                            blockBase[target + column] = Double(rows[source + column]) - meanBuffer[column]
                        }
                    }
                    body(UnsafePointer(blockBase), rowCount, first)
                    first += rowCount
                }
            }
        }
    }
}
