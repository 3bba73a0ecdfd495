import Foundation
import Synchronization

/// The running total of bytes held by live tensors, against a limit, so that a script that
/// keeps too many tensors (appending 40 MB tensors in a loop) gets an error at its line instead
/// of being killed by the system's out-of-memory killer or a failed allocation.
///
/// Every tensor buffer is counted when it is made and when it is freed (one relaxed atomic add
/// each, from any thread). A new shape whose buffer would take the total over the limit is
/// refused before it is allocated (`Shape.checkedCount`, a `.size` error); outputs that take
/// an input's size are counted without a check, and `exceeded` lets the interpreter stop at
/// the next statement once they have passed the limit.
public enum MemoryBudget {
    private static let live = Atomic<Int>(0)
    private static let limitBytes = Atomic<Int>(defaultLimit)

    /// Bytes held by live tensors now (buffers kept for reuse by `BufferPool` are not counted).
    public static var liveBytes: Int { live.load(ordering: .relaxed) }

    /// The most bytes live tensors may hold (`exp run --max-memory`); the default is
    /// `defaultLimit`.
    public static var limit: Int {
        get { limitBytes.load(ordering: .relaxed) }
        set { limitBytes.store(max(newValue, 0), ordering: .relaxed) }
    }

    /// True when live tensors hold more than the limit.
    @inline(__always)
    public static var exceeded: Bool { live.load(ordering: .relaxed) > limitBytes.load(ordering: .relaxed) }

    /// Three quarters of the memory this process may use: the machine's physical memory, or a
    /// smaller control-group limit (a container's). The rest is left to the interpreter, the
    /// tape's bookkeeping, the buffer pool and the system.
    public static let defaultLimit: Int = {
        var available = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            // No such file: no control-group limit of that version; "max" means none either.
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes > 0 {
                available = min(available, bytes)
            }
        }
        return available / 4 * 3
    }()

    @inline(__always)
    static func allocated(_ bytes: Int) { live.add(bytes, ordering: .relaxed) }

    @inline(__always)
    static func freed(_ bytes: Int) { live.subtract(bytes, ordering: .relaxed) }

    /// Throws when `bytes` more would take live tensors over the limit.
    static func check(_ bytes: Int, shape: [Int], op: String) throws {
        let now = liveBytes, limit = self.limit
        guard bytes > limit - now else { return }
        throw TensorError(.size, op: op,
                          "a tensor of shape \(TensorError.show(shape)) needs \(show(bytes)), but live tensors already hold \(show(now)) of the \(show(limit)) memory limit",
                          hint: "keep fewer tensors alive (a list that grows every step holds them all), or raise the limit with --max-memory")
    }

    /// Bytes for people: `512 B`, `40.0 MB`, `12.3 GB` (powers of 1024, as `--max-memory` reads them).
    public static func show(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// Reads a size as `--max-memory` takes it: bytes (`1000000`), with a unit (`512M`, `8G`,
    /// `1.5T`, powers of 1024; `MB`, `GiB` spellings too), or a share of `defaultLimit`'s
    /// physical memory (`50%`). Nil when it is none of these or not positive.
    public static func parse(_ text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("%") {
            guard let p = Double(t.dropLast()), p > 0, p <= 100 else { return nil }
            return Int(Double(defaultLimit) / 0.75 * p / 100)
        }
        for suffix in ["IB", "B"] where t.hasSuffix(suffix) && t.count > suffix.count { t.removeLast(suffix.count); break }
        let scale: Double
        switch t.last {
        case "K": scale = 1024
        case "M": scale = 1_048_576
        case "G": scale = 1_073_741_824
        case "T": scale = 1_099_511_627_776
        default: scale = 1
        }
        if scale > 1 { t.removeLast() }
        guard let n = Double(t), n.isFinite, n > 0, n * scale < 9.2e18 else { return nil }
        return Int(n * scale)
    }
}
