import CProcess
import Foundation

/// How much of the current thread's stack is left. Script recursion is bounded by measuring
/// the stack itself rather than by counting calls: a call nested inside a deep expression uses
/// more stack than a plain one, so a count alone either stops scripts that would fit or lets
/// a deep one overflow (SIGSEGV, no message).
struct StackGuard {
    /// Lowest usable address of the thread the guard was made on (stacks grow down), and that
    /// thread, so a guard read from another thread re-measures.
    private var low: UInt = 0
    private var thread: pthread_t?
    /// Bytes kept free below the deepest call: room for one call's own expression nesting (the
    /// parser bounds it), the builtins it runs and the error report.
    private var reserve: UInt = 0

    /// True when fewer than the reserved bytes of stack are left on this thread.
    mutating func isNearlyFull() -> Bool {
        let me = pthread_self()
        if thread == nil || pthread_equal(thread!, me) == 0 { measure(me) }
        var marker: UInt8 = 0
        let sp = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        return sp < low || sp - low < reserve
    }

    private mutating func measure(_ me: pthread_t) {
        thread = me
        var base: UnsafeMutableRawPointer?
        var size = 0
        // Without the thread's bounds there is nothing to measure: the call-count limit remains.
        guard exp_thread_stack(&base, &size) == 0, let base else { low = 0; reserve = 0; return }
        low = UInt(bitPattern: base)
        // A quarter of a small stack, 16 MB of the 512 MB one scripts run on.
        reserve = UInt(min(16 << 20, size / 4))
    }
}
