internal import COpenBLAS

/// The few dense kernels the drift maths needs, on row-major Double matrices, through OpenBLAS and
/// LAPACKE.
enum LinearAlgebra {
    /// scatter (n × n, upper triangle) += Aᵀ·A, where A is `rows` × n.
    static func accumulateColumnScatter(
        _ a: UnsafePointer<Double>, rows: Int, columns: Int, into scatter: UnsafeMutablePointer<Double>
    ) {
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows),
            1.0, a, Int32(columns), 1.0, scatter, Int32(columns)
        )
    }

    /// The upper triangle of A·Aᵀ (`rows` × `rows`), where A is `rows` × `columns`.
    static func rowGram(_ a: UnsafePointer<Double>, rows: Int, columns: Int) -> [Double] {
        var gram = [Double](repeating: 0, count: rows * rows)
        gram.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            cblas_dsyrk(
                CblasRowMajor, CblasUpper, CblasNoTrans, Int32(rows), Int32(columns),
                1.0, a, Int32(columns), 0.0, base, Int32(rows)
            )
        }
        return gram
    }

    /// result (`rows` × k) = A (`rows` × d) · Bᵀ, where B is k × d.
    static func multiplyByTransposed(
        _ a: UnsafePointer<Double>, rows: Int, columns: Int,
        _ b: UnsafePointer<Double>, bRows: Int, into result: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(bRows), Int32(columns),
            1.0, a, Int32(columns), b, Int32(columns), 0.0, result, Int32(bRows)
        )
    }

    /// The `count` largest eigenvalues (descending) and their unit eigenvectors of the symmetric
    /// n × n matrix whose row-major upper triangle is filled (LAPACKE_dsyevr, range by index).
    /// The matrix is overwritten. Empty when LAPACK reports a failure.
    static func largestEigenpairs(
        of matrix: inout [Double], order n: Int, count: Int
    ) -> (values: [Double], vectors: [[Double]]) {
        let wanted = Swift.min(count, n)
        guard wanted > 0 else { return ([], []) }
        var found: Int32 = 0
        var values = [Double](repeating: 0, count: n)
        var vectors = [Double](repeating: 0, count: n * wanted)
        var support = [Int32](repeating: 0, count: 2 * wanted)
        // Row-major upper is column-major lower: hand LAPACK the same memory as 'L'.
        let status = matrix.withUnsafeMutableBufferPointer { matrixBuffer in
            values.withUnsafeMutableBufferPointer { valueBuffer in
                vectors.withUnsafeMutableBufferPointer { vectorBuffer in
                    support.withUnsafeMutableBufferPointer { supportBuffer in
                        LAPACKE_dsyevr(
                            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "I")),
                            CChar(UInt8(ascii: "L")), Int32(n), matrixBuffer.baseAddress, Int32(n),
                            0, 0, Int32(n - wanted + 1), Int32(n), 0,
                            &found, valueBuffer.baseAddress, vectorBuffer.baseAddress, Int32(n),
                            supportBuffer.baseAddress
                        )
                    }
                }
            }
        }
        guard status == 0, Int(found) == wanted else { return ([], []) }
        // LAPACK returns them ascending, each eigenvector a column of n values.
        let order = (0..<wanted).reversed()
        return (
            order.map { values[$0] },
            order.map { Array(vectors[($0 * n)..<(($0 + 1) * n)]) }
        )
    }
}
