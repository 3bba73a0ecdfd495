import CBLAS

/// How matrix products use the cores.
///
/// OpenBLAS's own threads busy-wait (sched_yield) for up to ~0.1 s after each call, so between
/// BLAS calls they compete with exp's elementwise kernels for the same two cores (measured:
/// 15–20% of a transformer step's CPU time spent yielding). exp therefore runs OpenBLAS
/// single-threaded and splits large products itself, over the same worker pool as everything
/// else (`Parallel`), where idle workers sleep.
enum BLASThreads {
    /// Products with at least this many multiply-adds are split over the cores (below it, waking
    /// a worker costs more than it saves: 2^18 multiply-adds take about 3 µs on one core).
    static let splitWork = 1 << 18

    private static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Makes OpenBLAS single-threaded (once per process).
    @inline(__always)
    static func configure() { _ = configured }
}
