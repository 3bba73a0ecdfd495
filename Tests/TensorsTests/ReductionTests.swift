import Testing
import Foundation
@testable import Tensors

private func t(_ v: [Double], _ shape: [Int], _ dtype: DType = .float64) -> Tensor {
    try! Tensor(v, shape: shape, dtype: dtype)
}

private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in x == y || Swift.abs(x - y) <= tol * Swift.max(1, Swift.abs(y)) }
}

/// [[1,2,3],[4,5,6]]
private let m23 = t([1, 2, 3, 4, 5, 6], [2, 3])
/// 0..<24 as [2, 3, 4]
private let c234 = t((0..<24).map(Double.init), [2, 3, 4])

@Suite struct ReductionTests {
    // MARK: sum and mean

    @Test func sumOverLeadingAxesMatchesGeneralPath() throws {
        // Leading axes take the row-adding path; the same sum over a transposed view goes
        // through the permute plan. Both must agree with hand values.
        #expect(try c234.sum(axes: [0, 1]).toDoubles() == [60, 66, 72, 78])
        let transposed = Tensor(storage: m23.storage, dtype: .float64, shape: [3, 2], strides: [1, 3])
        #expect(try transposed.sum(axes: [0]).toDoubles() == [6, 15])
        #expect(try m23.sum(axes: [0], keepdims: true).shape == [1, 3])
        #expect(try Tensor(ints: [1, 2, 3, 4], shape: [2, 2]).sum(axes: [0]).toInts() == [4, 6])
    }

    @Test func meanOverAxes() throws {
        #expect(try m23.mean(axes: [0]).toDoubles() == [2.5, 3.5, 4.5])
        #expect(try m23.mean(axes: [-1]).toDoubles() == [2, 5])
        #expect(try m23.mean().toDoubles() == [3.5])
        #expect(try m23.mean().shape == [])
        let kept = try c234.mean(axes: [0, 2], keepdims: true)
        #expect(kept.shape == [1, 3, 1])
        // Axis 1 block j holds 4j..4j+3 and 16+4j..; the mean is 4j + 1.5 + 6.
        #expect(kept.toDoubles() == [7.5, 11.5, 15.5])
        #expect(try Tensor(ints: [1, 2], shape: [2]).mean().dtype == DefaultDType.float)
        #expect(try t([1, 2, 3, 4], [4], .float32).mean().toDoubles() == [2.5])
        #expect(try Tensor.zeros([0, 3], dtype: .float64).mean(axes: [0]).toDoubles().allSatisfy { $0.isNaN })
    }

    // MARK: variance and std

    @Test func varianceAndCorrection() throws {
        let x = t([1, 2, 3, 4], [4])
        #expect(close(try x.variance().toDoubles(), [1.25]))
        #expect(close(try x.variance(correction: 1).toDoubles(), [5.0 / 3]))
        #expect(close(try x.std().toDoubles(), [(1.25).squareRoot()]))
        #expect(close(try m23.variance(axes: [1]).toDoubles(), [2.0 / 3, 2.0 / 3]))
        #expect(try t([7, 7, 7], [3]).variance().toDoubles() == [0])
        #expect(try t([0.1, 0.1, 0.1, 0.1, 0.1], [5], .float32).variance().toDoubles() == [0])
        // One element with ddof 1: 0/0, NaN as in NumPy.
        #expect(try t([3], [1]).variance(correction: 1).toDoubles()[0].isNaN)
        let e = #expect(throws: TensorError.self) { try x.variance(correction: -1) }
        #expect(e?.kind == .value)
    }

    // MARK: max, min, arg

    @Test func maxMinKeepDTypeAndPropagateNaN() throws {
        #expect(try m23.amax(axes: [0]).toDoubles() == [4, 5, 6])
        #expect(try m23.amin(axes: [1], keepdims: true).toDoubles() == [1, 4])
        #expect(try c234.amax(axes: [-1, 0]).toDoubles() == [15, 19, 23])
        // Leading axes fold rows without a permute; NaN still wins there.
        #expect(try c234.amax(axes: [0, 1]).toDoubles() == [20, 21, 22, 23])
        #expect(try c234.amin(axes: [0], keepdims: true).shape == [1, 3, 4])
        #expect(try t([1, 5, .nan, 2, 3, 4], [3, 2]).amax(axes: [0]).toDoubles()[0].isNaN)
        #expect(try t([1, 5, .nan, 2, 3, 4], [3, 2]).amax(axes: [0]).toDoubles()[1] == 5)
        let ints = try Tensor(ints: [3, -7, 5, 2], shape: [2, 2])
        let mx = try ints.amax(axes: [1])
        #expect(mx.dtype == .int64 && mx.toInts() == [3, 5])
        #expect(try ints.amin().toInts() == [-7])
        #expect(try t([1, .nan, 3], [3]).amax().toDoubles()[0].isNaN)
        #expect(try t([-.infinity, -.infinity], [2]).amax().toDoubles() == [-.infinity])
        let e = #expect(throws: TensorError.self) { try Tensor.zeros([2, 0]).amax(axes: [1]) }
        #expect(e?.kind == .value)
        #expect(throws: TensorError.self) { try Tensor.zeros([0, 3]).amin(axes: [0]) }
    }

    @Test func float32MaxOverLongRunsHandlesNaNAndInfinity() throws {
        // 40 elements: the vector loop covers the first 32, the scalar tail the rest.
        var v = (0..<40).map { Double($0 % 7) - 3 }
        #expect(try t(v, [40], .float32).amax().toDoubles() == [3])
        #expect(try t(v, [40], .float32).amin().toDoubles() == [-3])
        #expect(try t(v, [40], .float32).argmax().toInts() == [6])
        v[5] = .infinity
        #expect(try t(v, [40], .float32).amax().toDoubles() == [.infinity])
        #expect(try t(v, [40], .float32).argmax().toInts() == [5])
        v[9] = .nan
        #expect(try t(v, [40], .float32).amax().toDoubles()[0].isNaN)
        #expect(try t(v, [40], .float32).amin().toDoubles()[0].isNaN)
        #expect(try t(v, [40], .float32).argmin().toInts() == [9])
        v[9] = 0; v[5] = 0; v[38] = .nan
        #expect(try t(v, [40]).amax().toDoubles()[0].isNaN)
        #expect(try t(v, [40], .float32).amax().toDoubles()[0].isNaN)
    }

    @Test func argmaxFirstOccurrence() throws {
        let x = t([1, 5, 5, 0, -2, -2], [2, 3])
        let a = try x.argmax(axis: 1)
        #expect(a.dtype == .int64 && a.toInts() == [1, 0])
        #expect(try x.argmin(axis: -1).toInts() == [0, 1])
        #expect(try x.argmax().toInts() == [1])          // flat index
        #expect(try x.argmin().toInts() == [4])
        #expect(try x.argmax(axis: 0, keepdims: true).shape == [1, 3])
        #expect(try c234.argmax(axis: 1).toInts() == [2, 2, 2, 2, 2, 2, 2, 2])
        #expect(try Tensor(ints: [4, 9, 9]).argmax().toInts() == [1])
        #expect(try t([1, .nan, 3], [3]).argmax().toInts() == [1])
        #expect(throws: TensorError.self) { try x.argmax(axis: 2) }
    }

    // MARK: logsumexp, prod, norm

    @Test func logsumexpIsStable() throws {
        let y = try t([1000, 1000, 1000], [3]).logsumexp().toDoubles()[0]
        #expect(Swift.abs(y - (1000 + log(3.0))) < 1e-9)
        let f32 = try t([1e4, 1e4], [2], .float32).logsumexp().toDoubles()[0]
        #expect(f32.isFinite && Swift.abs(f32 - (1e4 + log(2.0))) < 1e-2)
        #expect(close(try m23.logsumexp(axes: [1]).toDoubles(),
                      [log(exp(1.0) + exp(2) + exp(3)), log(exp(4.0) + exp(5) + exp(6))]))
        #expect(try t([-.infinity, -.infinity], [2]).logsumexp().toDoubles() == [-.infinity])
        #expect(try t([-.infinity, 0], [2]).logsumexp().toDoubles() == [0])
    }

    @Test func productAndNorms() throws {
        #expect(try t([1, 2, 3, 4], [2, 2]).prod(axes: [1]).toDoubles() == [2, 12])
        #expect(try t([1, 2, 3, 4], [2, 2]).prod().toDoubles() == [24])
        #expect(try Tensor(ints: [2, 3, 4]).prod().toInts() == [24])
        #expect(try Tensor.zeros([0], dtype: .float64).prod().toDoubles() == [1])
        #expect(try t([3, 4], [2]).norm().toDoubles() == [5])
        #expect(try t([-1, 2, -3], [3]).norm(.l1).toDoubles() == [6])
        // Frobenius norm per matrix of a batch.
        let batch = t([1, 2, 2, 4, 0, 0, 0, 3], [2, 2, 2])
        #expect(try batch.norm(.l2, axes: [1, 2]).toDoubles() == [5, 3])
        #expect(NormOrder(name: "fro") == .l2 && NormOrder(name: "1") == .l1 && NormOrder(name: "inf") == nil)
    }

    // MARK: cumsum, any, all

    @Test func cumulativeSums() throws {
        #expect(try t([1, 2, 3], [3]).cumsum(axis: 0).toDoubles() == [1, 3, 6])
        #expect(try t([1, 2, 3], [3]).cumsum(axis: 0, reverse: true).toDoubles() == [6, 5, 3])
        #expect(try m23.cumsum(axis: 0).toDoubles() == [1, 2, 3, 5, 7, 9])
        #expect(try m23.cumsum(axis: -1).toDoubles() == [1, 3, 6, 4, 9, 15])
        let ints = try Tensor(bools: [true, false, true]).cumsum(axis: 0)
        #expect(ints.dtype == .int64 && ints.toInts() == [1, 1, 2])
        #expect(throws: TensorError.self) { try Tensor(scalar: 1).cumsum(axis: 0) }
        #expect(throws: TensorError.self) { try m23.cumsum(axis: 2) }
    }

    @Test func anyAndAll() throws {
        let b = try Tensor(bools: [true, false, false, false, true, true], shape: [2, 3])
        #expect(try b.any(axes: [1]).toInts() == [1, 1])
        #expect(try b.all(axes: [1]).toInts() == [0, 0])
        #expect(try b.any(axes: [0]).toInts() == [1, 1, 1])
        #expect(try b.all(axes: [0]).toInts() == [0, 0, 0])
        #expect(try b.all(axes: [0], keepdims: true).dtype == .bool)
        #expect(try Tensor(bools: []).all().toInts() == [1])
        #expect(try Tensor(bools: []).any().toInts() == [0])
    }

    // MARK: errors

    @Test func badAxesThrow() throws {
        for axes in [[2], [-3], [0, 0], [1, -1]] {
            let e = #expect(throws: TensorError.self) { try m23.mean(axes: axes) }
            #expect(e?.kind == .index)
            #expect(throws: TensorError.self) { try m23.sum(axes: axes) }
            #expect(throws: TensorError.self) { try m23.variance(axes: axes) }
            #expect(throws: TensorError.self) { try m23.logsumexp(axes: axes) }
        }
    }
}
