import Testing
@testable import Tensors

/// `0, 1, ..., n-1` as float64 with `shape`.
private func range(_ shape: [Int]) -> Tensor {
    let n = shape.reduce(1, *)
    return try! Tensor((0..<n).map(Double.init), shape: shape, dtype: .float64)
}

/// True when `t` is a view into `base`'s memory (no copy was made).
private func sharesStorage(_ t: Tensor, _ base: Tensor) -> Bool { t.storage === base.storage }

@Suite struct ShapeOpsTests {
    // MARK: reshape

    @Test func reshapeIsAViewOfDenseTensorsAndInfersMinusOne() throws {
        let x = range([2, 6])
        let y = try x.reshaped([3, -1])
        #expect(y.shape == [3, 4])
        #expect(sharesStorage(y, x))
        #expect(y.toDoubles() == x.toDoubles())
        #expect(try x.reshaped([-1]).shape == [12])
        #expect(try Tensor(scalar: 3).reshaped([1, 1]).shape == [1, 1])
    }

    @Test func reshapeOfATransposeCopiesInRowMajorOrder() throws {
        let x = range([2, 3]).T  // [[0, 3], [1, 4], [2, 5]]
        let y = try x.reshaped([6])
        #expect(y.toDoubles() == [0, 3, 1, 4, 2, 5])
    }

    @Test func reshapeErrorsNameTheShapes() {
        expectError(.shape, mentioning: ["[2, 3]", "[4, 2]"]) { try range([2, 3]).reshaped([4, 2]) }
        expectError(.shape, mentioning: ["[2, 3]"]) { try range([2, 3]).reshaped([4, -1]) }
        expectError(.shape) { try range([2, 3]).reshaped([-1, -1]) }
        expectError(.shape) { try range([2, 3]).reshaped([-2, -3]) }
        expectError(.shape) { try range([0, 3]).reshaped([0, -1]) }
    }

    // MARK: axes

    @Test func permuteTransposeAndTAreViews() throws {
        let x = range([2, 3, 4])
        let p = try x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(sharesStorage(p, x))
        #expect(try p.element(at: [3, 1, 2]) == (try x.element(at: [1, 2, 3])))
        let t = x.T
        #expect(t.shape == [2, 4, 3])
        #expect(try t.element(at: [1, 3, 0]) == (try x.element(at: [1, 0, 3])))
        let s = try x.transposed(0, -1)
        #expect(s.shape == [4, 3, 2])
        #expect(range([3]).T.shape == [3])
        #expect(range([2, 3]).T.toDoubles() == [0, 3, 1, 4, 2, 5])
        expectError(.shape) { try x.permuted([0, 1]) }
        expectError(.index) { try x.permuted([0, 1, 1]) }
        expectError(.index) { try x.transposed(0, 3) }
    }

    @Test func squeezeUnsqueezeFlatten() throws {
        let x = range([2, 1, 3, 1])
        #expect(try x.squeezed().shape == [2, 3])
        #expect(try x.squeezed(axes: [-1]).shape == [2, 1, 3])
        #expect(try x.unsqueezed(axis: 0).shape == [1, 2, 1, 3, 1])
        #expect(try x.unsqueezed(axis: -1).shape == [2, 1, 3, 1, 1])
        #expect(try x.flattened().shape == [6])
        #expect(try range([2, 3, 4]).flattened(from: 1).shape == [2, 12])
        #expect(try range([2, 3, 4]).flattened(from: 0, to: 1).shape == [6, 4])
        expectError(.shape, mentioning: ["[2, 1, 3, 1]"]) { try x.squeezed(axes: [0]) }
        expectError(.index) { try x.unsqueezed(axis: 6) }
        let y = try range([3]).unsqueezed(axis: 1)
        #expect(try y.expanded(to: [3, 2]).toDoubles() == [0, 0, 1, 1, 2, 2])
    }

    @Test func broadcastTo() throws {
        let x = range([3, 1])
        let y = try x.broadcast(to: [2, 3, 4])
        #expect(y.shape == [2, 3, 4])
        #expect(sharesStorage(y, x))
        #expect(try y.element(at: [1, 2, 3]) == 2)
        expectError(.shape) { try x.broadcast(to: [2, 2]) }
        expectError(.size) { try range([1]).broadcast(to: [-5]) }
    }

    // MARK: concat / stack / split

    @Test func concatAlongAnAxis() throws {
        let a = range([2, 2]), b = try Tensor([10, 11, 12, 13, 14, 15], shape: [2, 3], dtype: .float64)
        let c = try Tensor.concat([a, b], axis: 1)
        #expect(c.shape == [2, 5])
        #expect(c.toDoubles() == [0, 1, 10, 11, 12, 2, 3, 13, 14, 15])
        let d = try Tensor.concat([a, a.T], axis: 0)
        #expect(d.toDoubles() == [0, 1, 2, 3, 0, 2, 1, 3])
        // Mixed dtypes promote.
        let e = try Tensor.concat([Tensor(ints: [1, 2]), Tensor([0.5], dtype: .float64)])
        #expect(e.dtype == .float64)
        #expect(e.toDoubles() == [1, 2, 0.5])
    }

    @Test func concatErrors() {
        expectError(.shape, mentioning: ["[2, 2]", "[3, 3]"]) { try Tensor.concat([range([2, 2]), range([3, 3])], axis: 1) }
        expectError(.shape) { try Tensor.concat([range([2, 2]), range([2])]) }
        expectError(.value) { try Tensor.concat([]) }
        expectError(.shape) { try Tensor.concat([Tensor(scalar: 1), Tensor(scalar: 2)]) }
        expectError(.index) { try Tensor.concat([range([2])], axis: 1) }
    }

    @Test func stackAddsAnAxis() throws {
        let a = range([3]), b = Tensor([5, 6, 7], dtype: .float64)
        let s0 = try Tensor.stack([a, b])
        #expect(s0.shape == [2, 3])
        #expect(s0.toDoubles() == [0, 1, 2, 5, 6, 7])
        let s1 = try Tensor.stack([a, b], axis: -1)
        #expect(s1.shape == [3, 2])
        #expect(s1.toDoubles() == [0, 5, 1, 6, 2, 7])
        expectError(.shape, mentioning: ["[3]", "[2]"]) { try Tensor.stack([a, range([2])]) }
    }

    @Test func splitReturnsViews() throws {
        let x = range([2, 5])
        let parts = try x.split(sizes: [2, 3], axis: 1)
        #expect(parts.map(\.shape) == [[2, 2], [2, 3]])
        #expect(parts[1].toDoubles() == [2, 3, 4, 7, 8, 9])
        #expect(parts.allSatisfy { sharesStorage($0, x) })
        let halves = try range([4, 2]).split(count: 2)
        #expect(halves[1].toDoubles() == [4, 5, 6, 7])
        expectError(.shape, mentioning: ["[2, 5]"]) { try x.split(sizes: [2, 2], axis: 1) }
        expectError(.shape) { try x.split(count: 2, axis: 1) }
        expectError(.shape) { try x.split(sizes: [Int.max, Int.max, 7], axis: 1) }
        expectError(.shape) { try x.split(sizes: [6, -1], axis: 1) }
    }

    @Test func slicedMatchesPythonSlices() throws {
        let x = range([10])
        #expect(try x.sliced(axis: 0, start: 1, stop: 5, step: 2).toDoubles() == [1, 3])
        #expect(try x.sliced(axis: 0, start: -3).toDoubles() == [7, 8, 9])
        #expect(try x.sliced(axis: 0, step: -3).toDoubles() == [9, 6, 3, 0])
    }

    // MARK: flip / roll / repeat / tile

    @Test func flipUsesNegativeStrides() throws {
        let x = range([2, 3])
        let f = try x.flipped(axes: [1])
        #expect(sharesStorage(f, x))
        #expect(f.toDoubles() == [2, 1, 0, 5, 4, 3])
        #expect(try x.flipped().toDoubles() == [5, 4, 3, 2, 1, 0])
        // Views with negative strides feed the other kernels correctly.
        let sum = try f + x
        #expect(sum.toDoubles() == [2, 2, 2, 8, 8, 8])
        let m = try Tensor.matmul(f, x.T)
        #expect(m.toDoubles() == [1, 10, 10, 46])
        expectError(.index) { try x.flipped(axes: [2]) }
    }

    @Test func rollWraps() throws {
        let x = range([5])
        #expect(try x.rolled(2).toDoubles() == [3, 4, 0, 1, 2])
        #expect(try x.rolled(-1).toDoubles() == [1, 2, 3, 4, 0])
        #expect(try x.rolled(7).toDoubles() == [3, 4, 0, 1, 2])
        let m = range([2, 3])
        #expect(try m.rolled(1, axis: 1).toDoubles() == [2, 0, 1, 5, 3, 4])
        #expect(try m.rolled(1, axis: 0).toDoubles() == [3, 4, 5, 0, 1, 2])
        let flat = try m.rolled(1)
        #expect(flat.shape == [2, 3])
        #expect(flat.toDoubles() == [5, 0, 1, 2, 3, 4])
    }

    @Test func repeatAndTile() throws {
        let x = range([2, 2])
        #expect(try x.repeated(2, axis: 1).toDoubles() == [0, 0, 1, 1, 2, 2, 3, 3])
        #expect(try x.repeated(2, axis: 0).shape == [4, 2])
        #expect(try x.repeated(2).toDoubles() == [0, 0, 1, 1, 2, 2, 3, 3])
        let t = try x.tiled([2, 3])
        #expect(t.shape == [4, 6])
        #expect(Array(t.toDoubles()[0..<6]) == [0, 1, 0, 1, 0, 1])
        #expect(Array(t.toDoubles()[12..<18]) == [0, 1, 0, 1, 0, 1])
        #expect(try range([3]).tiled([2, 2]).shape == [2, 6])
        #expect(try x.tiled([2]).shape == [2, 4])
        expectError(.value) { try x.repeated(-1, axis: 0) }
        expectError(.value) { try x.tiled([-1]) }
    }
}
