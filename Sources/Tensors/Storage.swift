/// A reference-counted block of aligned memory that one or more tensors view.
///
/// The memory is allocated uninitialized (large blocks may be reused from `BufferPool`); kernels
/// write every element they own before reading.
public final class TensorStorage: @unchecked Sendable {
    /// Start of the buffer, 64-byte aligned for vector loads.
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int

    /// Allocates `byteCount` bytes (at least one, so the pointer is always valid).
    init(byteCount: Int) {
        self.byteCount = byteCount
        base = BufferPool.allocate(byteCount: byteCount)
        MemoryBudget.allocated(byteCount)
    }

    deinit {
        MemoryBudget.freed(byteCount)
        BufferPool.release(base, byteCount: byteCount)
    }
}

/// Limits that turn absurd requests into errors instead of crashes.
public enum TensorLimits {
    /// The largest single tensor, in bytes (default 8 GiB). Larger requests throw a `.size`
    /// error naming the bytes asked for.
    nonisolated(unsafe) public static var maxBytes: Int = 8 << 30
    /// The largest rank a tensor may have.
    public static let maxRank = 16
}
