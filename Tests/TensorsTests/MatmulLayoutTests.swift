import Testing
import Tensors

/// matmul takes different routes by layout and size (a stack folded into one gemm, transposed
/// views passed to BLAS as transposes, large products split into row or column blocks over the
/// cores, stacks split by items). Every route must give the textbook product; these compare
/// each against a triple loop in f64.
@Suite struct MatmulLayoutTests {
    /// Reference product of a [.., m, k] and a [.., k, n] stack with equal batch shapes.
    func naive(_ a: Tensor, _ b: Tensor) -> [Double] {
        let ra = a.rank, rb = b.rank
        let m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1]
        let items = a.count / (m * k)
        let x = a.contiguous().toDoubles(), y = b.contiguous().toDoubles()
        var out = [Double](repeating: 0, count: items * m * n)
        for t in 0..<items {
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k { s += x[t * m * k + i * k + p] * y[t * k * n + p * n + j] }
                    out[t * m * n + i * n + j] = s
                }
            }
        }
        return out
    }

    func sample(_ shape: [Int], seed: UInt64) throws -> Tensor {
        try Tensor.normal(shape, dtype: .float64, generator: RandomGenerator(seed: seed))
    }

    func expectClose(_ got: Tensor, _ want: [Double], _ what: String) {
        let g = got.contiguous().toDoubles()
        #expect(g.count == want.count, "\(what)")
        let worst = zip(g, want).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst < 1e-10, "\(what): worst relative error \(worst)")
    }

    @Test func matrixTimesTransposedStack() throws {
        // W @ Z with Z a transposed view of a dense [batch, n, k] stack (W1's W_PV @ Z).
        let w = try sample([11, 11], seed: 1)
        let zt = try sample([7, 41, 11], seed: 2)
        let z = try zt.transposed(1, 2)
        let product = try Tensor.matmul(w, z)
        #expect(product.shape == [7, 11, 41])
        let wide = try w.expanded(to: [7, 11, 11])
        expectClose(product, naive(wide, z), "W @ Zᵀ")
        // A transposed W and a two-axis batch take the same route.
        let z4 = try sample([2, 3, 5, 4], seed: 3).transposed(2, 3)
        let wt = try sample([6, 4], seed: 4).transposed(0, 1)
        expectClose(try Tensor.matmul(wt.transposed(0, 1), z4), naive(try wt.transposed(0, 1).expanded(to: [2, 3, 6, 4]), z4), "W @ stackᵀ, 2 batch axes")
    }

    @Test func largeProductsSplitByRowsOrColumns() throws {
        // Above the split threshold: tall (split by rows), wide (by columns), transposed operands.
        for (m, k, n) in [(300, 64, 40), (40, 64, 300), (129, 70, 131)] {
            let a = try sample([m, k], seed: UInt64(m)), b = try sample([k, n], seed: UInt64(n))
            expectClose(try Tensor.matmul(a, b), naive(a, b), "\(m)x\(k)x\(n)")
            let at = try sample([k, m], seed: 5).transposed(0, 1), bt = try sample([n, k], seed: 6).transposed(0, 1)
            expectClose(try Tensor.matmul(at, bt), naive(at, bt), "\(m)x\(k)x\(n) transposed operands")
        }
    }

    @Test func stacksSplitByItemsOrPerItem() throws {
        // Many small items (split over items) and two large items (each product split).
        for (batch, m, k, n) in [(64, 5, 7, 3), (2, 200, 64, 90)] {
            let a = try sample([batch, m, k], seed: 7), b = try sample([batch, k, n], seed: 8)
            expectClose(try Tensor.matmul(a, b), naive(a, b), "[\(batch), \(m), \(k)] @ [\(batch), \(k), \(n)]")
        }
    }

    @Test func batchSumsSplitIntoPartialsOverTheCores() throws {
        // Σ_i x_i @ y_i where the batch cannot merge into one gemm (x dense [b, m, k]): each core
        // sums a share of the items. Large enough to split, with uneven shares.
        for (batch, m, k, n) in [(65, 11, 41, 11), (3, 150, 200, 90)] {
            let x = try sample([batch, m, k], seed: 20), y = try sample([batch, k, n], seed: 21)
            let perItem = naive(x, y)
            var want = [Double](repeating: 0, count: m * n)
            for t in 0..<batch { for e in 0..<(m * n) { want[e] += perItem[t * m * n + e] } }
            expectClose(try Tensor.matmulSummingBatch(x, y), want, "Σ over \(batch) items of \(m)x\(k)x\(n)")
        }
    }

    @Test func float32TakesTheSameRoutes() throws {
        let w = try sample([11, 11], seed: 1).cast(to: .float32)
        let z = try sample([9, 41, 11], seed: 2).cast(to: .float32).transposed(1, 2)
        let got = try Tensor.matmul(w, z).contiguous().toDoubles()
        let want = naive(try w.cast(to: .float64).expanded(to: [9, 11, 11]), z.cast(to: .float64))
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4, "worst error \(worst)")
    }
}
