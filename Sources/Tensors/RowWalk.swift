/// The outer loop of strided kernels (broadcast arithmetic, `where`, dense copies of views):
/// a dense output of `shape` is produced row by row (a row = the last axis), and up to three
/// inputs are read through their own strides. Rows are split over the cores in disjoint ranges,
/// each walker starting from the multi-index of its first row.
struct RowWalk {
    /// Elements each thread should get at least before a kernel is split: below this, waking a
    /// worker (a few microseconds) costs more than the memory-bound work it takes over.
    static let minimumElementsPerThread = 1 << 15

    let shape: [Int]
    let strides: ([Int], [Int], [Int])

    /// Elements per row (the last axis) and the number of rows.
    var inner: Int { shape.last ?? 1 }
    var rows: Int { shape.isEmpty ? 1 : Shape.count(shape) / max(inner, 1) }

    /// `shape` with the inputs' strides (already broadcast to `shape`); unused inputs pass [].
    init(_ shape: [Int], _ s0: [Int], _ s1: [Int] = [], _ s2: [Int] = []) {
        self.shape = shape
        let zeros = [Int](repeating: 0, count: shape.count)
        strides = (s0.isEmpty ? zeros : s0, s1.isEmpty ? zeros : s1, s2.isEmpty ? zeros : s2)
    }

    /// Calls `body(row, o0, o1, o2)` for every row with the inputs' element offsets of its first
    /// element; the output offset is `row * inner`. Ranges of rows run in parallel when large.
    @inline(__always)
    func forEachRow(_ body: (Int, Int, Int, Int) -> Void) {
        let rows = self.rows, inner = self.inner
        if rows == 0 || inner == 0 { return }
        Parallel.forEachRange(rows, minimumPerThread: max(1, RowWalk.minimumElementsPerThread / inner)) { range in
            walk(range, body)
        }
    }

    @inline(__always)
    private func walk(_ range: Range<Int>, _ body: (Int, Int, Int, Int) -> Void) {
        let rank = shape.count
        let (s0, s1, s2) = strides
        // The multi-index of the first row (the last axis stays 0).
        var index = [Int](repeating: 0, count: rank)
        var o0 = 0, o1 = 0, o2 = 0
        var rest = range.lowerBound
        var axis = rank - 2
        while axis >= 0 && rest > 0 {
            let i = rest % shape[axis]
            rest /= shape[axis]
            index[axis] = i
            o0 += i * s0[axis]; o1 += i * s1[axis]; o2 += i * s2[axis]
            axis -= 1
        }
        for row in range {
            body(row, o0, o1, o2)
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                o0 += s0[axis]; o1 += s1[axis]; o2 += s2[axis]
                if index[axis] < shape[axis] { break }
                o0 -= s0[axis] * shape[axis]; o1 -= s1[axis] * shape[axis]; o2 -= s2[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

extension Parallel {
    /// Runs `body(range)` over disjoint ranges of `0..<count` elements of a memory-bound dense
    /// kernel, in parallel when there are enough of them.
    @inline(__always)
    static func forEachElementRange(_ count: Int, _ body: (Range<Int>) -> Void) {
        forEachRange(count, minimumPerThread: RowWalk.minimumElementsPerThread, body)
    }
}
