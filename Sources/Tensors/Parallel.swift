#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits large kernels over the machine's cores. Small work stays on the calling thread:
/// waking a second thread costs a few microseconds, more than the work below `minimumPerThread`.
public enum Parallel {
    /// Worker count (the active processor count, at most 8).
    public static let threads: Int = max(1, min(8, sysconfThreads()))

    private static func sysconfThreads() -> Int {
        #if canImport(Glibc) || canImport(Darwin)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }

    /// Runs `body(range)` over disjoint ranges covering `0..<count`, in parallel when each part
    /// gets at least `minimumPerThread` items. The ranges are deterministic for a given count.
    @inline(__always)
    public static func forEachRange(_ count: Int, minimumPerThread: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, count / max(minimumPerThread, 1))
        if parts <= 1 {
            body(0..<count)
            return
        }
        let size = (count + parts - 1) / parts
        pool.run(parts: parts) { i in
            let lo = i * size
            body(lo..<min(count, lo + size))
        }
    }

    /// The workers beside the calling thread, started on first use.
    private static let pool = WorkerPool(workers: threads - 1)
}
