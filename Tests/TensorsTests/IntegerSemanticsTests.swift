import Testing
@testable import Tensors

/// Integer tensors never give a silently wrong number: overflow and division by zero throw,
/// float-to-int casts refuse values with no int64, and clamp keeps int64 as PyTorch does.
@Suite struct IntegerSemanticsTests {
    let big = try! Tensor(ints: [Int.max, 1])
    let minInt = try! Tensor(ints: [Int.min])

    @Test func addSubMulThrowOnOverflowNamingTheOperands() throws {
        expectError(.value, mentioning: ["overflow", "9223372036854775807 + 1"]) { try Tensor.binary(.add, big, try Tensor(ints: [1])) }
        expectError(.value, mentioning: ["overflow", "-9223372036854775808 - 1"]) { try Tensor.binary(.sub, minInt, try Tensor(ints: [1])) }
        expectError(.value, mentioning: ["overflow", "*"]) { try Tensor.binary(.mul, big, try Tensor(ints: [2])) }
        // In range, results are the plain int results, broadcast as before.
        let a = try Tensor(ints: [1, -2, 3, 4], shape: [2, 2]), b = try Tensor(ints: [10, 20])
        #expect(try Tensor.binary(.add, a, b).toInts() == [11, 18, 13, 24])
        #expect(try Tensor.binary(.sub, a, b).toInts() == [-9, -22, -7, -16])
        #expect(try Tensor.binary(.mul, a, b).toInts() == [10, -40, 30, 80])
        #expect(try Tensor.binary(.add, big, try Tensor(ints: [-1])).toInts() == [Int.max - 1, 0])
    }

    @Test func integerDivisionAndModuloByZeroThrow() throws {
        let one = try Tensor(ints: [1]), zero = try Tensor(ints: [0])
        expectError(.value, mentioning: ["division by zero", "ZeroDivisionError"]) { try Tensor.floorDivide(one, zero, modulo: false) }
        expectError(.value, mentioning: ["modulo by zero"]) { try Tensor.floorDivide(one, zero, modulo: true) }
        // Int.min // -1 does not fit; Int.min % -1 is 0 (Swift's own operators would trap).
        let minusOne = try Tensor(ints: [-1])
        expectError(.value, mentioning: ["overflow"]) { try Tensor.floorDivide(minInt, minusOne, modulo: false) }
        #expect(try Tensor.floorDivide(minInt, minusOne, modulo: true).toInts() == [0])
        // Python semantics are unchanged for valid inputs.
        let a = try Tensor(ints: [7, -7, 7, -7]), b = try Tensor(ints: [2, 2, -2, -2])
        #expect(try Tensor.floorDivide(a, b, modulo: false).toInts() == [3, -4, -4, 3])
        #expect(try Tensor.floorDivide(a, b, modulo: true).toInts() == [1, 1, -1, -1])
        // Floats keep IEEE results.
        let f = try Tensor.floorDivide(Tensor([1.0]), Tensor([0.0]), modulo: false)
        #expect(f.toDoubles() == [.infinity])
    }

    @Test func integerUnaryOverflowThrows() throws {
        expectError(.value, mentioning: ["neg(-9223372036854775808)"]) { try minInt.checkedIntegerUnary(.neg) as Any }
        expectError(.value, mentioning: ["abs(-9223372036854775808)"]) { try minInt.checkedIntegerUnary(.abs) as Any }
        expectError(.value, mentioning: ["square(3037000500)"]) { try Tensor(ints: [3037000500]).checkedIntegerUnary(.square) as Any }
        let x = try Tensor(ints: [-3, 0, 4])
        #expect(try x.checkedIntegerUnary(.neg)?.toInts() == [3, 0, -4])
        #expect(try x.checkedIntegerUnary(.abs)?.toInts() == [3, 0, 4])
        #expect(try x.checkedIntegerUnary(.square)?.toInts() == [9, 0, 16])
        #expect(try x.checkedIntegerUnary(.exp) == nil)
    }

    @Test func floatToIntCastRefusesValuesWithoutAnInt64() throws {
        expectError(.value, mentioning: ["1e+30", "int64"]) { try Tensor([1e30]).checkedCast(to: .int64) }
        expectError(.value, mentioning: ["nan"]) { try Tensor([1, .nan], dtype: .float64).checkedCast(to: .int64) }
        expectError(.value, mentioning: ["-inf"]) { try Tensor([-.infinity], dtype: .float64).checkedCast(to: .int64) }
        // 2^63 is one past Int.max; -2^63 is Int.min and fits.
        expectError(.value, mentioning: ["int64"]) { try Tensor([0x1p63], dtype: .float64).checkedCast(to: .int64) }
        #expect(try Tensor([-0x1p63, -2.7, 2.7, 9.2e18 + 4096], dtype: .float64).checkedCast(to: .int64).toInts()
                == [Int.min, -2, 2, 9_200_000_000_000_004_096])
        expectError(.value, mentioning: ["1e+30"]) { try Tensor([1e30], shape: [1], dtype: .int64) }
        expectError(.value, mentioning: ["int64"]) { try Tensor.full(.nan, shape: [2], dtype: .int64) }
    }

    @Test func clampKeepsInt64WithIntegerBounds() throws {
        let x = try Tensor(ints: [1, 5, 9])
        let y = x.clamp(min: .int(2), max: .int(6))
        #expect(y.dtype == .int64)
        #expect(y.toInts() == [2, 5, 6])
        #expect(x.clamp(min: nil, max: .int(3)).toInts() == [1, 3, 3])
        // Exact beyond 2^53, where a float detour would round.
        let huge = try Tensor(ints: [Int.max - 1])
        #expect(huge.clamp(min: .int(0), max: nil).toInts() == [Int.max - 1])
        // A float bound promotes, as in PyTorch.
        let z = x.clamp(min: .float(2.5), max: nil)
        #expect(z.dtype == DefaultDType.float)
        #expect(z.toDoubles() == [2.5, 5, 9])
        // Float tensors keep their dtype whatever the bounds.
        let f = Tensor([1, 5, 9], dtype: .float64).clamp(min: .int(2), max: .int(6))
        #expect(f.dtype == .float64 && f.toDoubles() == [2, 5, 6])
    }

    @Test func arangeNeverTraps() throws {
        #expect(try Tensor.arange(0, -1e19).count == 0)
        expectError(.size, mentioning: ["elements"]) { try Tensor.arange(0, 1e19) }
        expectError(.size, mentioning: ["elements"]) { try Tensor.arange(-1e308, 1e308, step: 1e-300) }
        expectError(.value, mentioning: ["int64"]) { try Tensor.arange(1e300, 2e300, step: 1e300, dtype: .int64) }
        expectError(.value, mentioning: ["overflow"]) { try Tensor.arange(9e18, 9.4e18, step: 1e17, dtype: .int64) }
        #expect(try Tensor.arange(3, 0, step: -1).toInts() == [3, 2, 1])
    }
}

/// Reductions check their result like every other creation: counts that overflow Int and
/// results over `TensorLimits.maxBytes` are size errors, never a trap or a huge allocation.
@Suite struct ReductionSizeTests {
    @Test func resultOverTheLimitIsASizeError() throws {
        // 0 elements in, 3e9 float32 (12 GB) out.
        let empty = try Tensor.zeros([0, 3_000_000_000], dtype: .float32)
        expectError(.size, mentioning: ["bytes"]) { try empty.sum(axes: [0]) }
        expectError(.size, mentioning: ["bytes"]) { try empty.mean(axes: [0]) }
        expectError(.size, mentioning: ["bytes"]) { try empty.prod(axes: [0]) }
        expectError(.size, mentioning: ["bytes"]) { try empty.logsumexp(axes: [0]) }
    }

    @Test func zeroSizeShapesWithHugeDimensionsDoNotOverflow() throws {
        let x = try Tensor.zeros([0, 1 << 40, 1 << 40], dtype: .float32)
        #expect(try x.sum(axes: [1, 2]).shape == [0])
        #expect(try x.sum().toDoubles() == [0])
        expectError(.size, mentioning: ["too many elements"]) { try x.sum(axes: [0]) }
        let y = try Tensor.zeros([1 << 40, 0], dtype: .float32)
        expectError(.size) { try y.sum(axes: [1]) }
        #expect(try Tensor.zeros([3, 0]).sum(axes: [1]).toDoubles() == [0, 0, 0])
        #expect(try Tensor.zeros([0, 3]).sum(axes: [0]).toDoubles() == [0, 0, 0])
        #expect(try Tensor.zeros([0, 2]).mean(axes: [0]).toDoubles().allSatisfy(\.isNaN))
    }

    @Test func integerReductionsThrowOnOverflow() throws {
        let x = try Tensor(ints: [Int.max, 1])
        expectError(.value, mentioning: ["overflow"]) { try x.sum() }
        expectError(.value, mentioning: ["overflow"]) { try Tensor(ints: [Int.max, 1], shape: [2, 1]).sum(axes: [0]) }
        expectError(.value, mentioning: ["overflow"]) { try Tensor(ints: [1 << 32, 1 << 32]).prod() }
        expectError(.value, mentioning: ["overflow"]) { try x.cumsum(axis: 0) }
        #expect(try Tensor(ints: [Int.max, -1]).sum().toInts() == [Int.max - 1])
        #expect(try Tensor(ints: [1, 2, 3, 4], shape: [2, 2]).sum(axes: [0]).toInts() == [4, 6])
        #expect(try Tensor(ints: [1, 2, 3]).cumsum(axis: 0).toInts() == [1, 3, 6])
    }
}

/// A tensor within `TensorLimits.maxBytes` can be over it once converted to a wider dtype (a
/// bool broadcast view promoted to float64 is 8x the bytes): the conversion is checked before
/// it allocates.
@Suite struct WideningCastTests {
    @Test func promotingAViewOverTheLimitIsASizeError() throws {
        let mask = try Tensor(bools: [true]).expanded(to: [1 << 31])  // 2 GiB as bool, no memory
        expectError(.size, mentioning: ["bytes"]) { try Tensor.binary(.add, mask, Tensor([1], dtype: .float64)) }
        expectError(.size, mentioning: ["bytes"]) { try Tensor.compare(.lt, mask, Tensor([1], dtype: .float64)) }
        expectError(.size, mentioning: ["bytes"]) { try mask.checkedCast(to: .int64) }
        #expect(try Tensor(bools: [true, false]).checkedCast(to: .float64).toDoubles() == [1, 0])
    }
}
