#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ctrl-C during training: the first SIGINT asks the loop to stop after the current step
/// (outputs are kept); the handler is installed only while training runs.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    /// True once SIGINT arrived since the last `clear()`.
    public static var requested: Bool { flag.load(ordering: .relaxed) }

    /// Asks the running loop to stop, as SIGINT would (tests and the REPL use it).
    public static func request() { flag.store(true, ordering: .relaxed) }

    public static func clear() { flag.store(false, ordering: .relaxed) }

    /// Runs `body` with SIGINT routed to the flag, then restores the previous handler.
    public static func catching<R>(_ body: () throws -> R) rethrows -> R {
        clear()
        var action = sigaction()
        var previous = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupt.flag.store(true, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, &previous)
        defer { sigaction(SIGINT, &previous, nil) }
        // A parent (a test runner, a job control wrapper) may have blocked SIGINT, and threads
        // inherit the mask: unblock it here so Ctrl-C reaches this handler.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        return try body()
    }
}
