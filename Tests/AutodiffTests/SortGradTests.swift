import Testing
import Tensors
@testable import Autodiff

/// Finite differences are valid for sort and topk only where no two values are within the
/// step of each other (the order does not change under the perturbation); `sample` draws
/// distinct values, far apart compared with gradcheck's 1e-6.
@Suite struct SortGradTests {
    @Test(arguments: [false, true])
    func sortGradcheckOverAxes(descending: Bool) throws {
        for (shape, axis) in [([6], -1), ([3, 4], 0), ([3, 4], 1), ([2, 3, 4], 1), ([2, 3, 4], -1), ([2, 3, 4], 0)] {
            let x = sample(shape, seed: UInt64(shape.count * 10 + axis + 5), lo: -2, hi: 2)
            let r = try gradcheck({ try sort($0[0], axis: axis, descending: descending).values }, inputs: [x])
            #expect(r.passed, "sort \(shape) axis \(axis) descending \(descending): \(r)")
        }
    }

    @Test(arguments: [true, false])
    func topkGradcheck(largest: Bool) throws {
        for (shape, k, axis) in [([7], 3, -1), ([7], 7, 0), ([3, 5], 2, 1), ([3, 5], 1, 0), ([2, 3, 4], 2, 1), ([2, 3, 4], 4, -1)] {
            let x = sample(shape, seed: UInt64(k * 7 + shape.count), lo: -2, hi: 2)
            let r = try gradcheck({ try topk($0[0], k, axis: axis, largest: largest).values }, inputs: [x])
            #expect(r.passed, "topk \(shape) k \(k) axis \(axis) largest \(largest): \(r)")
        }
    }

    @Test func gradientGoesBackToTheChosenPositions() throws {
        let x = Tensor([0.5, -1, 3, 2], dtype: .float64)
        let w = Variable(Tensor([1, 10, 100], dtype: .float64))
        // topk 3 of x: 3 (index 2), 2 (index 3), 0.5 (index 0); -1 is left out and gets 0.
        let (_, g) = try gradient(of: { try sum(mul(topk($0[0], 3).values, w)) }, at: [x])
        #expect(g[0].toDoubles() == [100, 0, 1, 10])
        let (_, gs) = try gradient(of: { try sum(mul(sort($0[0], descending: true).values, Variable(Tensor([1, 2, 3, 4], dtype: .float64)))) }, at: [x])
        #expect(gs[0].toDoubles() == [3, 4, 1, 2])
        // Ties: each tied element gets the gradient of the slot its stable position took.
        let tied = Tensor([1, 1, 0], dtype: .float64)
        let (_, gt) = try gradient(of: { try sum(mul(sort($0[0]).values, Variable(Tensor([1, 2, 3], dtype: .float64)))) }, at: [tied])
        #expect(gt[0].toDoubles() == [2, 3, 1])
    }

    @Test func indicesAndIntegerInputsAreConstants() throws {
        let x = sample([5], seed: 3)
        // argsort's result is a constant: the gradient of sum(argsort(x) * x) is argsort(x).
        let (_, g) = try gradient(of: { v in
            let order = Variable(try argsort(v[0]).value.cast(to: .float64))
            return try sum(mul(order, v[0]))
        }, at: [x])
        #expect(g[0].toDoubles() == (try x.argsort()).toDoubles())
        let ints = try Tensor(ints: [3, 1, 2])
        let (v, i) = try sort(Variable(ints))
        #expect(v.value.dtype == .int64 && v.value.toInts() == [1, 2, 3] && i.value.toInts() == [1, 2, 0])
    }
}
