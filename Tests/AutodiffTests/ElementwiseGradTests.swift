import Testing
import Tensors
@testable import Autodiff

/// Seeded-ish random inputs without depending on the RNG module: a fixed LCG.
func sample(_ shape: [Int], seed: UInt64 = 1, lo: Double = -1, hi: Double = 1) -> Tensor {
    var s = seed &* 2862933555777941757 &+ 3037000493
    let n = shape.reduce(1, *)
    let values = (0..<n).map { _ -> Double in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return lo + (hi - lo) * Double(s >> 11) / Double(1 << 53)
    }
    return try! Tensor(values, shape: shape, dtype: .float64)
}

@Suite struct ElementwiseGradTests {
    @Test(arguments: [([3, 4], [3, 4]), ([3, 4], [4]), ([2, 1, 4], [3, 1]), ([], [2, 3])])
    func binaryOpsWithBroadcasting(shapes: ([Int], [Int])) throws {
        let a = sample(shapes.0, seed: 1), b = sample(shapes.1, seed: 2, lo: 0.5, hi: 2)
        for f in [add, sub, mul, div, maximum, minimum] as [(Variable, Variable) throws -> Variable] {
            let r = try gradcheck({ try f($0[0], $0[1]) }, inputs: [a, b])
            #expect(r.passed, "\(r)")
        }
        let pos = sample(shapes.0, seed: 3, lo: 0.5, hi: 2)
        let r = try gradcheck({ try pow($0[0], $0[1]) }, inputs: [pos, b])
        #expect(r.passed, "\(r)")
    }

    @Test(arguments: UnaryOp.allCases)
    func unaryOps(op: UnaryOp) throws {
        // Keep away from kinks (abs, relu at 0) and domain edges (log, sqrt).
        let x = [.log, .sqrt, .log1p, .reciprocal].contains(op) ? sample([2, 3], lo: 0.3, hi: 2) : sample([2, 3], lo: 0.1, hi: 1.5)
        let r = try gradcheck({ try unary(op, $0[0]) }, inputs: [x.unary(.neg).unary(op == .relu || op == .abs || op == .sign ? .neg : .neg)])
        #expect(r.passed, "\(op): \(r)")
    }

    @Test func matmulShapes() throws {
        let cases: [([Int], [Int])] = [([3, 4], [4, 5]), ([2, 3, 4], [4, 5]), ([4], [4, 2]), ([3, 4], [4]),
                                       ([2, 1, 3, 4], [5, 4, 2]), ([4], [4])]
        for (sa, sb) in cases {
            let r = try gradcheck({ try matmul($0[0], $0[1]) }, inputs: [sample(sa, seed: 4), sample(sb, seed: 5)])
            #expect(r.passed, "\(sa) @ \(sb): \(r)")
        }
    }

    @Test func gradcheckCatchesAWrongRule() throws {
        // A deliberately wrong pullback must be reported.
        func wrong(_ x: Variable) -> Variable {
            let y = x.value.unary(.square)
            return Tape.current.record(y, x) { g in g }  // should be 2x * g
        }
        let r = try gradcheck({ wrong($0[0]) }, inputs: [sample([3])])
        #expect(!r.passed)
    }

    @Test func noGradRecordsNothing() throws {
        let tape = Tape()
        Tape.current = tape
        let x = tape.variable(sample([2]))
        let y = try noGrad { try mul(x, x) }
        #expect(!y.isTracked)
        #expect(tape.count == 1)
    }
}

@Suite struct FusedUnaryBackwardTests {
    /// The one-pass backward of gelu, tanh and sigmoid gives the same bits as the chain of
    /// tensor ops it replaced, in f32 and f64 (so training numbers did not move), and is used
    /// only where shapes match.
    @Test(arguments: [UnaryOp.gelu, .tanh, .sigmoid], [DType.float32, .float64])
    func sameBitsAsTheChain(_ op: UnaryOp, _ dtype: DType) throws {
        let x = sample([257, 33], seed: 3, lo: -6, hi: 6).cast(to: dtype)
        let g = sample([257, 33], seed: 4).cast(to: dtype)
        let y = x.unary(op)
        let fused = try #require(Tensor.fusedUnaryBackward(op, x: x, y: y, grad: g))
        let chain = try g * derivative(op, x, y)
        #expect(fused.toDoubles() == chain.toDoubles())
        #expect(Tensor.fusedUnaryBackward(op, x: x, y: y, grad: Tensor(scalar: 1, dtype: dtype)) == nil)
        #expect(Tensor.fusedUnaryBackward(.exp, x: x, y: y, grad: g) == nil)
    }
}
