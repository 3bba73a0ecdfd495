import Testing
import Foundation
@testable import Tensors

private func t(_ v: [Double], _ shape: [Int], _ dtype: DType = .float64) -> Tensor {
    try! Tensor(v, shape: shape, dtype: dtype)
}

private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in Swift.abs(x - y) <= tol * Swift.max(1, Swift.abs(y)) }
}

/// Deterministic values in [-2, 2) from an LCG.
private func values(_ n: Int, seed: UInt64) -> [Double] {
    var s = seed &* 2862933555777941757 &+ 1
    return (0..<n).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return -2 + 4 * Double(s >> 11) / Double(1 << 53)
    }
}

@Suite struct NNTests {
    // MARK: softmax

    @Test func softmaxKnownValuesAndRowSums() throws {
        #expect(close(try t([0, log(2.0)], [2]).softmax().toDoubles(), [1.0 / 3, 2.0 / 3]))
        let x = t(values(24, seed: 1), [2, 3, 4])
        for axis in [0, 1, 2, -1] {
            let y = try x.softmax(axis: axis)
            #expect(close(try y.sum(axes: [axis]).toDoubles(), [Double](repeating: 1, count: 24 / x.shape[axis < 0 ? 2 : axis])))
            #expect(close(try x.logSoftmax(axis: axis).toDoubles(), y.toDoubles().map { log($0) }, tol: 1e-12))
        }
        // Along a middle axis equals the last-axis softmax of the transposed data.
        let m = t([1, 2, 3, 4, 5, 6], [2, 3])
        let byCol = try m.softmax(axis: 0).toDoubles()
        let e = exp(3.0)
        #expect(close(byCol, [1 / (1 + e), 1 / (1 + e), 1 / (1 + e), e / (1 + e), e / (1 + e), e / (1 + e)]))
    }

    @Test func softmaxOfHugeLogitsIsFinite() throws {
        for dtype in [DType.float32, .float64] {
            let y = try t([1000, 1001, 1002], [3], dtype).softmax().toDoubles()
            #expect(y.allSatisfy { $0.isFinite })
            #expect(Swift.abs(y.reduce(0, +) - 1) < 1e-6)
            let l = try t([-1e4, 0, 1e4], [3], dtype).logSoftmax().toDoubles()
            #expect(l.allSatisfy { $0.isFinite } && l[2] == 0)
        }
    }

    @Test func float32KernelsAgreeWithFloat64() throws {
        // Lines of 19 and 37 exercise the 8-wide vector path and the scalar tail; -inf entries
        // (masked logits) must get exactly zero probability.
        for n in [3, 19, 37] {
            var v = values(4 * n, seed: UInt64(n)).map { $0 * 20 }
            v[1] = -.infinity
            v[n + 9 < v.count ? n + 9 : 2] = -.infinity
            let x64 = t(v, [4, n]), x32 = x64.cast(to: .float32)
            let p64 = try x64.softmax().toDoubles(), p32 = try x32.softmax().toDoubles()
            #expect(zip(p32, p64).allSatisfy { Swift.abs($0 - $1) <= 1e-6 * Swift.max(1e-30, $1) + 1e-7 })
            #expect(p32[1] == 0)
            #expect(close(try x32.logsumexp(axes: [1]).toDoubles(), try x64.logsumexp(axes: [1]).toDoubles(), tol: 1e-6))
            let targets = try Tensor(ints: [0, n - 1, n / 2, 2])
            let ce64 = try Tensor.crossEntropy(x64, targets).item(), ce32 = try Tensor.crossEntropy(x32, targets).item()
            #expect(Swift.abs(ce32 - ce64) <= 1e-5 * Swift.max(1, ce64))
        }
    }

    // MARK: cross-entropy

    @Test func crossEntropyOfUniformLogitsIsLogC() throws {
        for c in [2, 5, 10] {
            let logits = try Tensor.zeros([3, c], dtype: .float64)
            let loss = try Tensor.crossEntropy(logits, Tensor(ints: [0, 1, c - 1])).item()
            #expect(Swift.abs(loss - log(Double(c))) < 1e-12)
        }
    }

    @Test func crossEntropyKnownValue() throws {
        // softmax([0, ln 3]) = [1/4, 3/4]
        let logits = t([0, log(3.0), 0, log(3.0)], [2, 2])
        let loss = try Tensor.crossEntropy(logits, Tensor(ints: [1, 0])).item()
        #expect(Swift.abs(loss - (log(4.0 / 3) + log(4.0)) / 2) < 1e-12)
        // f32 with huge logits stays finite.
        let big = try Tensor.crossEntropy(t([1e4, -1e4], [1, 2], .float32), Tensor(ints: [1])).item()
        #expect(big.isFinite && Swift.abs(big - 2e4) < 1)
    }

    @Test func maskedPositionsDoNotCount() throws {
        let logits = t(values(12, seed: 2), [4, 3])
        let target = try Tensor(ints: [0, 2, 1, -1], shape: [4])    // -1 is padding, masked out
        let mask = try Tensor(bools: [true, false, true, false])
        let masked = try Tensor.crossEntropy(logits, target, mask: mask).item()
        let all = logits.toDoubles()
        let rows = t(Array(all[0..<3]) + Array(all[6..<9]), [2, 3])
        let direct = try Tensor.crossEntropy(rows, Tensor(ints: [0, 1])).item()
        #expect(Swift.abs(masked - direct) < 1e-12)
        let asFloat = try Tensor.crossEntropy(logits, target, mask: t([1, 0, 1, 0], [4])).item()
        #expect(asFloat == masked)
        #expect(try Tensor.crossEntropy(logits, target, mask: Tensor.zeros([4])).item() == 0)
    }

    @Test func crossEntropyAlongAMiddleAxisAndWithProbabilities() throws {
        // [B=2, C=3, T=2]: classes on axis 1.
        let logits = t(values(12, seed: 3), [2, 3, 2])
        let target = try Tensor(ints: [2, 0, 1, 1], shape: [2, 2])
        let loss = try Tensor.crossEntropy(logits, target, axis: 1).item()
        let ls = try logits.logSoftmax(axis: 1).toDoubles()
        // index of (b, c, t) = b*6 + c*2 + t
        let picked = [ls[0 * 6 + 2 * 2 + 0], ls[0 * 6 + 0 * 2 + 1], ls[1 * 6 + 1 * 2 + 0], ls[1 * 6 + 1 * 2 + 1]]
        #expect(Swift.abs(loss + picked.reduce(0, +) / 4) < 1e-12)
        // One-hot probabilities give the same loss as the indices.
        var onehot = [Double](repeating: 0, count: 12)
        for (pos, c) in [2, 0, 1, 1].enumerated() { onehot[(pos / 2) * 6 + c * 2 + pos % 2] = 1 }
        let soft = try Tensor.crossEntropy(logits, t(onehot, [2, 3, 2]), axis: 1).item()
        #expect(Swift.abs(soft - loss) < 1e-12)
        // Whole-number float targets count as indices.
        let floatIdx = try Tensor.crossEntropy(logits, t([2, 0, 1, 1], [2, 2]), axis: 1).item()
        #expect(floatIdx == loss)
    }

    @Test func crossEntropyErrors() throws {
        let logits = t(values(6, seed: 4), [2, 3])
        var e = #expect(throws: TensorError.self) { try Tensor.crossEntropy(logits, Tensor(ints: [0, 1, 2])) }
        #expect(e?.kind == .shape)
        #expect(e?.message.contains("[3]") == true && e?.message.contains("[2, 3]") == true)
        e = #expect(throws: TensorError.self) { try Tensor.crossEntropy(logits, Tensor(ints: [0, 3])) }
        #expect(e?.kind == .index)
        e = #expect(throws: TensorError.self) { try Tensor.crossEntropy(logits, Tensor(ints: [-1, 0])) }
        #expect(e?.kind == .index)
        e = #expect(throws: TensorError.self) { try Tensor.crossEntropy(logits, t([0.5, 1], [2])) }
        #expect(e?.kind == .dtype)
        e = #expect(throws: TensorError.self) { try Tensor.crossEntropy(logits, Tensor(ints: [0, 1]), mask: Tensor.ones([3])) }
        #expect(e?.kind == .shape)
        #expect(throws: TensorError.self) { try Tensor.crossEntropy(logits, Tensor(ints: [0, 1]), axis: 2) }
        #expect(throws: TensorError.self) { try Tensor.crossEntropy(Tensor.zeros([2, 0]), Tensor(ints: [0, 0])) }
        #expect(throws: TensorError.self) { try Tensor.crossEntropy(logits, Tensor(bools: [true, false])) }
    }

    // MARK: mse and logistic loss

    @Test func meanSquaredError() throws {
        #expect(try Tensor.mse(t([1, 2], [2]), t([0, 0], [2])).item() == 2.5)
        #expect(try Tensor.mse(t([1, 2, 3], [3, 1]), t([1, 2, 5], [3])).item() == 4.0 / 3)
        let e = #expect(throws: TensorError.self) { try Tensor.mse(t(values(6, seed: 5), [2, 3]), t([1, 2, 3], [3])) }
        #expect(e?.kind == .shape)
    }

    @Test func logisticLossIsStable() throws {
        #expect(Swift.abs(try Tensor.logisticLoss(t([0], [1]), t([1], [1])).item() - log(2.0)) < 1e-15)
        #expect(try Tensor.logisticLoss(t([1000], [1]), t([1], [1])).item() == 0)
        #expect(try Tensor.logisticLoss(t([1000], [1]), t([-1], [1])).item() == 1000)
        #expect(try Tensor.logisticLoss(t([50, -50], [2], .float32), t([1, -1], [2])).item() < 1e-20)
        #expect(throws: TensorError.self) { try Tensor.logisticLoss(t([1, 2], [2]), t([1], [1])) }
    }

    // MARK: layer norm

    @Test func layerNormNormalizesEachRow() throws {
        let x = t(values(12, seed: 6).map { 3 * $0 + 5 }, [3, 4])
        let y = try x.layerNorm()
        #expect(close(try y.mean(axes: [1]).toDoubles(), [0, 0, 0], tol: 1e-12))
        // Biased variance, so the normalized variance is var / (var + eps) < 1.
        let v = try x.variance(axes: [1]).toDoubles()
        #expect(close(try y.variance(axes: [1]).toDoubles(), v.map { $0 / ($0 + 1e-5) }, tol: 1e-9))
        let gain = t([1, 2, 3, 4], [4]), bias = t([0, 1, 0, -1], [4])
        let affine = try x.layerNorm(gain: gain, bias: bias).toDoubles()
        let plain = y.toDoubles()
        #expect(close(affine, plain.enumerated().map { i, v in v * [1, 2, 3, 4][i % 4] + [0, 1, 0, -1][i % 4] }))
        // Along axis 0 equals along the last axis of the transpose.
        let col = try x.layerNorm(axis: 0).toDoubles()
        let xs = x.toDoubles()
        let xt = t((0..<12).map { (i: Int) -> Double in xs[(i % 3) * 4 + i / 3] }, [4, 3])
        let ref = try xt.layerNorm().toDoubles()
        let back: [Double] = (0..<12).map { (i: Int) -> Double in ref[(i % 4) * 3 + i / 4] }
        #expect(close(col, back))
        let e = #expect(throws: TensorError.self) { try x.layerNorm(gain: t([1, 2, 3], [3])) }
        #expect(e?.kind == .shape)
        #expect(throws: TensorError.self) { try x.layerNorm(eps: -1) }
    }
}
