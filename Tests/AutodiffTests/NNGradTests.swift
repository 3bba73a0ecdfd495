import Testing
import Foundation
import Tensors
@testable import Autodiff

private func draw(_ shape: [Int], seed: UInt64, lo: Double = -2, hi: Double = 2) -> Tensor {
    var s = seed &* 0xD1B54A32D192ED03 &+ 11
    let n = shape.reduce(1, *)
    return try! Tensor((0..<n).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return lo + (hi - lo) * Double(s >> 11) / Double(1 << 53)
    }, shape: shape, dtype: .float64)
}

private func check(_ label: String, _ inputs: [Tensor], _ f: @escaping ([Variable]) throws -> Variable) throws {
    let r = try gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(label): \(r)")
}

@Suite struct NNGradTests {
    @Test func softmaxAndLogSoftmax() throws {
        for (shape, axis) in [([5], 0), ([3, 4], -1), ([3, 4], 0), ([2, 3, 4], 1), ([2, 3, 4], -1)] {
            let x = draw(shape, seed: 1)
            try check("softmax \(shape) axis \(axis)", [x]) { try softmax($0[0], axis: axis) }
            try check("log_softmax \(shape) axis \(axis)", [x]) { try logSoftmax($0[0], axis: axis) }
        }
    }

    @Test func crossEntropyWithIndices() throws {
        let targets = try Tensor(ints: [0, 4, 2, 1], shape: [4])
        try check("ce [4,5]", [draw([4, 5], seed: 2)]) { try crossEntropy($0[0], targets) }
        // Batched, classes in the middle.
        let t3 = try Tensor(ints: [2, 0, 1, 1, 0, 2], shape: [2, 3])
        try check("ce [2,3,3] axis 1", [draw([2, 3, 3], seed: 3)]) { try crossEntropy($0[0], t3, axis: 1) }
        try check("ce [2,3,3] axis -1", [draw([2, 3, 3], seed: 4)]) { try crossEntropy($0[0], t3) }
    }

    @Test func crossEntropyWithMasks() throws {
        let targets = try Tensor(ints: [0, -1, 2, 1, 3, 0], shape: [2, 3])
        let boolMask = try Tensor(bools: [true, false, true, true, true, false], shape: [2, 3])
        try check("ce bool mask", [draw([2, 3, 4], seed: 5)]) { try crossEntropy($0[0], targets, mask: boolMask) }
        // A 0/1 mask that broadcasts over the batch.
        let t2 = try Tensor(ints: [0, 1, 2, 3, 0, 1], shape: [2, 3])
        let perStep = try Tensor([1, 0, 1], shape: [3], dtype: .float64)
        try check("ce broadcast mask", [draw([2, 3, 4], seed: 6)]) { try crossEntropy($0[0], t2, mask: perStep) }
        // Masked positions get exactly zero gradient.
        let g = try gradient(of: { try crossEntropy($0[0], targets, mask: boolMask) }, at: [draw([2, 3, 4], seed: 7)]).gradients[0]
        #expect(Array(g.toDoubles()[4..<8]) == [0, 0, 0, 0])
        #expect(Array(g.toDoubles()[20..<24]) == [0, 0, 0, 0])
    }

    @Test func crossEntropyFusedGradientIsSoftmaxMinusOneHot() throws {
        let x = draw([3, 4], seed: 8)
        let targets = try Tensor(ints: [3, 0, 1])
        let g = try gradient(of: { try crossEntropy($0[0], targets) }, at: [x]).gradients[0].toDoubles()
        let p = try x.softmax().toDoubles()
        for i in 0..<12 {
            let onehot: Double = [3, 0, 1][i / 4] == i % 4 ? 1 : 0
            #expect(Swift.abs(g[i] - (p[i] - onehot) / 3) < 1e-14)
        }
    }

    @Test func crossEntropyWithProbabilities() throws {
        let probs = try draw([3, 4], seed: 9, lo: 0, hi: 1).softmax()
        try check("ce probabilities", [draw([3, 4], seed: 10), probs]) { try crossEntropy($0[0], $0[1]) }
        let mask = try Tensor(bools: [true, false, true])
        try check("ce probabilities masked", [draw([3, 4], seed: 11), probs]) { try crossEntropy($0[0], $0[1], mask: mask) }
    }

    @Test func pointwiseLosses() throws {
        try check("mse", [draw([3, 4], seed: 12), draw([3, 4], seed: 13)]) { try mse($0[0], $0[1]) }
        try check("mse [n,1] vs [n]", [draw([5, 1], seed: 14), draw([5], seed: 15)]) { try mse($0[0], $0[1]) }
        let labels = try Tensor([1, -1, -1, 1, 1, -1], shape: [6], dtype: .float64)
        try check("logistic", [draw([6], seed: 16), labels]) { try logisticLoss($0[0], $0[1]) }
        try check("logistic batched", [draw([2, 3], seed: 17), labels.viewing(as: [2, 3])]) { try logisticLoss($0[0], $0[1]) }
    }

    @Test func layerNormGradients() throws {
        try check("layer_norm", [draw([4, 5], seed: 18)]) { try layerNorm($0[0]) }
        try check("layer_norm affine", [draw([2, 3, 5], seed: 19), draw([5], seed: 20), draw([5], seed: 21)]) {
            try layerNorm($0[0], gain: $0[1], bias: $0[2])
        }
        try check("layer_norm axis 1", [draw([2, 4, 3], seed: 22), draw([4], seed: 23)]) {
            try layerNorm($0[0], gain: $0[1], axis: 1)
        }
        try check("layer_norm bias only", [draw([3, 4], seed: 24), draw([4], seed: 25)]) {
            try layerNorm($0[0], bias: $0[1])
        }
    }

    @Test func composedWithOtherOps() throws {
        // A tiny attention-like chain: softmax of scores feeding a matmul and a layer norm.
        try check("chain", [draw([3, 4], seed: 26), draw([4, 4], seed: 27)]) { v in
            let a = try softmax(matmul(v[0], v[1]), axis: -1)
            return try mean(layerNorm(try matmul(a, v[1])), axes: [0])
        }
    }
}
