import Testing
@testable import Tensors

/// `0, 1, ..., n-1` as float64 with `shape`.
private func range(_ shape: [Int]) -> Tensor {
    let n = shape.reduce(1, *)
    return try! Tensor((0..<n).map(Double.init), shape: shape, dtype: .float64)
}

private func ints(_ v: [Int], _ shape: [Int]? = nil) -> Tensor { try! Tensor(ints: v, shape: shape) }

private let all = IndexItem.all
private func s(_ a: Int? = nil, _ b: Int? = nil, _ c: Int? = nil) -> IndexItem { .slice(start: a, stop: b, step: c) }

@Suite struct IndexingTests {
    // MARK: basic indexing

    @Test func basicIndexingGivesViews() throws {
        let x = range([2, 3, 4])
        let a = try x.subscripting([.index(1)])
        #expect(a.shape == [3, 4])
        #expect(a.storage === x.storage)
        #expect(a.toDoubles() == (12..<24).map(Double.init))
        let b = try x.subscripting([all, .index(0)])  // x[:, 0]
        #expect(b.shape == [2, 4])
        #expect(b.toDoubles() == [0, 1, 2, 3, 12, 13, 14, 15])
        let c = try x.subscripting([.ellipsis, .index(-1)])  // x[..., -1]
        #expect(c.shape == [2, 3])
        #expect(c.toDoubles() == [3, 7, 11, 15, 19, 23])
        #expect(c.storage === x.storage)
        let d = try x.subscripting([.index(0), .ellipsis, s(1, 3)])  // x[0, ..., 1:3]
        #expect(d.toDoubles() == [1, 2, 5, 6, 9, 10])
        let e = try x.subscripting([.index(1), .index(2), .index(3)])
        #expect(e.shape == [])
        #expect(try e.item() == 23)
        #expect(try x.subscripting([.index(-2)]).toDoubles() == (0..<12).map(Double.init))
        #expect(try x.subscripting([]).shape == [2, 3, 4])
    }

    @Test func slicesFollowPythonRules() throws {
        let v = range([10])
        func sl(_ a: Int?, _ b: Int?, _ c: Int?) throws -> [Double] { try v.subscripting([s(a, b, c)]).toDoubles() }
        #expect(try sl(1, 5, 2) == [1, 3])
        #expect(try sl(nil, nil, -1) == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
        #expect(try sl(-2, nil, -2) == [8, 6, 4, 2, 0])
        #expect(try sl(5, 1, -1) == [5, 4, 3, 2])
        #expect(try sl(8, -100, -3) == [8, 5, 2])
        #expect(try sl(-100, 100, nil) == (0..<10).map(Double.init))
        #expect(try sl(3, 1, nil) == [])
        #expect(try sl(100, nil, -4) == [9, 5, 1])
        let rev = try range([2, 3]).subscripting([all, s(nil, nil, -1)])
        #expect(rev.toDoubles() == [2, 1, 0, 5, 4, 3])
        let empty = try range([2, 3]).subscripting([s(2, nil, nil)])
        #expect(empty.shape == [0, 3])
    }

    @Test func newAxes() throws {
        let x = range([2, 3, 4])
        #expect(try x.subscripting([.newAxis]).shape == [1, 2, 3, 4])
        #expect(try x.subscripting([all, .newAxis, .index(0)]).shape == [2, 1, 4])
        #expect(try x.subscripting([.ellipsis, .newAxis]).shape == [2, 3, 4, 1])
        let v = try range([3]).subscripting([.newAxis, all])
        #expect(try v.expanded(to: [2, 3]).toDoubles() == [0, 1, 2, 0, 1, 2])
    }

    // MARK: advanced indexing

    @Test func advancedIndexShapesFollowNumPy() throws {
        let y = range([3, 4, 5])  // y[a, b, c] = 20a + 5b + c
        // Separated by a slice: the broadcast index dims go first.
        let a = try y.subscripting([.tensor(ints([0, 2])), all, .tensor(ints([1, 1]))])
        #expect(a.shape == [2, 4])
        #expect(a.toDoubles() == [1, 6, 11, 16, 41, 46, 51, 56])
        // Adjacent: they replace the indexed axes in place.
        let b = try y.subscripting([all, .tensor(ints([0, 2])), .tensor(ints([1, 1]))])
        #expect(b.shape == [3, 2])
        #expect(b.toDoubles() == [1, 11, 21, 31, 41, 51])
        // An integer counts as an index tensor when one is present.
        let c = try y.subscripting([.index(0), all, .tensor(ints([1, 2]))])
        #expect(c.shape == [2, 4])
        #expect(c.toDoubles() == [1, 6, 11, 16, 2, 7, 12, 17])
        let d = try y.subscripting([.index(1), .tensor(ints([0, 3]))])
        #expect(d.shape == [2, 5])
        #expect(d.toDoubles() == [20, 21, 22, 23, 24, 35, 36, 37, 38, 39])
        // Index tensors broadcast together.
        let e = try y.subscripting([.tensor(ints([0, 2], [2, 1])), .tensor(ints([1, 3]))])
        #expect(e.shape == [2, 2, 5])
        #expect(Array(e.toDoubles()[0..<5]) == [5, 6, 7, 8, 9])
        #expect(Array(e.toDoubles()[5..<10]) == [15, 16, 17, 18, 19])
        #expect(Array(e.toDoubles()[10..<15]) == [45, 46, 47, 48, 49])
        let f = try y.subscripting([all, .tensor(ints([-1]))])
        #expect(f.shape == [3, 1, 5])
        #expect(Array(f.toDoubles()[0..<5]) == [15, 16, 17, 18, 19])
        #expect(try y.subscripting([.tensor(ints([0, 1])), .newAxis]).shape == [2, 1, 4, 5])
        // A copy, not a view.
        #expect(a.storage !== y.storage)
    }

    @Test func embeddingLookup() throws {
        let table = range([5, 3])
        let tokens = ints([4, 0, 4, 2], [2, 2])
        let out = try table.subscripting([.tensor(tokens)])
        #expect(out.shape == [2, 2, 3])
        #expect(out.toDoubles() == [12, 13, 14, 0, 1, 2, 12, 13, 14, 6, 7, 8])
        // Columns of a transposed table go through the strided path.
        let cols = try table.T.subscripting([all, .tensor(ints([1, 1]))])
        #expect(cols.shape == [3, 2])
        #expect(cols.toDoubles() == [3, 3, 4, 4, 5, 5])
    }

    @Test func booleanMasks() throws {
        let m = range([2, 3])
        let big = try Tensor.compare(.gt, m, Tensor(scalar: 2, dtype: .float64))
        #expect(try m.subscripting([.tensor(big)]).toDoubles() == [3, 4, 5])
        let x = range([2, 3, 4])
        let mask = try Tensor(bools: [true, false, true, false, false, true], shape: [2, 3])
        let r = try x.subscripting([.tensor(mask)])
        #expect(r.shape == [3, 4])
        #expect(r.toDoubles() == [0, 1, 2, 3, 8, 9, 10, 11, 20, 21, 22, 23])
        let cols = try x.subscripting([all, .tensor(Tensor(bools: [true, false, true]))])
        #expect(cols.shape == [2, 2, 4])
        let none = try x.subscripting([.tensor(Tensor(bools: [false, false]))])
        #expect(none.shape == [0, 3, 4])
    }

    @Test func indexErrorsAreThrownNotTrapped() throws {
        let v = range([10]), x = range([2, 3, 4])
        expectError(.index, mentioning: ["10", "size 10"]) { try v.subscripting([.index(10)]) }
        expectError(.index, mentioning: ["-11"]) { try v.subscripting([.index(-11)]) }
        expectError(.index, mentioning: ["12"]) { try v.subscripting([.tensor(ints([0, 12]))]) }
        expectError(.index, mentioning: ["[2, 3, 4]"]) { try x.subscripting([.index(0), .index(0), .index(0), .index(0)]) }
        expectError(.index) { try x.subscripting([.ellipsis, .ellipsis]) }
        expectError(.index) { try v.subscripting([s(nil, nil, 0)]) }
        expectError(.dtype) { try v.subscripting([.tensor(Tensor([1.0]))]) }
        expectError(.shape, mentioning: ["[3]", "[2]"]) { try x.subscripting([.tensor(Tensor(bools: [true, false, true]))]) }
        expectError(.shape) { try x.subscripting([.tensor(ints([0, 1])), all, .tensor(ints([0, 1, 2]))]) }
        expectError(.index) { try Tensor(scalar: 1).subscripting([.index(0)]) }
        // Extreme but legal inputs give sensible results or errors, never a trap.
        #expect(try v.subscripting([s(nil, nil, Int.min)]).toDoubles() == [9])
        #expect(try v.subscripting([s(Int.min, Int.max, Int.max)]).toDoubles() == [0])
        let huge = try Tensor.zeros([1 << 20, 1], dtype: .int64)
        expectError(.size) { try range([2, 2]).subscripting([.tensor(huge), .tensor(huge.T)]) }
        expectError(.size) { try range([2, 2]).subscripting([IndexItem](repeating: .newAxis, count: 20)) }
    }

    // MARK: assignment

    @Test func settingSubscriptReturnsANewTensor() throws {
        let z = try Tensor.zeros([2, 3], dtype: .float64)
        let a = try z.settingSubscript([.index(1), all], to: Tensor(scalar: 5))
        #expect(a.toDoubles() == [0, 0, 0, 5, 5, 5])
        #expect(z.toDoubles() == [0, 0, 0, 0, 0, 0])
        let b = try z.settingSubscript([all, .tensor(ints([0, 2]))], to: Tensor([1, 2], dtype: .float64))
        #expect(b.toDoubles() == [1, 0, 2, 1, 0, 2])
        let mask = try Tensor.compare(.gt, range([2, 3]), Tensor(scalar: 3))
        let c = try range([2, 3]).settingSubscript([.tensor(mask)], to: Tensor(scalar: -1))
        #expect(c.toDoubles() == [0, 1, 2, 3, -1, -1])
        let d = try range([4]).settingSubscript([s(nil, nil, -2)], to: Tensor([10, 20], dtype: .float64))
        #expect(d.toDoubles() == [0, 20, 2, 10])
        let i = try ints([1, 2, 3]).settingSubscript([.index(-1)], to: Tensor(scalar: 7))
        #expect(i.dtype == .int64)
        #expect(i.toInts() == [1, 2, 7])
        expectError(.shape, mentioning: ["[2]", "[3]"]) { try z.settingSubscript([.index(0)], to: Tensor([1, 2])) }
        expectError(.index) { try z.settingSubscript([.index(2)], to: Tensor(scalar: 1)) }
    }

    // MARK: gather / scatter / index_select / one_hot

    @Test func gatherAlongAxis() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3], dtype: .float64)
        #expect(try a.takeAlongAxis(axis: 1, index: ints([2, 0, 1, 1], [2, 2])).toDoubles() == [3, 1, 5, 5])
        #expect(try a.takeAlongAxis(axis: 0, index: ints([1, 0, 1], [1, 3])).toDoubles() == [4, 2, 6])
        #expect(try a.takeAlongAxis(axis: -1, index: ints([-1, 0], [2, 1])).toDoubles() == [3, 4])
        // A [1, k] index broadcasts over the rows.
        let b = try a.takeAlongAxis(axis: 1, index: ints([0, 2], [1, 2]))
        #expect(b.shape == [2, 2])
        #expect(b.toDoubles() == [1, 3, 4, 6])
        expectError(.index, mentioning: ["3"]) { try a.takeAlongAxis(axis: 1, index: ints([3], [1, 1])) }
        expectError(.shape) { try a.takeAlongAxis(axis: 1, index: ints([0])) }
        expectError(.dtype) { try a.takeAlongAxis(axis: 1, index: Tensor([0], shape: [1, 1])) }
    }

    @Test func scatterAddAccumulatesRepeats() throws {
        let out = try Tensor.scatterAdd(shape: [2, 3], axis: 1, index: ints([0, 0, 2, 1], [2, 2]),
                                        values: Tensor([1, 2, 3, 4], shape: [2, 2], dtype: .float64))
        #expect(out.toDoubles() == [3, 0, 0, 0, 4, 3])
        expectError(.index) {
            try Tensor.scatterAdd(shape: [2, 3], axis: 1, index: ints([5], [1, 1]), values: Tensor(scalar: 1))
        }
        expectError(.shape) {
            try Tensor.scatterAdd(shape: [2, 3], axis: 1, index: ints([0, 0, 0], [3, 1]), values: Tensor(scalar: 1))
        }
    }

    @Test func indexSelectAndOneHot() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3], dtype: .float64)
        #expect(try a.indexSelect(axis: 1, index: ints([2, 0])).toDoubles() == [3, 1, 6, 4])
        #expect(try a.indexSelect(axis: 1, index: ints([2, 0], [1, 2])).shape == [2, 1, 2])
        #expect(try a.indexSelect(axis: 0, index: ints([1])).toDoubles() == [4, 5, 6])
        let h = try Tensor.oneHot(ints([2, 0]), classes: 3)
        #expect(h.shape == [2, 3])
        #expect(h.dtype.isFloating)
        #expect(h.toDoubles() == [0, 0, 1, 1, 0, 0])
        #expect(try Tensor.oneHot(ints([1, 0, 0, 1], [2, 2]), classes: 2).shape == [2, 2, 2])
        expectError(.index, mentioning: ["3"]) { try Tensor.oneHot(ints([3]), classes: 3) }
        expectError(.index) { try Tensor.oneHot(ints([-1]), classes: 3) }
    }

    // MARK: structure

    @Test func trianglesAndCausalMask() throws {
        let m = try Tensor.ones([3, 3], dtype: .float64)
        #expect(try m.tril().toDoubles() == [1, 0, 0, 1, 1, 0, 1, 1, 1])
        #expect(try m.tril(diagonal: 1).toDoubles() == [1, 1, 0, 1, 1, 1, 1, 1, 1])
        #expect(try m.tril(diagonal: -1).toDoubles() == [0, 0, 0, 1, 0, 0, 1, 1, 0])
        #expect(try m.triu().toDoubles() == [1, 1, 1, 0, 1, 1, 0, 0, 1])
        #expect(try m.triu(diagonal: 1).toDoubles() == [0, 1, 1, 0, 0, 1, 0, 0, 0])
        #expect(try m.tril(diagonal: Int.max).toDoubles() == m.toDoubles())
        #expect(try m.triu(diagonal: Int.min).toDoubles() == m.toDoubles())
        #expect(try m.tril(diagonal: Int.min).toDoubles() == [0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try range([2, 3]).tril().toDoubles() == [0, 0, 0, 3, 4, 0])
        #expect(try range([2, 2, 2]).tril().toDoubles() == [0, 0, 2, 3, 4, 0, 6, 7])
        #expect(try range([3, 2]).T.triu().toDoubles() == [0, 2, 4, 0, 3, 5])
        let c = try Tensor.causalMask(3)
        #expect(c.dtype == .bool)
        #expect(c.toDoubles() == [1, 0, 0, 1, 1, 0, 1, 1, 1])
        expectError(.shape) { try range([3]).tril() }
    }

    @Test func whereAndMaskedFill() throws {
        let cond = try Tensor(bools: [true, false])
        let a = try Tensor([1, 2], shape: [2, 1], dtype: .float64)
        let w = try Tensor.where(cond, a, Tensor(scalar: 0, dtype: .float64))
        #expect(w.shape == [2, 2])
        #expect(w.toDoubles() == [1, 0, 2, 0])
        let scores = range([2, 2, 2])
        let masked = try scores.maskedFill(Tensor.causalMask(2).logicalNot(), with: -1e9)
        #expect(masked.toDoubles() == [0, -1e9, 2, 3, 4, -1e9, 6, 7])
        expectError(.shape) { try Tensor.where(cond, range([3]), range([2])) }
    }

    @Test func diagonalsAndTrace() throws {
        let v = Tensor([1, 2], dtype: .float64)
        #expect(try v.diag().toDoubles() == [1, 0, 0, 2])
        #expect(try v.diag(offset: 1).toDoubles() == [0, 1, 0, 0, 0, 2, 0, 0, 0])
        #expect(try v.diag(offset: -1).toDoubles() == [0, 0, 0, 1, 0, 0, 0, 2, 0])
        let m = range([3, 3])
        let d = try m.diag()
        #expect(d.toDoubles() == [0, 4, 8])
        #expect(d.storage === m.storage)
        #expect(try m.diag(offset: 1).toDoubles() == [1, 5])
        #expect(try m.diag(offset: -2).toDoubles() == [6])
        #expect(try m.diag(offset: 5).shape == [0])
        #expect(try range([2, 3]).diag(offset: -1).toDoubles() == [3])
        #expect(try range([2, 2, 2]).diag().toDoubles() == [0, 3, 4, 7])
        #expect(try m.trace().item() == 12)
        #expect(try range([2, 2, 2]).trace().toDoubles() == [3, 11])
        #expect(try Tensor.zeros([2, 2], dtype: .float64).settingDiagonal(Tensor(scalar: 7)).toDoubles() == [7, 0, 0, 7])
        expectError(.shape) { try v.trace() }
        expectError(.shape) { try Tensor(scalar: 1).diag() }
    }
}
