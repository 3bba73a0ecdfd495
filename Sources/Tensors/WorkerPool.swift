import CKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The threads that run the parts of `Parallel.forEachRange` beside the calling thread.
///
/// A training step hands the cores a few hundred short jobs (10–500 µs each). Waking a sleeping
/// thread for each one costs a futex call, and in a virtual machine an inter-processor
/// interrupt to a halted CPU, often 10–50 µs: on a 2-core VM that was ~10% of a transformer
/// step. So after each job the workers keep watching for the next one for a short while
/// (`spinSeconds`) before they sleep; jobs that follow each other, as in a training loop, find
/// them awake.
///
/// Parts are claimed one at a time from a counter tagged with the job's number, so a worker
/// that arrives late can never run a part of a newer job, and which thread runs a part never
/// changes what the part computes. A job submitted while another runs (from a worker, or from
/// a second thread) runs on the calling thread alone.
final class WorkerPool: @unchecked Sendable {
    /// How long an idle worker keeps watching for work before it sleeps.
    static let spinSeconds = 0.002

    /// The current job's number, part count and next unclaimed part (`encode`).
    private let claim = Atomic<Int>(0)
    /// Parts of the current job that have finished.
    private let finished = Atomic<Int>(0)
    /// Set while a job runs.
    private let busy = Atomic<Bool>(false)
    /// Workers waiting on `wake`.
    private let sleepers = Atomic<Int>(0)
    /// Guard the sleep and wake-up of workers (allocated once: the pool lives as long as the process).
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// The current job's body; written before the job is published in `claim`, read only by a
    /// thread that has claimed one of its parts (so the job cannot end while it is read).
    private var body: ((Int) -> Void)?
    private var generation = 0

    init(workers: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        for _ in 0..<workers {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            pthread_create(&thread, nil, { context in
                let pool = Unmanaged<WorkerPool>.fromOpaque(context!).takeRetainedValue()
                pool.workLoop()
                return nil
            }, context)
            pthread_detach(thread)
        }
    }

    /// Runs `body(0) … body(parts - 1)` (at most 255 parts), spread over the calling thread and
    /// the workers, and returns when all have finished.
    func run(parts: Int, _ body: (Int) -> Void) {
        guard parts <= 0xFF, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for p in 0..<parts { body(p) }
            return
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            generation += 1
            finished.store(0, ordering: .relaxed)
            claim.store(Self.encode(job: generation, parts: parts, next: 0), ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(wake)
                pthread_mutex_unlock(mutex)
            }
            runParts(of: generation)
            while finished.load(ordering: .acquiring) < parts { ck_cpu_relax() }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs parts of job `job` until none are left (or a newer job was published).
    private func runParts(of job: Int) {
        while true {
            let current = claim.load(ordering: .acquiring)
            let (number, parts, next) = Self.decode(current)
            guard number == job, next < parts else { return }
            guard claim.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing).exchanged else {
                continue
            }
            // A claimed part keeps its job from finishing, so `body` is this job's until it returns.
            body?(next)
            finished.add(1, ordering: .releasing)
        }
    }

    /// The claim word: the job's number, its part count and the next unclaimed part, in one
    /// atomic so that a claim names the job it belongs to.
    private static func encode(job: Int, parts: Int, next: Int) -> Int { job << 16 | parts << 8 | next }
    private static func decode(_ word: Int) -> (job: Int, parts: Int, next: Int) { (word >> 16, word >> 8 & 0xFF, word & 0xFF) }

    private func workLoop() {
        var seen = 0
        while true {
            let job = waitForJob(after: seen)
            seen = job
            runParts(of: job)
        }
    }

    /// Spins until a job newer than `seen` is published, then sleeps until one is.
    private func waitForJob(after seen: Int) -> Int {
        let deadline = Self.now() + Self.spinSeconds
        var spins = 0
        while true {
            let job = Self.decode(claim.load(ordering: .acquiring)).job
            if job != seen { return job }
            ck_cpu_relax()
            spins += 1
            if spins & 255 == 0 && Self.now() > deadline { break }
        }
        pthread_mutex_lock(mutex)
        _ = sleepers.add(1, ordering: .sequentiallyConsistent)
        var job = Self.decode(claim.load(ordering: .sequentiallyConsistent)).job
        while job == seen {
            pthread_cond_wait(wake, mutex)
            job = Self.decode(claim.load(ordering: .sequentiallyConsistent)).job
        }
        _ = sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
        return job
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
