import Synchronization

/// Keeps freed tensor buffers for reuse.
///
/// A training step allocates the same activation and gradient shapes every step. Large blocks
/// from malloc come straight from mmap, so without reuse each step pays a page fault and the
/// kernel's page zeroing for every fresh megabyte (measured: 5–10% of a transformer step). Freed
/// buffers of at least `minimumBytes` are kept here, keyed by their rounded size, and handed out
/// again for the next request of that size; small blocks stay with malloc, which recycles them
/// cheaply already.
///
/// The pool holds at most `capacityBytes`; when a freed buffer does not fit, buffers of other
/// sizes are released first (the shapes in use changed, e.g. a new batch size in the REPL).
public enum BufferPool {
    /// Buffers smaller than this are not pooled.
    public static let minimumBytes = 64 << 10
    /// The most memory kept in the pool.
    public static let capacityBytes = 1 << 30
    /// Largest single buffer kept (bigger ones go back to the system at once).
    static let largestPooledBytes = 256 << 20
    /// Pooled sizes are rounded up to whole pages so near-equal requests share buffers.
    static let granule = 4096

    /// Buffers are held as addresses (raw pointers are not Sendable across the lock).
    private struct State: ~Copyable {
        var free: [Int: [Int]] = [:]
        var cachedBytes = 0
        var reused = 0
    }

    private static let state = Mutex(State())

    /// The bytes actually allocated for a request of `byteCount` bytes.
    static func capacity(for byteCount: Int) -> Int {
        let n = max(byteCount, 1)
        guard n >= minimumBytes, n <= largestPooledBytes else { return n }
        return (n + granule - 1) / granule * granule
    }

    /// A 64-byte-aligned block of `capacity(for: byteCount)` bytes, uninitialized.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = capacity(for: byteCount)
        if size >= minimumBytes && size <= largestPooledBytes {
            let reused = state.withLock { s -> Int? in
                guard let p = s.free[size]?.popLast() else { return nil }
                s.cachedBytes -= size
                s.reused += 1
                return p
            }
            if let reused, let p = UnsafeMutableRawPointer(bitPattern: reused) { return p }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    /// Takes back a block from `allocate(byteCount:)`.
    static func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let size = capacity(for: byteCount)
        guard size >= minimumBytes && size <= largestPooledBytes else {
            pointer.deallocate()
            return
        }
        let address = Int(bitPattern: pointer)
        let evicted = state.withLock { s -> [Int] in
            var evicted: [Int] = []
            // Make room by dropping buffers of other sizes, largest classes first.
            while s.cachedBytes + size > capacityBytes,
                  let victim = s.free.filter({ $0.key != size && !$0.value.isEmpty }).max(by: { $0.key < $1.key })?.key {
                evicted.append(s.free[victim]!.removeLast())
                s.cachedBytes -= victim
            }
            if s.cachedBytes + size > capacityBytes {
                evicted.append(address)
            } else {
                s.free[size, default: []].append(address)
                s.cachedBytes += size
            }
            return evicted
        }
        for p in evicted { UnsafeMutableRawPointer(bitPattern: p)?.deallocate() }
    }

    /// Bytes currently held for reuse, and how many allocations were served from the pool.
    public static var statistics: (cachedBytes: Int, reused: Int) {
        state.withLock { ($0.cachedBytes, $0.reused) }
    }
}
