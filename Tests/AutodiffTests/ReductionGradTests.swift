import Testing
import Tensors
@testable import Autodiff

/// Deterministic f64 inputs in [lo, hi), independent of other test files.
private func draw(_ shape: [Int], seed: UInt64, lo: Double = -1, hi: Double = 1) -> Tensor {
    var s = seed &* 0x9E3779B97F4A7C15 &+ 7
    let n = shape.reduce(1, *)
    return try! Tensor((0..<n).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return lo + (hi - lo) * Double(s >> 11) / Double(1 << 53)
    }, shape: shape, dtype: .float64)
}

/// Shapes and axis sets covering: all axes, one axis, negative axes, several axes, batched 3-D.
private let cases: [([Int], [Int]?)] = [
    ([5], nil), ([3, 4], nil), ([3, 4], [0]), ([3, 4], [-1]), ([2, 3, 4], [0, 2]),
    ([2, 3, 4], [1, -1]), ([2, 3, 4], [-3]), ([2, 3, 4], [1]),
]

@Suite struct ReductionGradTests {
    typealias Rule = @Sendable (Variable, [Int]?, Bool) throws -> Variable

    static let rules: [(String, Rule)] = [
        ("sum", { try sum($0, axes: $1, keepdims: $2) }),
        ("mean", { try mean($0, axes: $1, keepdims: $2) }),
        ("var", { try variance($0, axes: $1, keepdims: $2) }),
        ("var ddof1", { try variance($0, axes: $1, correction: 1, keepdims: $2) }),
        ("std", { try std($0, axes: $1, keepdims: $2) }),
        ("std ddof1", { try std($0, axes: $1, correction: 1, keepdims: $2) }),
        ("amax", { try amax($0, axes: $1, keepdims: $2) }),
        ("amin", { try amin($0, axes: $1, keepdims: $2) }),
        ("logsumexp", { try logsumexp($0, axes: $1, keepdims: $2) }),
        ("prod", { try prod($0, axes: $1, keepdims: $2) }),
        ("norm l2", { try norm($0, .l2, axes: $1, keepdims: $2) }),
        ("norm l1", { try norm($0, .l1, axes: $1, keepdims: $2) }),
    ]

    @Test(arguments: rules.map { $0.0 })
    func gradcheckOverAxes(name: String) throws {
        let f = try #require(Self.rules.first { $0.0 == name }).1
        for (i, (shape, axes)) in cases.enumerated() {
            for keepdims in [false, true] {
                // norm l1 has a kink at 0: keep its inputs away from it.
                let x = name.hasPrefix("norm l1") ? draw(shape, seed: UInt64(i + 1), lo: 0.2, hi: 1.5).unary(.neg)
                    : draw(shape, seed: UInt64(i + 1), lo: -1.5, hi: 1.5)
                let r = try gradcheck({ try f($0[0], axes, keepdims) }, inputs: [x])
                #expect(r.passed, "\(name) \(shape) axes \(String(describing: axes)) keepdims \(keepdims): \(r)")
            }
        }
    }

    @Test func cumsumGradcheck() throws {
        for (shape, axis) in [([5], 0), ([3, 4], 0), ([3, 4], -1), ([2, 3, 4], 1)] {
            for reverse in [false, true] {
                let r = try gradcheck({ try cumsum($0[0], axis: axis, reverse: reverse) }, inputs: [draw(shape, seed: 9)])
                #expect(r.passed, "cumsum \(shape) axis \(axis) reverse \(reverse): \(r)")
            }
        }
    }

    @Test func maxTiesShareTheGradient() throws {
        let x = try Tensor([2, 2, 1, 0, 3, 3, 3, -1], shape: [2, 4], dtype: .float64)
        let g = try gradient(of: { try sum(amax($0[0], axes: [1])) }, at: [x]).gradients[0]
        let third = 1.0 / 3
        let expected: [Double] = [0.5, 0.5, 0, 0, third, third, third, 0]
        #expect(g.toDoubles() == expected)
        let gmin = try gradient(of: { try amin($0[0]) }, at: [x]).gradients[0]
        #expect(gmin.toDoubles() == [0, 0, 0, 0, 0, 0, 0, 1])
    }

    @Test func prodGradientWithZeros() throws {
        let x = try Tensor([0, 2, 3, 0, 0, 5], shape: [2, 3], dtype: .float64)
        let g = try gradient(of: { try sum(prod($0[0], axes: [1])) }, at: [x]).gradients[0]
        #expect(g.toDoubles() == [6, 0, 0, 0, 0, 0])
        let r = try gradcheck({ try prod($0[0], axes: [-1]) }, inputs: [x])
        #expect(r.passed, "\(r)")
    }

    @Test func zeroSpreadGivesZeroGradient() throws {
        // std of a constant run and the norm of zero: the subgradient 0, not NaN.
        let c = try Tensor([4, 4, 4], shape: [3], dtype: .float64)
        #expect(try gradient(of: { try std($0[0]) }, at: [c]).gradients[0].toDoubles() == [0, 0, 0])
        let z = try Tensor.zeros([3], dtype: .float64)
        #expect(try gradient(of: { try norm($0[0]) }, at: [z]).gradients[0].toDoubles() == [0, 0, 0])
    }

    @Test func argmaxIsAConstant() throws {
        let tape = Tape()
        Tape.current = tape
        let x = tape.variable(draw([3, 4], seed: 3))
        let i = try argmax(x, axis: 1)
        #expect(!i.isTracked && i.dtype == .int64)
        #expect(try !argmin(x).isTracked)
    }

    @Test func float32RulesRecordInFloat32() throws {
        let x = draw([3, 4], seed: 5).cast(to: .float32)
        let g = try gradient(of: { try mean(variance($0[0], axes: [0])) }, at: [x]).gradients[0]
        #expect(g.dtype == .float32 && g.shape == [3, 4])
    }
}
