// Sorting along an axis: `argsort`, `sorted` and `topk`.
//
// Order: ascending unless `descending`. NaN counts as larger than every number, as in NumPy
// (whose argmax this library's argmax already follows): NaNs come last in ascending order,
// first in descending order, and first among the largest in `topk`. -0.0 and 0.0 are equal.
//
// Every sort is stable: equal elements keep their original order, in descending order too
// (PyTorch's `stable=True`). The comparison breaks ties by position, so it is a strict total
// order and the result does not depend on the sorting algorithm or on how rows are split over
// threads.

extension Tensor {
    /// The int64 indices that sort this tensor along `axis` (stable; see the file's note on
    /// NaN). Same shape as the tensor.
    public func argsort(axis: Int = -1, descending: Bool = false) throws -> Tensor {
        try sortAlong(axis, descending: descending, keep: nil, op: "argsort").indices
    }

    /// The values sorted along `axis` and the int64 indices they came from, so
    /// `values == takeAlongAxis(axis:index: indices)`.
    public func sorted(axis: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try sortAlong(axis, descending: descending, keep: nil, op: "sort")
    }

    /// The `k` largest elements along `axis` (the smallest when `largest` is false), sorted
    /// with the most extreme first, and their int64 indices, as PyTorch's `topk`. Equal values
    /// come in index order; NaN counts as the largest value. `k` must be in 0...size of the axis.
    public func topk(_ k: Int, axis: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        try sortAlong(axis, descending: largest, keep: k, op: "topk")
    }

    /// Sorts every row along `axis` and keeps its first `keep` entries (all when nil).
    private func sortAlong(_ axis: Int, descending: Bool, keep: Int?, op: String) throws -> (values: Tensor, indices: Tensor) {
        guard rank >= 1 else {
            throw TensorError(.shape, op: op, "needs a tensor with at least one axis, got a scalar",
                              hint: "reshape it to [1] first if you meant a one-element vector")
        }
        let ax = try Shape.axis(axis, rank: rank, op: op)
        let n = shape[ax]
        let k = keep ?? n
        guard k >= 0, k <= n else {
            throw TensorError(.value, op: op, "k must be between 0 and the size of axis \(axis) (\(n)), got \(k)")
        }
        // Axis last, dense: each row is then n consecutive elements. The copy is size-checked
        // (a broadcast view can be much larger once dense).
        _ = try Shape.checkedCount(shape, dtype: dtype, op: op)
        let perm = (0..<rank).filter { $0 != ax } + [ax]
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let moved = try permuted(perm).contiguous()
        var outShape = moved.shape
        outShape[rank - 1] = k
        let indices = try Tensor.uninitialized(outShape, dtype: .int64, op: op)
        let values = try Tensor.uninitialized(outShape, dtype: dtype, op: op)
        let rows = n == 0 ? 0 : moved.count / n
        if rows > 0 && k > 0 { Tensor.sortRows(moved, values, indices, n: n, k: k, rows: rows, descending: descending) }
        return (try values.permuted(inverse).contiguous(), try indices.permuted(inverse).contiguous())
    }

    /// Sorts each of `rows` rows of `n` elements of `src` and writes the first `k` values and
    /// indices of each row. Rows are independent, so they are split over the cores; each part
    /// uses its own scratch.
    ///
    /// Each element becomes a (key, position) pair whose plain tuple order is the sort order
    /// (see `sortKey`), so the comparison is a fast, total order on integers. When k is much
    /// smaller than n, a bounded heap keeps the k first pairs (O(n log k)) instead of sorting all.
    private static func sortRows(_ src: Tensor, _ values: Tensor, _ indices: Tensor, n: Int, k: Int, rows: Int, descending: Bool) {
        let pi = indices.pointer(Int.self)
        let select = k <= n / 16
        // About 64k elements of work per thread before splitting pays.
        Parallel.forEachRange(rows, minimumPerThread: Swift.max(1, 65_536 / n)) { range in
            var keys = [UInt64](repeating: 0, count: n)
            var pairs = [(UInt64, Int)](repeating: (0, 0), count: select ? k : n)
            for r in range {
                keys.withUnsafeMutableBufferPointer { fillKeys(src, row: r, n: n, descending: descending, into: $0) }
                keys.withUnsafeBufferPointer { key in
                    pairs.withUnsafeMutableBufferPointer { buffer in
                        if select {
                            selectFirst(k, of: n, into: buffer, key)
                        } else {
                            for j in 0..<n { buffer[j] = (key[j], j) }
                            buffer.sort { $0 < $1 }
                        }
                        for j in 0..<k { pi[r * k + j] = buffer[j].1 }
                    }
                }
                copyValues(src, values, row: r, n: n, k: k, indices: pi)
            }
        }
    }

    /// The keys of row `row` (see `sortKey`), read through a typed pointer per dtype.
    private static func fillKeys(_ src: Tensor, row: Int, n: Int, descending: Bool, into out: UnsafeMutableBufferPointer<UInt64>) {
        let flip: UInt64 = descending ? .max : 0
        func fill<T>(_: T.Type, _ key: (T) -> UInt64) {
            let p = src.pointer(T.self) + row * n
            for j in 0..<n { out[j] = key(p[j]) ^ flip }
        }
        switch src.dtype {
        case .float32: fill(Float.self) { sortKey(Double($0)) }
        case .float64: fill(Double.self) { sortKey($0) }
        case .int64: fill(Int.self) { UInt64(bitPattern: Int64($0)) ^ (1 << 63) }
        case .bool: fill(UInt8.self) { UInt64($0) }
        }
    }

    /// A float's key whose unsigned order is the sort order: the IEEE bits made monotone
    /// (negatives flipped), -0.0 as 0.0, every NaN above +inf. Integers get the sign bit flipped,
    /// bools are 0 and 1 (`fillKeys`). Descending order flips every key, so NaN comes first
    /// there; ties are broken by position, ascending, in both directions.
    @inline(__always)
    private static func sortKey(_ x: Double) -> UInt64 {
        if x.isNaN { return .max }
        let sign: UInt64 = 1 << 63
        let bits = (x == 0 ? 0.0 : x).bitPattern
        return bits & sign != 0 ? ~bits : bits | sign
    }

    /// The `k` smallest (key, position) pairs of positions 0..<n, in order, into `out[0..<k]`:
    /// a max-heap of the best k so far, each new pair replacing the top when it is smaller.
    private static func selectFirst(_ k: Int, of n: Int, into out: UnsafeMutableBufferPointer<(UInt64, Int)>,
                                    _ key: UnsafeBufferPointer<UInt64>) {
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var top = i
                if l < k && out[l] > out[top] { top = l }
                if r < k && out[r] > out[top] { top = r }
                if top == i { return }
                out.swapAt(i, top)
                i = top
            }
        }
        for j in 0..<k { out[j] = (key[j], j) }
        for i in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(i) }
        for j in k..<n {
            let p = (key[j], j)
            if p < out[0] {
                out[0] = p
                siftDown(0)
            }
        }
        var result = out  // the same memory: sorting needs a mutable buffer value
        result.sort { $0 < $1 }
    }

    /// Row `row`'s first `k` sorted values, read from `src` at the indices already written.
    private static func copyValues(_ src: Tensor, _ values: Tensor, row: Int, n: Int, k: Int, indices pi: UnsafeMutablePointer<Int>) {
        func copy<T>(_: T.Type) {
            let ps = src.pointer(T.self) + row * n, pv = values.pointer(T.self) + row * k
            for j in 0..<k { pv[j] = ps[pi[row * k + j]] }
        }
        switch src.dtype {
        case .float32: copy(Float.self)
        case .float64: copy(Double.self)
        case .int64: copy(Int.self)
        case .bool: copy(UInt8.self)
        }
    }
}
