import Synchronization

/// Rows of a stack of matrices that are entirely zero.
///
/// A loss read off a few positions (the last token's logits, one entry of a regression output)
/// sends back a gradient that is zero in every other row. Matrix-product pullbacks use these
/// to multiply only the rows that carry gradient: `(G @ Bᵀ)` is zero wherever `G`'s row is, and
/// `Aᵀ @ G` takes nothing from those rows.
extension Tensor {
    /// The indices `i` along the second-to-last axis for which `self[..., i, :]` holds a
    /// nonzero (or NaN) element in some matrix of the stack, ascending; nil when more than
    /// `limit` rows do, or for tensors that are not dense float matrices. A dense tensor is
    /// rejected after scanning about `limit` rows.
    public func rowsWithNonzeros(atMost limit: Int) -> [Int]? {
        guard rank >= 2, dtype.isFloating, isContiguous else { return nil }
        let m = shape[rank - 2], n = shape[rank - 1]
        guard m > 0, n > 0 else { return [] }
        let items = count / (m * n)
        let base = UnsafeRawPointer(storage.base) + offset * dtype.byteWidth
        let rowBytes = n * dtype.byteWidth
        // A row is zero when every element is +0 or -0: all bits but the sign bits clear (NaN
        // has exponent bits set, so it counts as nonzero).
        let rowIsZero: (UnsafeRawPointer) -> Bool = dtype == .float32
            ? { Self.allZero($0, words: n, signMask: 0x7FFF_FFFF as UInt32) }
            : { Self.allZero($0, words: n, signMask: 0x7FFF_FFFF_FFFF_FFFF as UInt64) }
        /// Marks the rows holding nonzeros in matrices `items`; false once more than `limit` do.
        func scan(_ items: Range<Int>, _ marked: inout [Bool]) -> Bool {
            var found = marked.lazy.filter { $0 }.count
            for t in items {
                for i in 0..<m where !marked[i] && !rowIsZero(base + (t * m + i) * rowBytes) {
                    marked[i] = true
                    found += 1
                    if found > limit { return false }
                }
            }
            return true
        }
        // The first matrix alone settles a dense tensor; the rest are read by both cores.
        var marked = [Bool](repeating: false, count: m)
        guard scan(0..<1, &marked) else { return nil }
        let parts = Mutex([[Bool]]())
        Parallel.forEachRange(items - 1, minimumPerThread: max(1, (1 << 14) / (m * n))) { range in
            var local = marked
            let sparse = scan(range.lowerBound + 1..<range.upperBound + 1, &local)
            parts.withLock { $0.append(sparse ? local : []) }
        }
        for part in parts.withLock({ $0 }) {
            guard part.count == m else { return nil }
            for i in 0..<m where part[i] { marked[i] = true }
        }
        let rows = marked.indices.filter { marked[$0] }
        return rows.count <= limit ? rows : nil
    }

    /// True when each of `words` words at `p`, masked with `signMask`, is zero.
    @inline(__always)
    private static func allZero<W: FixedWidthInteger & SIMDScalar>(_ p: UnsafeRawPointer, words: Int, signMask: W) -> Bool {
        var bits = SIMD16<W>(repeating: 0)
        var j = 0
        while j + 16 <= words {
            bits |= p.loadUnaligned(fromByteOffset: j * W.bitWidth / 8, as: SIMD16<W>.self)
            j += 16
        }
        var rest: W = 0
        while j < words {
            rest |= p.loadUnaligned(fromByteOffset: j * W.bitWidth / 8, as: W.self)
            j += 1
        }
        return rest & signMask == 0 && bits & SIMD16(repeating: signMask) == .zero
    }

    /// `self[..., rows, :]`: the given rows of every matrix of the stack (a view when they are
    /// consecutive).
    public func selectingRows(_ rows: [Int]) throws -> Tensor {
        let axis = rank - 2
        if let first = rows.first, rows.last == first + rows.count - 1 {
            return narrowView(axis: axis, start: first, count: rows.count)
        }
        return try indexSelect(axis: axis, index: Tensor(ints: rows, shape: [rows.count]))
    }

    /// A stack of matrices with `m` rows that is zero except `self[..., j, :]` at row
    /// `rows[j]` (the adjoint of `selectingRows`).
    public func placingRows(_ rows: [Int], inMatricesOf m: Int) -> Tensor {
        var outShape = shape
        outShape[rank - 2] = m
        let out = Tensor.uncheckedEmpty(outShape, count: Shape.count(outShape), dtype: dtype)
        out.fillZero()
        let part = contiguous()
        let r = rows.count, rowBytes = shape[rank - 1] * dtype.byteWidth
        let items = r * rowBytes == 0 ? 0 : part.count * dtype.byteWidth / (r * rowBytes)
        let src = UnsafeRawPointer(part.storage.base) + part.offset * dtype.byteWidth
        let dst = out.storage.base + out.offset * dtype.byteWidth
        for t in 0..<items {
            for (j, i) in rows.enumerated() {
                (dst + (t * m + i) * rowBytes).copyMemory(from: src + (t * r + j) * rowBytes, byteCount: rowBytes)
            }
        }
        return out
    }
}
