/// An n-dimensional array: a view (shape, strides, offset) into shared storage.
///
/// Tensors are values: operations return new tensors and never write into their inputs
/// (except the explicitly named in-place kernels the optimizers use). Views made by
/// `transpose`, `expand` and basic slicing share storage; kernels that need dense memory call
/// `contiguous()`, which is free when the tensor already is.
public struct Tensor: @unchecked Sendable {
    public let dtype: DType
    public let shape: [Int]
    /// Element strides (not bytes). A stride of 0 marks a broadcast dimension.
    public let strides: [Int]
    /// Element offset of the first element into `storage`.
    public let offset: Int
    public let storage: TensorStorage

    /// Wraps existing storage without checks; callers guarantee the view is in bounds.
    public init(storage: TensorStorage, dtype: DType, shape: [Int], strides: [Int], offset: Int = 0) {
        self.storage = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// Allocates a contiguous tensor whose elements are uninitialized; the caller fills it.
    public static func uninitialized(_ shape: [Int], dtype: DType, op: String = "tensor") throws -> Tensor {
        let n = try Shape.checkedCount(shape, dtype: dtype, op: op)
        let storage = TensorStorage(byteCount: n * dtype.byteWidth)
        return Tensor(storage: storage, dtype: dtype, shape: shape, strides: Shape.contiguousStrides(shape))
    }

    /// Allocates without the size check, for outputs whose size equals an existing input's.
    @inline(__always)
    static func uncheckedEmpty(_ shape: [Int], count: Int, dtype: DType) -> Tensor {
        let storage = TensorStorage(byteCount: count * dtype.byteWidth)
        return Tensor(storage: storage, dtype: dtype, shape: shape, strides: Shape.contiguousStrides(shape))
    }

    // MARK: - Geometry

    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// Number of elements (1 for a scalar).
    public var count: Int { Shape.count(shape) }
    /// True for a rank-0 tensor.
    public var isScalar: Bool { shape.isEmpty }
    /// True when elements are laid out densely in row-major order from `offset`.
    public var isContiguous: Bool {
        var expected = 1
        var i = shape.count - 1
        while i >= 0 {
            if shape[i] == 0 { return true }
            if shape[i] != 1 && strides[i] != expected { return false }
            expected &*= shape[i]
            i -= 1
        }
        return true
    }

    /// A pointer to the first element, typed. The caller must match `dtype`.
    @inline(__always)
    public func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        storage.base.assumingMemoryBound(to: T.self) + offset
    }

    /// This tensor as dense row-major memory (itself when it already is).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: dtype)
        switch dtype {
        case .float32: StridedCopy.copy(from: pointer(Float.self), shape: shape, strides: strides, to: out.pointer(Float.self))
        case .float64: StridedCopy.copy(from: pointer(Double.self), shape: shape, strides: strides, to: out.pointer(Double.self))
        case .int64: StridedCopy.copy(from: pointer(Int.self), shape: shape, strides: strides, to: out.pointer(Int.self))
        case .bool: StridedCopy.copy(from: pointer(UInt8.self), shape: shape, strides: strides, to: out.pointer(UInt8.self))
        }
        return out
    }

    /// A dense copy that shares no storage with this tensor.
    public func copied() -> Tensor {
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: dtype)
        let src = contiguous()
        if src.storage === storage && src.isContiguous && src.offset == offset && isContiguous {
            out.storage.base.copyMemory(from: storage.base + offset * dtype.byteWidth, byteCount: count * dtype.byteWidth)
        } else {
            out.storage.base.copyMemory(from: src.storage.base + src.offset * dtype.byteWidth, byteCount: count * dtype.byteWidth)
        }
        return out
    }

    /// Same elements under a new shape with the same count; a view when contiguous.
    public func viewing(as newShape: [Int]) -> Tensor {
        let c = contiguous()
        return Tensor(storage: c.storage, dtype: dtype, shape: newShape, strides: Shape.contiguousStrides(newShape), offset: c.offset)
    }
}

// MARK: - Construction from Swift values

extension Tensor {
    /// A tensor from values in row-major order, converted to `dtype`. For int64, values
    /// truncate toward zero; NaN, infinities and values outside the int64 range throw.
    public init(_ values: [Double], shape: [Int], dtype: DType = .float32) throws {
        guard Shape.count(shape) == values.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError(.shape, op: "tensor", "\(values.count) values do not fill shape \(TensorError.show(shape))")
        }
        if dtype == .int64, let bad = values.first(where: { !fitsInt64($0) }) {
            throw TensorError(.value, op: "tensor", "cannot convert \(Tensor.describe(bad)) to int64: it has no int64 value",
                              hint: "keep a float dtype, or clamp the values first")
        }
        self = try Tensor.uninitialized(shape, dtype: dtype)
        values.withUnsafeBufferPointer { src in
            switch dtype {
            case .float32: let p = pointer(Float.self); for i in 0..<src.count { p[i] = Float(src[i]) }
            case .float64: pointer(Double.self).update(from: src.baseAddress!, count: src.count)
            case .int64: let p = pointer(Int.self); for i in 0..<src.count { p[i] = Int(src[i]) }  // range checked above
            case .bool: let p = pointer(UInt8.self); for i in 0..<src.count { p[i] = src[i] != 0 ? 1 : 0 }
            }
        }
    }

    /// A 1-D tensor of values.
    public init(_ values: [Double], dtype: DType = .float32) {
        // A 1-D shape always matches its values, so this cannot throw.
        self = try! Tensor(values, shape: [values.count], dtype: dtype)
    }

    /// An integer tensor.
    public init(ints values: [Int], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        guard Shape.count(shape) == values.count else {
            throw TensorError(.shape, op: "tensor", "\(values.count) values do not fill shape \(TensorError.show(shape))")
        }
        self = try Tensor.uninitialized(shape, dtype: .int64)
        let p = pointer(Int.self)
        for i in 0..<values.count { p[i] = values[i] }
    }

    /// A boolean tensor.
    public init(bools values: [Bool], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        guard Shape.count(shape) == values.count else {
            throw TensorError(.shape, op: "tensor", "\(values.count) values do not fill shape \(TensorError.show(shape))")
        }
        self = try Tensor.uninitialized(shape, dtype: .bool)
        let p = pointer(UInt8.self)
        for i in 0..<values.count { p[i] = values[i] ? 1 : 0 }
    }

    /// A rank-0 tensor.
    public init(scalar: Double, dtype: DType = .float32) {
        self = Tensor.uncheckedEmpty([], count: 1, dtype: dtype)
        switch dtype {
        case .float32: pointer(Float.self).pointee = Float(scalar)
        case .float64: pointer(Double.self).pointee = scalar
        // Internal constants always fit; paths taking user values check `fitsInt64` first
        // (`Tensor(_:shape:dtype:)`, `full`, `maskedFill`), so the 0 is never a user's number.
        case .int64: pointer(Int.self).pointee = Int(exactly: scalar.rounded(.towardZero)) ?? 0
        case .bool: pointer(UInt8.self).pointee = scalar != 0 ? 1 : 0
        }
    }

    // MARK: - Reading values back

    /// All elements in row-major order, as Doubles.
    public func toDoubles() -> [Double] {
        let c = contiguous()
        let n = c.count
        switch dtype {
        case .float32: let p = c.pointer(Float.self); return (0..<n).map { Double(p[$0]) }
        case .float64: return Array(UnsafeBufferPointer(start: c.pointer(Double.self), count: n))
        case .int64: let p = c.pointer(Int.self); return (0..<n).map { Double(p[$0]) }
        case .bool: let p = c.pointer(UInt8.self); return (0..<n).map { Double(p[$0]) }
        }
    }

    /// All elements in row-major order, as Ints (floats truncated toward zero; NaN and
    /// out-of-range values become 0).
    public func toInts() -> [Int] {
        if dtype == .int64 {
            let c = contiguous()
            return Array(UnsafeBufferPointer(start: c.pointer(Int.self), count: c.count))
        }
        return toDoubles().map { $0.isFinite ? (Int(exactly: $0.rounded(.towardZero)) ?? 0) : 0 }
    }

    /// The single element of a one-element tensor.
    public func item() throws -> Double {
        guard count == 1 else {
            throw TensorError(.shape, op: "item", "a tensor of shape \(TensorError.show(shape)) has \(count) elements, not one",
                              hint: "reduce it first, e.g. with sum or mean")
        }
        return toDoubles()[0]
    }

    /// The element at a full multi-index (negative indices count from the end).
    public func element(at index: [Int]) throws -> Double {
        guard index.count == rank else {
            throw TensorError(.index, op: "index", "\(index.count) indices for a tensor of rank \(rank)")
        }
        var off = offset
        for (axis, i) in index.enumerated() {
            let j = i < 0 ? i + shape[axis] : i
            guard j >= 0, j < shape[axis] else {
                throw TensorError(.index, op: "index", "index \(i) is out of range for axis \(axis) of size \(shape[axis])")
            }
            off += j * strides[axis]
        }
        let view = Tensor(storage: storage, dtype: dtype, shape: [], strides: [], offset: off)
        return view.toDoubles()[0]
    }
}
