import Testing
import Tensors
@testable import Autodiff

private func check(_ name: String, _ inputs: [Tensor], _ f: @escaping ([Variable]) throws -> Variable) throws {
    let r = try gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(name): \(r)")
}

@Suite struct ShapeGradTests {
    @Test func reshapeAndAxisOps() throws {
        let x = sample([2, 3, 4], seed: 11)
        try check("reshape", [x]) { try reshape($0[0], [4, -1]) }
        try check("reshape of a transpose", [x]) { try reshape($0[0].T, [-1]) }
        try check("permute", [x]) { try permute($0[0], [2, 0, 1]) }
        try check("permute negative", [x]) { try permute($0[0], [-1, 0, 1]) }
        try check("transpose", [x]) { try transpose($0[0], 0, 2) }
        try check("T", [x]) { $0[0].T }
        try check("flatten", [x]) { try flatten($0[0], from: 1) }
        let y = sample([3, 1, 4], seed: 12)
        try check("squeeze", [y]) { try squeeze($0[0]) }
        try check("squeeze axis", [y]) { try squeeze($0[0], axes: [1]) }
        try check("unsqueeze", [y]) { try unsqueeze($0[0], axis: -1) }
        try check("expand", [y]) { try expand($0[0], to: [2, 3, 5, 4]) }
    }

    @Test func castBetweenFloatTypes() throws {
        let x = sample([2, 3], seed: 5)
        try check("cast f64 -> f64", [x]) { try cast($0[0], to: .float64) * $0[0] }
        // Through float32: the gradient flows back as float64 ones (checked exactly, since
        // finite differences of float32 rounding are noise).
        let (_, g32) = try gradient(of: { try sum(cast(cast($0[0], to: .float32), to: .float64)) }, at: [x])
        #expect(g32[0].dtype == .float64 && g32[0].toDoubles() == [Double](repeating: 1, count: 6))
        // Into integers there is no gradient: the result is a constant.
        let (_, g) = try gradient(of: { try sum(cast(cast($0[0], to: .int64), to: .float64) + $0[0]) }, at: [x])
        #expect(g[0].toDoubles() == [Double](repeating: 1, count: 6))
    }

    @Test func expandSumsBroadcastCopies() throws {
        let x = sample([3, 1], seed: 3)
        let (_, g) = try gradient(of: { try sum(expand($0[0], to: [2, 3, 4])) }, at: [x])
        #expect(g[0].shape == [3, 1])
        #expect(g[0].toDoubles() == [8, 8, 8])
    }

    @Test func concatStackSplit() throws {
        let a = sample([2, 3], seed: 1), b = sample([2, 1], seed: 2), c = sample([2, 2], seed: 3)
        try check("concat", [a, b, c]) { try concat($0, axis: 1) }
        try check("concat neg axis", [a, b, c]) { try concat($0, axis: -1) }
        let d = sample([2, 3], seed: 4)
        try check("stack", [a, d]) { try stack($0, axis: 1) }
        try check("stack last", [a, d]) { try stack($0, axis: -1) }
        let x = sample([5, 2], seed: 5)
        try check("split sizes", [x]) {
            let parts = try split($0[0], sizes: [2, 0, 3])
            return try concat([mul(parts[2], parts[2]), parts[0]])
        }
        try check("split count", [sample([2, 4], seed: 6)]) {
            let parts = try split($0[0], count: 2, axis: 1)
            return try mul(parts[0], parts[1])
        }
    }

    @Test func concatWithAConstant() throws {
        let a = sample([2], seed: 1)
        let (_, g) = try gradient(of: { try sum(concat([$0[0], Variable(sample([3], seed: 2))])) }, at: [a])
        #expect(g[0].toDoubles() == [1, 1])
    }

    @Test func flipRollRepeatTile() throws {
        let x = sample([3, 4], seed: 7)
        try check("flip", [x]) { try flip($0[0], axes: [1]) }
        try check("flip all", [x]) { try flip($0[0]) }
        try check("roll", [x]) { try roll($0[0], shift: 3, axis: 1) }
        try check("roll negative", [x]) { try roll($0[0], shift: -1, axis: 0) }
        try check("roll flat", [x]) { try roll($0[0], shift: 5) }
        try check("repeat", [x]) { try repeatElements($0[0], 3, axis: 0) }
        try check("repeat last", [x]) { try repeatElements($0[0], 2, axis: -1) }
        try check("repeat flat", [x]) { try repeatElements($0[0], 2) }
        try check("tile", [x]) { try tile($0[0], [2, 3]) }
        try check("tile more axes", [x]) { try tile($0[0], [2, 1, 2]) }
        try check("tile fewer reps", [x]) { try tile($0[0], [2]) }
    }

    @Test func shapeOpsOnIntegersRecordNothing() throws {
        let tape = Tape()
        Tape.current = tape
        let i = tape.variable(try Tensor(ints: [1, 2, 3, 4]))
        let r = try reshape(i, [2, 2])
        #expect(!r.isTracked)
    }
}
