import Foundation
import Testing
import Tensors

/// Large elementwise kernels split their output over the cores (by element ranges for dense
/// operands, by rows for broadcast and strided ones). Each split must produce exactly what one
/// thread would: these check tensors well above the split threshold, element by element,
/// against values computed from the inputs' own elements.
@Suite struct ParallelKernelTests {
    func sample(_ shape: [Int], seed: UInt64) throws -> Tensor {
        try Tensor.normal(shape, dtype: .float64, generator: RandomGenerator(seed: seed))
    }

    /// Element `flat` of a dense row-major tensor of `shape`, as a multi-index.
    func multiIndex(_ flat: Int, _ shape: [Int]) -> [Int] {
        var rest = flat, index = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    /// The element of `t` (any strides) at `index`, broadcasting size-1 axes.
    func element(_ t: Tensor, _ values: [Double], _ index: [Int]) -> Double {
        let offset = index.suffix(t.rank).enumerated().reduce(0) { acc, e in
            let axis = e.offset
            let i = t.shape[axis] == 1 ? 0 : e.element
            return acc + i * Shape.contiguousStrides(t.shape)[axis]
        }
        return values[offset]
    }

    func checkBinary(_ a: Tensor, _ b: Tensor, _ what: String) throws {
        let sum = try Tensor.binary(.add, a, b), product = try Tensor.binary(.mul, a, b)
        let av = a.contiguous().toDoubles(), bv = b.contiguous().toDoubles()
        let s = sum.toDoubles(), p = product.toDoubles()
        var wrong = 0
        for i in 0..<sum.count {
            let index = multiIndex(i, sum.shape)
            let x = element(a, av, index), y = element(b, bv, index)
            if s[i] != x + y || p[i] != x * y { wrong += 1 }
        }
        #expect(wrong == 0, "\(what): \(wrong) of \(sum.count) elements differ")
    }

    @Test func denseScalarAndBroadcastArithmetic() throws {
        try checkBinary(try sample([301, 257], seed: 1), try sample([301, 257], seed: 2), "dense")
        try checkBinary(try sample([301, 257], seed: 3), Tensor(scalar: 1.5, dtype: .float64), "tensor and scalar")
        try checkBinary(try sample([90, 1, 257], seed: 4), try sample([1, 7, 257], seed: 5), "two-sided broadcast")
        try checkBinary(try sample([300, 257], seed: 6), try sample([257], seed: 7), "row vector")
        try checkBinary(try sample([300, 1], seed: 8), try sample([300, 400], seed: 9), "column vector")
    }

    @Test func stridedOperandsAndCopies() throws {
        // A transposed view (row stride 1), read by arithmetic and copied dense.
        let base = try sample([257, 301], seed: 10)
        let t = try base.transposed(0, 1)
        let other = try sample([301, 257], seed: 11)
        try checkBinary(t, other, "transposed operand")
        let dense = t.contiguous().toDoubles(), bv = base.toDoubles()
        var wrong = 0
        for i in 0..<301 { for j in 0..<257 where dense[i * 257 + j] != bv[j * 301 + i] { wrong += 1 } }
        #expect(wrong == 0, "transposed copy: \(wrong) elements differ")
        // A permuted 3-D view.
        let cube = try sample([40, 50, 60], seed: 12)
        let permuted = try cube.permuted([2, 0, 1]).contiguous().toDoubles(), cv = cube.toDoubles()
        var wrong3 = 0
        for k in 0..<60 { for i in 0..<40 { for j in 0..<50 where permuted[(k * 40 + i) * 50 + j] != cv[(i * 50 + j) * 60 + k] { wrong3 += 1 } } }
        #expect(wrong3 == 0, "permuted copy: \(wrong3) elements differ")
    }

    @Test func unaryWhereAndSoftmax() throws {
        let x = try sample([128, 33, 32], seed: 13)
        let xv = x.toDoubles()
        #expect(x.unary(.exp).toDoubles() == xv.map { exp($0) }, "exp")
        // where with a [33, 32] mask broadcast over the batch (masked attention scores).
        let mask = try Tensor.compare(.gt, try sample([33, 32], seed: 14), Tensor(scalar: 0, dtype: .float64))
        let filled = try x.maskedFill(mask, with: -1e9).toDoubles(), mv = mask.toDoubles()
        var wrong = 0
        for i in 0..<x.count where filled[i] != (mv[i % (33 * 32)] != 0 ? -1e9 : xv[i]) { wrong += 1 }
        #expect(wrong == 0, "where: \(wrong) elements differ")
        // Softmax over the last axis, each row against a one-row softmax of the same values.
        let soft = try x.softmax(axis: -1).toDoubles()
        var worst = 0.0
        for row in stride(from: 0, to: x.count, by: 32 * 97) {
            let one = try Tensor(Array(xv[row..<row + 32]), shape: [32], dtype: .float64).softmax(axis: -1).toDoubles()
            for j in 0..<32 { worst = max(worst, abs(one[j] - soft[row + j])) }
        }
        #expect(worst == 0, "softmax rows differ by \(worst)")
        let g = try sample([128, 33, 32], seed: 15)
        let grad = try Tensor.softmaxBackward(output: try x.softmax(axis: -1), grad: g, axis: -1).toDoubles()
        let sv = soft, gv = g.toDoubles()
        var worstGrad = 0.0
        for row in stride(from: 0, to: x.count, by: 32 * 89) {
            let dot = (0..<32).reduce(0.0) { $0 + gv[row + $1] * sv[row + $1] }
            for j in 0..<32 { worstGrad = max(worstGrad, abs(grad[row + j] - sv[row + j] * (gv[row + j] - dot))) }
        }
        #expect(worstGrad < 1e-14, "softmax gradient differs by \(worstGrad)")
    }
}
