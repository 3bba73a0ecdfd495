import Testing
import Tensors
@testable import Autodiff

private func check(_ name: String, _ inputs: [Tensor], _ f: @escaping ([Variable]) throws -> Variable) throws {
    let r = try gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(name): \(r)")
}

private func ints(_ v: [Int], _ shape: [Int]? = nil) -> Tensor { try! Tensor(ints: v, shape: shape) }
private func s(_ a: Int? = nil, _ b: Int? = nil, _ c: Int? = nil) -> IndexItem { .slice(start: a, stop: b, step: c) }

@Suite struct IndexGradTests {
    @Test func basicSubscripts() throws {
        let x = sample([3, 4, 5], seed: 21)
        try check("x[1:, ::-1]", [x]) { try subscripting($0[0], [s(1), s(nil, nil, -1)]) }
        try check("x[..., -1]", [x]) { try subscripting($0[0], [.ellipsis, .index(-1)]) }
        try check("x[none, 0, 1:4:2]", [x]) { try subscripting($0[0], [.newAxis, .index(0), s(1, 4, 2)]) }
        try check("x[2, 3, 4]", [x]) { try subscripting($0[0], [.index(2), .index(3), .index(4)]) }
    }

    @Test func advancedSubscripts() throws {
        let x = sample([3, 4, 5], seed: 22)
        try check("x[[0, 2], :, [1, 1]]", [x]) { try subscripting($0[0], [.tensor(ints([0, 2])), .all, .tensor(ints([1, 1]))]) }
        try check("x[:, [0, 2], [1, 1]]", [x]) { try subscripting($0[0], [.all, .tensor(ints([0, 2])), .tensor(ints([1, 1]))]) }
        try check("repeated", [x]) { try subscripting($0[0], [.tensor(ints([2, 0, 2, 2], [2, 2]))]) }
        try check("x[1:, [3, 3, -1]]", [x]) { try subscripting($0[0], [s(1), .tensor(ints([3, 3, -1]))]) }
        let mask = try Tensor.compare(.gt, x, Tensor(scalar: 0.2))
        try check("mask", [x]) { try subscripting($0[0], [.tensor(mask)]) }
    }

    @Test func repeatedIndicesAccumulate() throws {
        let x = sample([3], seed: 1)
        let (_, g) = try gradient(of: { try sum(subscripting($0[0], [.tensor(ints([0, 0, 1]))])) }, at: [x])
        #expect(g[0].toDoubles() == [2, 1, 0])
        // The embedding case: rows of the table get one gradient row per use.
        let table = sample([4, 2], seed: 2)
        let tokens = ints([1, 1, 3, 1], [2, 2])
        let (_, ge) = try gradient(of: { try sum(subscripting($0[0], [.tensor(tokens)])) }, at: [table])
        #expect(ge[0].toDoubles() == [0, 0, 3, 3, 0, 0, 1, 1])
        try check("embedding", [table]) { try subscripting($0[0], [.tensor(tokens)]) }
    }

    @Test func settingSubscriptGradients() throws {
        let x = sample([3, 4], seed: 31)
        try check("x[1, :] = v", [x, sample([4], seed: 32)]) { try settingSubscript($0[0], [.index(1), .all], to: $0[1]) }
        try check("x[:, ::-2] = v (broadcast)", [x, sample([1], seed: 33)]) { try settingSubscript($0[0], [.all, s(nil, nil, -2)], to: $0[1]) }
        try check("x[[0, 2], [1, 3]] = v", [x, sample([2], seed: 34)]) {
            try settingSubscript($0[0], [.tensor(ints([0, 2])), .tensor(ints([1, 3]))], to: $0[1])
        }
        let mask = try Tensor.compare(.lt, x, Tensor(scalar: 0))
        try check("x[mask] = v", [x, sample([], seed: 35)]) { try settingSubscript($0[0], [.tensor(mask)], to: $0[1]) }
        // The overwritten elements get no gradient; the value gets one per element written.
        let (_, g) = try gradient(of: { try sum(settingSubscript($0[0], [.index(0)], to: $0[1])) },
                                  at: [sample([2, 2], seed: 1), sample([], seed: 2)])
        #expect(g[0].toDoubles() == [0, 0, 1, 1])
        #expect(g[1].toDoubles() == [2])
    }

    @Test func gatherScatterIndexSelect() throws {
        let x = sample([3, 4], seed: 41)
        let idx = ints([0, 0, 3, 1, 1, 1, 2, 2], [2, 4])
        try check("take_along_axis 1", [sample([2, 4], seed: 42)]) { try gather($0[0], axis: 1, index: idx) }
        try check("take_along_axis 0 repeated", [x]) { try gather($0[0], axis: 0, index: ints([2, 2, 0, 2], [1, 4])) }
        try check("take_along_axis broadcast", [sample([1, 4], seed: 43)]) { try gather($0[0], axis: 1, index: ints([3, 0, 1, 1], [2, 2])) }
        try check("scatter_add", [sample([2, 4], seed: 44)]) { try scatterAdd(shape: [2, 5], axis: 1, index: idx, values: $0[0]) }
        try check("scatter_add broadcast values", [sample([2, 1], seed: 45)]) {
            try scatterAdd(shape: [2, 5], axis: 1, index: idx, values: $0[0])
        }
        try check("index_select", [x]) { try indexSelect($0[0], axis: 1, index: ints([3, 0, 3])) }
    }

    @Test func whereAndMaskedFill() throws {
        let cond = try Tensor(bools: [true, false, false, true, true, false], shape: [2, 3])
        try check("where", [sample([2, 3], seed: 51), sample([3], seed: 52)]) { try `where`(cond, $0[0], $0[1]) }
        try check("where broadcast cond", [sample([4, 2, 3], seed: 53), sample([1], seed: 54)]) { try `where`(cond, $0[0], $0[1]) }
        try check("masked_fill", [sample([2, 2, 3], seed: 55)]) { try maskedFill($0[0], mask: cond, value: -5) }
    }

    @Test func trianglesDiagonalsTrace() throws {
        let x = sample([2, 3, 4], seed: 61)
        try check("tril", [x]) { try tril($0[0]) }
        try check("tril 1", [x]) { try tril($0[0], diagonal: 1) }
        try check("triu -1", [x]) { try triu($0[0], diagonal: -1) }
        try check("diag vector", [sample([3], seed: 62)]) { try diag($0[0]) }
        try check("diag vector offset", [sample([3], seed: 63)]) { try diag($0[0], offset: -2) }
        try check("diag matrix", [x]) { try diag($0[0]) }
        try check("diag matrix offset", [x]) { try diag($0[0], offset: 1) }
        try check("trace", [sample([3, 3], seed: 64)]) { try trace($0[0]) }
        try check("trace batched", [x]) { try trace($0[0]) }
    }
}
