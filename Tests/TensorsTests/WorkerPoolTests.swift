import Foundation
import Synchronization
import Testing
import Tensors

/// `Parallel.forEachRange` hands its parts to workers that spin briefly between jobs and then
/// sleep. Whatever the timing, every index must run exactly once per call, and the call must
/// return only after all of them ran.
@Suite struct WorkerPoolTests {
    /// Runs `forEachRange` over `count` indices and returns how often each index ran.
    func visits(_ count: Int, minimumPerThread: Int = 1, inner: Bool = false) -> [Int] {
        let hits = Mutex([Int](repeating: 0, count: count))
        Parallel.forEachRange(count, minimumPerThread: minimumPerThread) { range in
            for i in range {
                if inner {
                    // A job started from inside a job runs on the calling thread.
                    let sub = visits(3)
                    if sub != [1, 1, 1] { return }
                }
                hits.withLock { $0[i] += 1 }
            }
        }
        return hits.withLock { $0 }
    }

    @Test func everyIndexRunsExactlyOncePerCall() {
        for count in [0, 1, 2, 3, 7, 64, 1000] {
            for _ in 0..<200 {
                let v = visits(count)
                #expect(v == [Int](repeating: 1, count: count), "count \(count)")
                if v != [Int](repeating: 1, count: count) { return }
            }
        }
    }

    @Test func workersThatFellAsleepStillTakeTheNextJob() throws {
        for _ in 0..<5 {
            // Longer than the workers spin, so they are asleep when the job arrives.
            Thread.sleep(forTimeInterval: 0.02)
            #expect(visits(16) == [Int](repeating: 1, count: 16))
        }
    }

    @Test func nestedJobsRunOnTheCallingThread() {
        #expect(visits(8, inner: true) == [Int](repeating: 1, count: 8))
    }

    @Test func jobsFromSeveralThreadsAtOnce() {
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for _ in 0..<300 where visits(10 + t) != [Int](repeating: 1, count: 10 + t) {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }
}
