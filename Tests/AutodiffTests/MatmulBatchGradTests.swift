import Testing
@testable import Tensors
import Autodiff

/// A matrix that multiplies every item of a stack gets the batch sum of its gradients, computed
/// without a `[batch, m, n]` temporary (one merged gemm or accumulating gemms). These check it
/// against finite differences and against the plain matmul-then-sum on the layouts the rule meets.
@Suite struct MatmulBatchGradTests {
    @Test func stackTimesMatrixAndMatrixTimesStack() throws {
        for (sa, sb) in [([3, 4, 5], [5, 2]), ([2, 3, 4, 5], [5, 3]), ([4, 5], [3, 5, 2]), ([4, 5], [2, 3, 5, 6]), ([6], [3, 6, 2])] {
            let r = try gradcheck({ try matmul($0[0], $0[1]) }, inputs: [sample(sa, seed: 8), sample(sb, seed: 9)])
            #expect(r.passed, "\(sa) @ \(sb): \(r)")
        }
    }

    @Test func transposedOperandsStillGetTheRightGradient() throws {
        // x.T @ W and W @ x.T: the stacks arrive as transposed views.
        let x = sample([3, 5, 4], seed: 2)
        let r1 = try gradcheck({ try matmul(matrixTranspose($0[0]), $0[1]) }, inputs: [x, sample([5, 2], seed: 3)])
        #expect(r1.passed, "\(r1)")
        let r2 = try gradcheck({ try matmul($0[1], matrixTranspose($0[0])) }, inputs: [x, sample([2, 4], seed: 4)])
        #expect(r2.passed, "\(r2)")
    }

    @Test func summingBatchEqualsMatmulThenSum() throws {
        let cases: [(Tensor, Tensor)] = [
            (sample([4, 6, 3], seed: 1).matrixTranspose, sample([4, 6, 5], seed: 2)),   // merges: one gemm
            (sample([4, 3, 6], seed: 3), sample([4, 5, 6], seed: 4).matrixTranspose),   // accumulates per item
            (sample([2, 3, 3, 6], seed: 5), sample([2, 3, 6, 2], seed: 6)),
        ]
        for (x, y) in cases {
            let fast = try Tensor.matmulSummingBatch(x, y).toDoubles()
            let slow = try Tensor.matmul(x, y).sumToShape([x.shape[x.rank - 2], y.shape[y.rank - 1]]).toDoubles()
            #expect(fast.count == slow.count)
            for (a, b) in zip(fast, slow) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
        }
        #expect(throws: TensorError.self) { try Tensor.matmulSummingBatch(sample([2, 3, 4]), sample([3, 4, 5])) }
    }
}
