import Testing
import Tensors

/// The reference order: stable, NaN largest, by Swift's sort on (value class, index).
private func referenceOrder(_ row: [Double], descending: Bool) -> [Int] {
    func before(_ a: Double, _ b: Double) -> Bool {
        descending ? a > b || (a.isNaN && !b.isNaN) : a < b || (b.isNaN && !a.isNaN)
    }
    return row.indices.sorted { i, j in
        if before(row[i], row[j]) { return true }
        if before(row[j], row[i]) { return false }
        return i < j
    }
}

/// Deterministic values with many ties (small integers) so stability is exercised.
private func tiedValues(_ n: Int, seed: UInt64) -> [Double] {
    var s = seed &* 0x9E37_79B9_7F4A_7C15 &+ 3
    return (0..<n).map { _ in
        s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(Int(s >> 60)) - 7
    }
}

@Suite struct SortTests {
    @Test func sortsVectorsStablyWithNaNLast() throws {
        let x = try Tensor([2, .nan, -1, 2, 0, -0.0, .nan, 5], shape: [8], dtype: .float64)
        let (v, i) = try x.sorted()
        #expect(i.toInts() == [2, 4, 5, 0, 3, 7, 1, 6])
        #expect(Array(v.toDoubles()[0..<6]) == [-1, 0, 0, 2, 2, 5] && v.toDoubles()[6].isNaN && v.toDoubles()[7].isNaN)
        // Descending: NaN first, ties still in index order (0 before -0.0, the first 2 first).
        #expect(try x.argsort(descending: true).toInts() == [1, 6, 7, 0, 3, 4, 5, 2])
        #expect(try x.argsort().toInts() == referenceOrder(x.toDoubles(), descending: false))
    }

    @Test(arguments: [false, true])
    func everyAxisMatchesTheReference(descending: Bool) throws {
        let shape = [3, 4, 5]
        let values = tiedValues(60, seed: descending ? 2 : 1)
        let x = try Tensor(values, shape: shape, dtype: .float32)
        for axis in [0, 1, 2, -1, -3] {
            let ax = (axis + 3) % 3
            let idx = try x.argsort(axis: axis, descending: descending)
            #expect(idx.shape == shape && idx.dtype == .int64)
            let (v, i) = try x.sorted(axis: axis, descending: descending)
            #expect(i.toInts() == idx.toInts())
            #expect(v.toDoubles() == (try x.takeAlongAxis(axis: axis, index: idx)).toDoubles())
            // Row by row against the reference.
            let strides = [20, 5, 1]
            let others = (0..<3).filter { $0 != ax }
            for a in 0..<shape[others[0]] {
                for b in 0..<shape[others[1]] {
                    let base = a * strides[others[0]] + b * strides[others[1]]
                    let row = (0..<shape[ax]).map { values[base + $0 * strides[ax]] }
                    let got = (0..<shape[ax]).map { i.toInts()[base + $0 * strides[ax]] }
                    #expect(got == referenceOrder(row, descending: descending), "axis \(axis) row \(a), \(b)")
                }
            }
        }
    }

    @Test func integerAndBoolTensorsSortInTheirDtype() throws {
        let x = try Tensor(ints: [3, Int.min, 7, 3, Int.max, -2])
        let (v, i) = try x.sorted()
        #expect(v.dtype == .int64 && v.toInts() == [Int.min, -2, 3, 3, 7, Int.max])
        #expect(i.toInts() == [1, 5, 0, 3, 2, 4])
        let b = try Tensor(bools: [true, false, true, false])
        #expect(try b.argsort().toInts() == [1, 3, 0, 2])
        #expect(try b.sorted(descending: true).values.dtype == .bool)
    }

    @Test func topkTakesTheLargestFirst() throws {
        let x = try Tensor([1, 5, 3, 5, .nan, 2], shape: [2, 3], dtype: .float64)
        let (v, i) = try x.topk(2, axis: 1)
        #expect(v.shape == [2, 2] && i.toInts() == [1, 2, 1, 0])
        #expect(Array(v.toDoubles()[0..<2]) == [5, 3] && v.toDoubles()[2].isNaN && v.toDoubles()[3] == 5)
        let (small, si) = try x.topk(1, axis: 0, largest: false)
        #expect(small.toDoubles() == [1, 5, 2] && si.toInts() == [0, 0, 1])
        #expect(try x.topk(0).values.shape == [2, 0])
        #expect(try x.topk(3).indices.toInts() == [1, 2, 0, 1, 0, 2])
    }

    @Test func emptyAndLargeInputs() throws {
        #expect(try Tensor.zeros([0, 4]).argsort().shape == [0, 4])
        #expect(try Tensor.zeros([3, 0]).sorted().values.shape == [3, 0])
        #expect(try Tensor.zeros([3, 0]).topk(0).indices.shape == [3, 0])
        // Many short rows: the rows are split over threads; each row must still match.
        let n = 40_000
        let values = tiedValues(n * 4, seed: 9)
        let x = try Tensor(values, shape: [n, 4], dtype: .float64)
        let idx = try x.argsort(axis: 1, descending: true).toInts()
        for r in stride(from: 0, to: n, by: 997) {
            #expect(Array(idx[(4 * r)..<(4 * r + 4)]) == referenceOrder(Array(values[(4 * r)..<(4 * r + 4)]), descending: true))
        }
        // A transposed (non-contiguous) view sorts like its dense copy.
        let t = try x.transposed(0, 1)
        #expect(try t.argsort(axis: 0).toInts() == (try t.contiguous().argsort(axis: 0)).toInts())
    }

    @Test func badArgumentsThrow() throws {
        let x = Tensor([1, 2, 3], dtype: .float64)
        expectError(.shape, mentioning: ["scalar"]) { try Tensor(scalar: 1).argsort() }
        expectError(.index, mentioning: ["axis 1"]) { try x.sorted(axis: 1) }
        expectError(.index, mentioning: ["axis -2"]) { try x.argsort(axis: -2) }
        expectError(.value, mentioning: ["k must be", "got 4"]) { try x.topk(4) }
        expectError(.value, mentioning: ["got -1"]) { try x.topk(-1) }
        expectError(.value, mentioning: ["got \(Int.max)"]) { try x.topk(Int.max) }
        expectError(.value) { try Tensor.zeros([2, 0]).topk(1) }
    }
}
