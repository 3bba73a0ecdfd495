// Shape operations: reshape, axis permutations, squeeze/unsqueeze, concatenation and splitting,
// flips, rolls and repeats. Everything that can be a view is one (O(1), shares storage):
// reshape of a dense tensor, permute/transpose, squeeze/unsqueeze, expand, split, flip.
// Copies happen only where the result's elements cannot be addressed with strides.

// MARK: - Strided copies between views

/// Element copies between two equally shaped strided views (either may be non-dense, have
/// negative or zero strides). The innermost dimension is a plain loop.
enum StridedAssign {
    /// Copies `src` into `dst` element by element; shapes and dtypes are equal.
    static func copy(_ src: Tensor, into dst: Tensor) {
        switch dst.dtype {
        case .float32: run(src, dst, Float.self)
        case .float64: run(src, dst, Double.self)
        case .int64: run(src, dst, Int.self)
        case .bool: run(src, dst, UInt8.self)
        }
    }

    private static func run<T>(_ src: Tensor, _ dst: Tensor, _: T.Type) {
        let shape = dst.shape, rank = shape.count
        let n = Shape.count(shape)
        if n == 0 { return }
        let ps = src.pointer(T.self), pd = dst.pointer(T.self)
        if rank == 0 { pd.pointee = ps.pointee; return }
        if src.isContiguous && dst.isContiguous { pd.update(from: ps, count: n); return }
        let ss = src.strides, ds = dst.strides
        let inner = shape[rank - 1], si = ss[rank - 1], di = ds[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var os = 0, od = 0, done = 0
        while done < n {
            let s = ps + os, d = pd + od
            if si == 1 && di == 1 {
                d.update(from: s, count: inner)
            } else {
                for j in 0..<inner { d[j * di] = s[j * si] }
            }
            done += inner
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                os += ss[axis]; od += ds[axis]
                if index[axis] < shape[axis] { break }
                os -= ss[axis] * shape[axis]; od -= ds[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// The element offsets (relative to the view's first element) of every position of a view
    /// with `shape` and `strides`, in row-major order. Kernels that address blocks precompute
    /// these once instead of walking a multi-index per element.
    static func offsets(_ shape: [Int], _ strides: [Int]) -> [Int] {
        let n = Shape.count(shape)
        var out = [Int](repeating: 0, count: n)
        if n <= 1 || shape.isEmpty { return out }
        let rank = shape.count
        var index = [Int](repeating: 0, count: rank)
        var off = 0
        for k in 0..<n {
            out[k] = off
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                off += strides[axis]
                if index[axis] < shape[axis] { break }
                off -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }
}

// MARK: - Reshape and axis permutations

extension Tensor {
    /// The same elements (row-major order) under `shape`. One dimension may be `-1`: it is
    /// inferred from the element count. A view when this tensor is dense, else a dense copy.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let target = try Tensor.resolveReshape(shape, newShape)
        if target == shape { return self }
        return viewing(as: target)
    }

    /// Resolves a `-1` in `newShape` and checks that the counts agree.
    static func resolveReshape(_ shape: [Int], _ newShape: [Int]) throws -> [Int] {
        let count = Shape.count(shape)
        var inferred: Int? = nil
        var known = 1
        for (i, d) in newShape.enumerated() {
            if d == -1 {
                guard inferred == nil else {
                    throw TensorError(.shape, op: "reshape", "only one dimension of \(TensorError.show(newShape)) can be -1")
                }
                inferred = i
            } else if d < 0 {
                throw TensorError(.shape, op: "reshape", "negative dimension \(d) in \(TensorError.show(newShape))")
            } else {
                let (m, overflow) = known.multipliedReportingOverflow(by: d)
                guard !overflow else {
                    throw TensorError(.size, op: "reshape", "shape \(TensorError.show(newShape)) has too many elements")
                }
                known = m
            }
        }
        guard newShape.count <= TensorLimits.maxRank else {
            throw TensorError(.size, op: "reshape", "rank \(newShape.count) exceeds the limit of \(TensorLimits.maxRank)")
        }
        var target = newShape
        if let i = inferred {
            guard known != 0, count % known == 0 else {
                throw TensorError(.shape, op: "reshape",
                                  "cannot reshape a tensor of shape \(TensorError.show(shape)) (\(count) elements) into \(TensorError.show(newShape))",
                                  hint: known == 0 ? "-1 is ambiguous when another dimension is 0" : "\(count) is not a multiple of \(known)")
            }
            target[i] = count / known
        } else if known != count {
            throw TensorError(.shape, op: "reshape",
                              "cannot reshape a tensor of shape \(TensorError.show(shape)) (\(count) elements) into \(TensorError.show(newShape)) (\(known) elements)")
        }
        return target
    }

    /// The axes reordered: result axis `i` is this tensor's axis `axes[i]` (a view).
    public func permuted(_ axes: [Int]) throws -> Tensor {
        let order = try Tensor.checkPermutation(axes, rank: rank, op: "permute")
        return Tensor(storage: storage, dtype: dtype, shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
    }

    /// Normalizes a permutation of `0..<rank` (negative axes allowed) or throws.
    static func checkPermutation(_ axes: [Int], rank: Int, op: String) throws -> [Int] {
        guard axes.count == rank else {
            throw TensorError(.shape, op: op, "\(axes.count) axes given for a tensor of rank \(rank)",
                              hint: "list every axis once, e.g. \((0..<rank).reversed().map(String.init).joined(separator: ", "))")
        }
        let order = try axes.map { try Shape.axis($0, rank: rank, op: op) }
        guard Set(order).count == rank else {
            throw TensorError(.index, op: op, "axes \(axes) are not a permutation of 0..<\(rank)")
        }
        return order
    }

    /// Axes `a` and `b` swapped (a view).
    public func transposed(_ a: Int, _ b: Int) throws -> Tensor {
        let i = try Shape.axis(a, rank: rank, op: "transpose"), j = try Shape.axis(b, rank: rank, op: "transpose")
        var order = Array(0..<rank)
        if rank > 0 { order.swapAt(i, j) }
        return Tensor(storage: storage, dtype: dtype, shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
    }

    /// The last two dimensions swapped, as a view (vectors and scalars are returned unchanged).
    public var matrixTranspose: Tensor {
        guard rank >= 2 else { return self }
        var s = shape, st = strides
        s.swapAt(rank - 1, rank - 2)
        st.swapAt(rank - 1, rank - 2)
        return Tensor(storage: storage, dtype: dtype, shape: s, strides: st, offset: offset)
    }

    /// `.T`: the last two axes swapped for rank ≥ 2 (a batch of matrices is transposed matrix
    /// by matrix, unlike NumPy, which reverses all axes); vectors and scalars are unchanged.
    public var T: Tensor { matrixTranspose }

    /// A broadcast view of this tensor with `shape` (NumPy `broadcast_to`; same as `expanded(to:)`).
    public func broadcast(to target: [Int]) throws -> Tensor {
        _ = try Shape.checkedCount(target, dtype: dtype, op: "expand")
        return try expanded(to: target)
    }

    /// Size-1 dimensions removed: the given `axes` (each must have size 1), or all when nil (a view).
    public func squeezed(axes: [Int]? = nil) throws -> Tensor {
        var drop = Set<Int>()
        if let axes {
            for a in axes {
                let i = try Shape.axis(a, rank: rank, op: "squeeze")
                guard rank > 0, shape[i] == 1 else {
                    throw TensorError(.shape, op: "squeeze", "axis \(a) of shape \(TensorError.show(shape)) has size \(rank > 0 ? shape[i] : 0), not 1")
                }
                drop.insert(i)
            }
        } else {
            for i in 0..<rank where shape[i] == 1 { drop.insert(i) }
        }
        let keep = (0..<rank).filter { !drop.contains($0) }
        return Tensor(storage: storage, dtype: dtype, shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
    }

    /// A size-1 dimension inserted so that it becomes axis `axis` of the result
    /// (`-1` appends one; a view).
    public func unsqueezed(axis: Int) throws -> Tensor {
        let i = try Shape.axis(axis, rank: rank + 1, op: "unsqueeze")
        guard rank + 1 <= TensorLimits.maxRank else {
            throw TensorError(.size, op: "unsqueeze", "rank \(rank + 1) exceeds the limit of \(TensorLimits.maxRank)")
        }
        var s = shape, st = strides
        s.insert(1, at: i)
        st.insert(i < rank ? strides[i] * shape[i] : 1, at: i)
        return Tensor(storage: storage, dtype: dtype, shape: s, strides: st, offset: offset)
    }

    /// Axes `start...end` merged into one (default: everything, giving a vector).
    public func flattened(from start: Int = 0, to end: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshaped([1]) }
        let a = try Shape.axis(start, rank: rank, op: "flatten"), b = try Shape.axis(end, rank: rank, op: "flatten")
        guard a <= b else {
            throw TensorError(.index, op: "flatten", "start axis \(start) comes after end axis \(end) for a tensor of rank \(rank)")
        }
        let merged = Shape.count(Array(shape[a...b]))
        return try reshaped(Array(shape[..<a]) + [merged] + Array(shape[(b + 1)...]))
    }
}

// MARK: - Concatenate, stack, split

extension Tensor {
    /// The tensors joined along `axis`; all other dimensions must agree. Mixed dtypes are
    /// promoted (bool < int64 < float32 < float64).
    public static func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError(.value, op: "concat", "needs at least one tensor")
        }
        guard first.rank > 0 else {
            throw TensorError(.shape, op: "concat", "cannot concatenate scalars (shape [])", hint: "use stack to make a vector of scalars")
        }
        let ax = try Shape.axis(axis, rank: first.rank, op: "concat")
        var dtype = first.dtype
        var total = 0
        for t in tensors {
            guard t.rank == first.rank else {
                throw TensorError.shapeMismatch("concat", first.shape, t.shape, "have different ranks")
            }
            for d in 0..<t.rank where d != ax && t.shape[d] != first.shape[d] {
                throw TensorError.shapeMismatch("concat", first.shape, t.shape, "differ in dimension \(d) (only axis \(ax) may differ)")
            }
            total += t.shape[ax]
            dtype = DType.promote(dtype, t.dtype)
        }
        var outShape = first.shape
        outShape[ax] = total
        let out = try Tensor.uninitialized(outShape, dtype: dtype, op: "concat")
        var start = 0
        for t in tensors {
            let len = t.shape[ax]
            if len > 0 {
                StridedAssign.copy(t.cast(to: dtype), into: out.narrowView(axis: ax, start: start, count: len))
            }
            start += len
        }
        return out
    }

    /// The tensors (all of one shape) stacked along a new axis `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError(.value, op: "stack", "needs at least one tensor")
        }
        for t in tensors where t.shape != first.shape {
            throw TensorError.shapeMismatch("stack", first.shape, t.shape, "differ: stack needs tensors of one shape")
        }
        let ax = try Shape.axis(axis, rank: first.rank + 1, op: "stack")
        return try concat(tensors.map { try $0.unsqueezed(axis: ax) }, axis: ax)
    }

    /// Pieces of the given sizes along `axis` (views); the sizes must add up to the axis length.
    public func split(sizes: [Int], axis: Int = 0) throws -> [Tensor] {
        let ax = try Shape.axis(axis, rank: rank, op: "split")
        guard rank > 0 else { throw TensorError(.shape, op: "split", "cannot split a scalar") }
        var total = 0
        for n in sizes where n >= 0 { total = total.addingReportingOverflow(n).partialValue }
        guard sizes.allSatisfy({ $0 >= 0 && $0 <= shape[ax] }), total == shape[ax] else {
            throw TensorError(.shape, op: "split", "sizes \(sizes) do not add up to \(shape[ax]), axis \(ax) of shape \(TensorError.show(shape))")
        }
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return narrowView(axis: ax, start: start, count: n)
        }
    }

    /// `count` equal pieces along `axis` (views); the axis length must be divisible by `count`.
    public func split(count: Int, axis: Int = 0) throws -> [Tensor] {
        let ax = try Shape.axis(axis, rank: rank, op: "split")
        guard rank > 0 else { throw TensorError(.shape, op: "split", "cannot split a scalar") }
        guard count > 0, shape[ax] % count == 0 else {
            throw TensorError(.shape, op: "split", "axis \(ax) of shape \(TensorError.show(shape)) (length \(shape[ax])) does not split into \(count) equal pieces",
                              hint: "pass sizes: to split unevenly")
        }
        return try split(sizes: [Int](repeating: shape[ax] / count, count: count), axis: ax)
    }

    /// Elements `start..<start+count` along a normalized `axis` (a view; the caller checks bounds).
    func narrowView(axis: Int, start: Int, count: Int) -> Tensor {
        var s = shape
        s[axis] = count
        return Tensor(storage: storage, dtype: dtype, shape: s, strides: strides, offset: count > 0 ? offset + start * strides[axis] : offset)
    }

    /// Elements `start, start+step, ...` before `stop` along `axis`, with Python slice
    /// semantics (negative bounds count from the end, out-of-range bounds are clipped, a
    /// negative step walks backwards). A view.
    public func sliced(axis: Int, start: Int? = nil, stop: Int? = nil, step: Int? = nil) throws -> Tensor {
        let ax = try Shape.axis(axis, rank: rank, op: "slice")
        guard rank > 0 else { throw TensorError(.index, op: "slice", "cannot slice a scalar") }
        var items = [IndexItem](repeating: .all, count: ax)
        items.append(.slice(start: start, stop: stop, step: step))
        return try subscripting(items)
    }
}

// MARK: - Flip, roll, repeat, tile

extension Tensor {
    /// The order of elements reversed along `axes` (all axes when nil). A view with negative strides.
    public func flipped(axes: [Int]? = nil) throws -> Tensor {
        let list = try axes.map { try $0.map { try Shape.axis($0, rank: rank, op: "flip") } } ?? Array(0..<rank)
        guard Set(list).count == list.count else {
            throw TensorError(.index, op: "flip", "axis repeated in \(axes ?? [])")
        }
        var st = strides, off = offset
        for a in list where rank > 0 && shape[a] > 0 {
            off += (shape[a] - 1) * st[a]
            st[a] = -st[a]
        }
        return Tensor(storage: storage, dtype: dtype, shape: shape, strides: st, offset: off)
    }

    /// Elements shifted by `shift` positions along `axis`, wrapping around (NumPy `roll`).
    /// With `axis` nil the tensor is rolled as a flat vector and keeps its shape.
    public func rolled(_ shift: Int, axis: Int? = nil) throws -> Tensor {
        guard let axis else {
            return try flattened().rolled(shift, axis: 0).reshaped(shape)
        }
        let ax = try Shape.axis(axis, rank: rank, op: "roll")
        guard rank > 0 else { return self }
        let n = shape[ax]
        let out = try Tensor.uninitialized(shape, dtype: dtype, op: "roll")
        if n == 0 || count == 0 { return out }
        let s = ((shift % n) + n) % n
        // out[s...] = x[..<n-s], out[..<s] = x[n-s...]
        StridedAssign.copy(narrowView(axis: ax, start: 0, count: n - s), into: out.narrowView(axis: ax, start: s, count: n - s))
        if s > 0 {
            StridedAssign.copy(narrowView(axis: ax, start: n - s, count: s), into: out.narrowView(axis: ax, start: 0, count: s))
        }
        return out
    }

    /// Each element repeated `count` times along `axis` (NumPy `repeat`: [a, b] -> [a, a, b, b]).
    /// With `axis` nil the tensor is flattened first.
    public func repeated(_ count: Int, axis: Int? = nil) throws -> Tensor {
        guard count >= 0 else { throw TensorError(.value, op: "repeat", "repeat count must be non-negative, got \(count)") }
        guard let axis else { return try flattened().repeated(count, axis: 0) }
        guard rank > 0 else { return try reshaped([1]).repeated(count, axis: 0) }
        let ax = try Shape.axis(axis, rank: rank, op: "repeat")
        var big = shape
        big.insert(count, at: ax + 1)
        var result = shape
        result[ax] = try checkedProduct(shape[ax], count, op: "repeat")
        _ = try Shape.checkedCount(result, dtype: dtype, op: "repeat")
        return try unsqueezed(axis: ax + 1).expanded(to: big).reshaped(result)
    }

    /// The whole tensor repeated `reps[i]` times along each axis (NumPy `tile`). When `reps`
    /// is longer than the rank, leading axes of size 1 are added; when shorter, leading 1s
    /// are assumed for `reps`.
    public func tiled(_ reps: [Int]) throws -> Tensor {
        guard reps.allSatisfy({ $0 >= 0 }) else {
            throw TensorError(.value, op: "tile", "repetitions must be non-negative, got \(reps)")
        }
        let r = Swift.max(rank, reps.count)
        let base = [Int](repeating: 1, count: r - rank) + shape
        let fullReps = [Int](repeating: 1, count: r - reps.count) + reps
        var interleavedSource: [Int] = [], interleaved: [Int] = [], result: [Int] = []
        for i in 0..<r {
            interleavedSource += [1, base[i]]
            interleaved += [fullReps[i], base[i]]
            result.append(try checkedProduct(fullReps[i], base[i], op: "tile"))
        }
        _ = try Shape.checkedCount(result, dtype: dtype, op: "tile")
        return try reshaped(interleavedSource).expanded(to: interleaved).reshaped(result)
    }
}

/// `a * b`, or a size error instead of an overflow trap.
func checkedProduct(_ a: Int, _ b: Int, op: String) throws -> Int {
    let (m, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw TensorError(.size, op: op, "the result would have more than \(Int.max) elements") }
    return m
}
