internal import COpenBLAS
internal import Dispatch

/// How VigilStats spreads work over cores: a fixed number of partitions of the rows, each with its
/// own accumulators, merged in partition order, so a result never depends on how many cores ran it.
///
/// OpenBLAS runs single-threaded: its worker threads spin between calls, which costs more than they
/// gain on the small matrices of the permutation test and fights with the partitions here. This is
/// process-wide; VigilStats is Vigil's only OpenBLAS user.
enum Parallel {
    static let partitions = 4

    private static let singleThreadedBLAS: Void = { openblas_set_num_threads(1) }()

    /// Runs `body(0..<iterations)` on as many cores as there are, returning when all have run.
    static func run(_ iterations: Int, _ body: (Int) -> Void) {
        _ = singleThreadedBLAS
        if iterations == 1 {
            body(0)
        } else {
            withoutActuallyEscaping(body) { escapable in
                let shared = SharedBody(run: escapable)
                DispatchQueue.concurrentPerform(iterations: iterations) { shared.run($0) }
            }
        }
    }

    /// The rows of partition `index` when `total` rows are split into `count` near-equal runs.
    static func range(_ index: Int, of count: Int, total: Int) -> Range<Int> {
        (total * index / count)..<(total * (index + 1) / count)
    }
}

/// A pointer handed to the partitions of ``Parallel/run(_:_:)``.
/// @unchecked Sendable: every partition reads shared input or writes only its own disjoint slots,
/// and `run` returns only after all of them finished.
struct SharedPointer<Pointee>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Pointee>
}

/// The body handed to Dispatch's worker threads.
/// @unchecked Sendable: every body given to ``Parallel/run(_:_:)`` only reads shared input and writes
/// its own iteration's disjoint slots, and `run` returns only after every iteration finished.
private struct SharedBody: @unchecked Sendable {
    let run: (Int) -> Void
}
