#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ctrl-C (and, for a whole `exp run`, SIGTERM and SIGHUP): the signal only sets a flag; the
/// training loop stops after the current step when it sees it, and a run that ends on
/// interrupts checks it between statements. Outputs are written by the normal path.
public enum Interrupt {
    /// The signal that arrived since the last `clear()` (0: none).
    private static let arrived = Atomic<Int32>(0)
    /// How many `catching` calls are active (one thread drives them).
    nonisolated(unsafe) private static var depth = 0

    /// True once a signal arrived since the last `clear()`.
    public static var requested: Bool { arrived.load(ordering: .relaxed) != 0 }

    /// Which signal arrived (SIGINT, SIGTERM, SIGHUP), or nil.
    public static var signal: Int32? {
        let s = arrived.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }

    /// Asks the running loop to stop, as SIGINT would (tests and the REPL use it).
    public static func request(_ signal: Int32 = SIGINT) { arrived.store(signal, ordering: .relaxed) }

    public static func clear() { arrived.store(0, ordering: .relaxed) }

    /// Runs `body` with `signals` routed to the flag, then restores the previous handlers. The
    /// outermost call starts from a cleared flag; nested ones (a training inside a run that
    /// already catches) keep a signal that arrived before them.
    public static func catching<R>(_ signals: [Int32] = [SIGINT], _ body: () throws -> R) rethrows -> R {
        if depth == 0 { clear() }
        depth += 1
        defer { depth -= 1 }
        var previous: [sigaction] = []
        for s in signals {
            var action = sigaction()
            var old = sigaction()
            action.__sigaction_handler.sa_handler = { s in Interrupt.arrived.store(s, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(s, &action, &old)
            previous.append(old)
        }
        defer { for (s, old) in zip(signals, previous) { var o = old; sigaction(s, &o, nil) } }
        // A parent (a test runner, a job control wrapper) may have blocked these signals, and
        // threads inherit the mask: unblock them here so they reach the handler.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for s in signals { sigaddset(&unblock, s) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        return try body()
    }
}
