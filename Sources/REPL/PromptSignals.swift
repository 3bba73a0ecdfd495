#if canImport(Glibc)
import Glibc
#endif
import Lab
import Synchronization
import Tensors

// MARK: - Ctrl-C

/// SIGINT in the REPL. At the prompt it interrupts libedit's read (the handler is installed
/// without SA_RESTART, and forwarded to the REPL's thread, so `read` returns EINTR there) and
/// the line is dropped. While an input runs it sets `Interrupt`'s flag: the interpreter ends the
/// input at its next loop turn, call or op (the session rolls it back), and a training pauses
/// at the end of its step (it catches SIGINT itself). Should an input not reach a check (one
/// long kernel), a second Ctrl-C says so and a third quits exp.
enum PromptSignals {
    private static let flag = Atomic<Bool>(false)
    private static let running = Atomic<Bool>(false)
    private static let warned = Atomic<Bool>(false)
    /// The thread that reads lines and runs inputs.
    nonisolated(unsafe) private static var replThread: pthread_t = pthread_self()

    /// True once Ctrl-C arrived at the prompt since the last `clear()`.
    static var interrupted: Bool { flag.load(ordering: .relaxed) }

    static func clear() { flag.store(false, ordering: .relaxed) }

    /// Marks an input as running (or finished). Starting one also clears training's Ctrl-C
    /// flag, so the session can tell whether this input's training was interrupted.
    static func setRunning(_ on: Bool) {
        if on { Interrupt.clear() }
        warned.store(false, ordering: .relaxed)
        running.store(on, ordering: .relaxed)
    }

    /// Runs a paused training's prompt: the prompt's SIGINT handler (a training replaced it with
    /// its own) and the prompt state, then both as they were.
    static func atPrompt<R>(_ body: () -> R) -> R {
        var previous = sigaction()
        sigaction(SIGINT, nil, &previous)
        let wasRunning = running.load(ordering: .relaxed)
        install()
        setRunning(false)
        defer {
            setRunning(wasRunning)
            sigaction(SIGINT, &previous, nil)
        }
        return body()
    }

    /// Routes SIGINT to this thread's prompt; call from the REPL's thread.
    static func install() {
        replThread = pthread_self()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if pthread_equal(pthread_self(), PromptSignals.replThread) == 0 {
                pthread_kill(PromptSignals.replThread, SIGINT)
                return
            }
            if PromptSignals.running.load(ordering: .relaxed) {
                guard Interrupt.requested else { Interrupt.request(SIGINT); return }
                if PromptSignals.warned.exchange(true, ordering: .relaxed) {
                    let text = "\ninterrupted\n"
                    _ = text.withCString { write(2, $0, strlen($0)) }
                    _exit(130)
                }
                let text = "\n(stopping at the next loop turn, call or op; press Ctrl-C again to quit exp)\n"
                _ = text.withCString { write(2, $0, strlen($0)) }
                return
            }
            PromptSignals.flag.store(true, ordering: .relaxed)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: the blocked read returns EINTR
        sigaction(SIGINT, &action, nil)
        // A mask inherited from the parent must not keep Ctrl-C from this thread.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
