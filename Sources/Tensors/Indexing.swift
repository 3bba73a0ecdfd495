// NumPy-style indexing. `x[items]` is planned once (`IndexPlan`): the basic part (integers,
// slices, `...`, new axes) becomes a strided view, O(1); integer and boolean tensor indices
// ("advanced" indexing) then gather whole blocks from that view. The same plan, replayed on a
// gradient, scatter-adds it back, so repeated indices accumulate.

// MARK: - Index items

/// One item of a subscript `x[i, 1:5:2, ..., none, idx]`.
public enum IndexItem: @unchecked Sendable {
    /// A single position; negative counts from the end. Removes the axis.
    case index(Int)
    /// `start:stop:step` with Python semantics (any part may be nil; negative step walks back).
    case slice(start: Int?, stop: Int?, step: Int?)
    /// `:`, the whole axis.
    case all
    /// `...`, as many `:` as needed to index every axis.
    case ellipsis
    /// `none` / `np.newaxis`: inserts an axis of size 1.
    case newAxis
    /// An `int64` tensor (gathers positions along one axis; several broadcast together) or a
    /// `bool` mask (selects the positions where it is true over as many axes as its rank).
    case tensor(Tensor)
}

// MARK: - Plan

/// A subscript resolved against a shape: validated, with negative indices normalized and
/// masks turned into positions. Building it throws for every bad index; running it cannot fail
/// on a tensor of `sourceShape`. Gradient rules keep the plan to replay it on gradients.
public struct IndexPlan: @unchecked Sendable {
    /// How one axis of the basic (view) part is formed.
    enum Step {
        case keep(Int)
        case slice(dim: Int, start: Int, step: Int, count: Int)
        case drop(dim: Int, index: Int)
        case newAxis
        case advanced(Int)
    }

    let steps: [Step]
    /// The shape this plan indexes.
    public let sourceShape: [Int]
    /// The shape of the result.
    public let resultShape: [Int]
    /// Axes of the basic view that advanced indices act on, ascending.
    let advancedDims: [Int]
    /// Normalized positions, one array per advanced axis, each over `broadcastShape`.
    let advancedIndices: [[Int]]
    /// View axes placed before / after the block of advanced result axes.
    let preDims: [Int], postDims: [Int]

    /// True when the result is a view of the input (no tensor indices).
    public var isView: Bool { advancedDims.isEmpty }

    /// Resolves `items` against a tensor of `shape`, NumPy rules:
    /// - integers and slices index one axis each, `...` stands for the axes not mentioned,
    ///   missing trailing items mean `:`; more items than axes is an error;
    /// - with any tensor index present, integers act as 0-d index tensors; all index tensors
    ///   broadcast together to one shape B. B replaces the indexed axes in place when they are
    ///   adjacent, else it goes first (so `x[[0, 2], :, [1, 1]]` on `[A, B, C]` is `[2, B]`).
    public init(_ items: [IndexItem], shape: [Int]) throws {
        sourceShape = shape
        let rank = shape.count
        var consumed = 0, ellipses = 0, hasAdvanced = false
        for item in items {
            switch item {
            case .index, .slice, .all: consumed += 1
            case .ellipsis: ellipses += 1
            case .newAxis: break
            case .tensor(let t):
                switch t.dtype {
                case .int64: consumed += 1
                case .bool:
                    guard t.rank > 0 else {
                        throw TensorError(.index, op: "index", "a boolean scalar cannot be used as an index", hint: "use a boolean mask tensor of rank 1 or more")
                    }
                    consumed += t.rank
                default:
                    throw TensorError(.dtype, op: "index", "cannot index with a \(t.dtype) tensor",
                                      hint: "index tensors must be integers (gather) or booleans (mask); cast with int(...)")
                }
                hasAdvanced = true
            }
        }
        guard ellipses <= 1 else {
            throw TensorError(.index, op: "index", "an index can only have a single ellipsis (...)")
        }
        guard consumed <= rank else {
            throw TensorError(.index, op: "index", "too many indices for a tensor of shape \(TensorError.show(shape)): \(consumed) given, rank is \(rank)")
        }

        var steps: [Step] = []
        var viewShape: [Int] = []
        var advDims: [Int] = []
        var advTensors: [Tensor] = []
        var dim = 0
        func keep() { steps.append(.keep(dim)); viewShape.append(shape[dim]); dim += 1 }
        for item in items {
            switch item {
            case .index(let i):
                let n = shape[dim]
                let j = i < 0 ? i + n : i
                guard j >= 0, j < n else {
                    throw TensorError(.index, op: "index", "index \(i) is out of range for axis \(dim) with size \(n) (shape \(TensorError.show(shape)))")
                }
                if hasAdvanced {
                    steps.append(.advanced(dim))
                    advDims.append(viewShape.count)
                    viewShape.append(n)
                    advTensors.append(Tensor(scalar: Double(j), dtype: .int64))
                } else {
                    steps.append(.drop(dim: dim, index: j))
                }
                dim += 1
            case .slice(let start, let stop, let step):
                let (first, stride, count) = try IndexPlan.resolveSlice(start, stop, step, size: shape[dim])
                steps.append(.slice(dim: dim, start: first, step: stride, count: count))
                viewShape.append(count)
                dim += 1
            case .all:
                keep()
            case .ellipsis:
                for _ in 0..<(rank - consumed) { keep() }
            case .newAxis:
                steps.append(.newAxis)
                viewShape.append(1)
            case .tensor(let t):
                if t.dtype == .int64 {
                    steps.append(.advanced(dim))
                    advDims.append(viewShape.count)
                    viewShape.append(shape[dim])
                    advTensors.append(t)
                    dim += 1
                } else {
                    let covered = Array(shape[dim..<(dim + t.rank)])
                    guard t.shape == covered else {
                        throw TensorError(.shape, op: "index",
                                          "boolean mask of shape \(TensorError.show(t.shape)) does not match the axes \(dim)..<\(dim + t.rank) of shape \(TensorError.show(shape)), which are \(TensorError.show(covered))")
                    }
                    for positions in IndexPlan.truePositions(t) {
                        steps.append(.advanced(dim))
                        advDims.append(viewShape.count)
                        viewShape.append(shape[dim])
                        advTensors.append(try Tensor(ints: positions))
                        dim += 1
                    }
                }
            }
        }
        while dim < rank { keep() }
        guard viewShape.count <= TensorLimits.maxRank else {
            throw TensorError(.size, op: "index", "the result would have rank \(viewShape.count), over the limit of \(TensorLimits.maxRank)")
        }
        self.steps = steps
        self.advancedDims = advDims

        guard !advDims.isEmpty else {
            advancedIndices = []
            preDims = []
            postDims = []
            resultShape = viewShape
            return
        }
        var b = advTensors[0].shape
        for t in advTensors.dropFirst() {
            b = try Shape.broadcast(b, t.shape, op: "index")
        }
        _ = try Shape.checkedCount(b, dtype: .int64, op: "index")
        var indices: [[Int]] = []
        for (k, t) in advTensors.enumerated() {
            let n = viewShape[advDims[k]]
            var values = try t.expanded(to: b).toInts()
            for i in 0..<values.count {
                let v = values[i]
                let j = v < 0 ? v + n : v
                guard j >= 0, j < n else {
                    throw TensorError(.index, op: "index", "index \(v) is out of range for axis \(advDims[k]) with size \(n) (shape \(TensorError.show(shape)))")
                }
                values[i] = j
            }
            indices.append(values)
        }
        advancedIndices = indices
        let adjacent = advDims.last! - advDims.first! == advDims.count - 1
        let others = (0..<viewShape.count).filter { !advDims.contains($0) }
        if adjacent {
            preDims = Array(0..<advDims.first!)
            postDims = Array((advDims.last! + 1)..<viewShape.count)
        } else {
            preDims = []
            postDims = others
        }
        resultShape = preDims.map { viewShape[$0] } + b + postDims.map { viewShape[$0] }
        _ = try Shape.checkedCount(resultShape, dtype: .float64, op: "index")
        guard resultShape.count <= TensorLimits.maxRank else {
            throw TensorError(.size, op: "index", "the result would have rank \(resultShape.count), over the limit of \(TensorLimits.maxRank)")
        }
    }

    /// Python's slice normalization: (first index, step, count).
    static func resolveSlice(_ start: Int?, _ stop: Int?, _ step: Int?, size n: Int) throws -> (Int, Int, Int) {
        let s = step ?? 1
        guard s != 0 else { throw TensorError(.index, op: "index", "slice step cannot be zero") }
        func clip(_ v: Int?, _ dflt: Int) -> Int {
            guard let v else { return dflt }
            if v < 0 {
                let w = v + n
                return w < 0 ? (s < 0 ? -1 : 0) : w
            }
            return v >= n ? (s < 0 ? n - 1 : n) : v
        }
        let a = clip(start, s < 0 ? n - 1 : 0)
        let b = clip(stop, s < 0 ? -1 : n)
        let count: Int
        // Int.min has no positive counterpart; any step that large takes one element.
        if s > 0 { count = a < b ? (b - a - 1) / s + 1 : 0 } else { count = b < a ? (a - b - 1) / (s == Int.min ? Int.max : -s) + 1 : 0 }
        return (a, s, count)
    }

    /// The positions where a mask is true, one array per mask axis (row-major order).
    static func truePositions(_ mask: Tensor) -> [[Int]] {
        let m = mask.contiguous()
        let p = m.pointer(UInt8.self)
        let rank = m.rank, n = m.count
        var out = [[Int]](repeating: [], count: rank)
        var index = [Int](repeating: 0, count: rank)
        for k in 0..<n {
            if p[k] != 0 { for a in 0..<rank { out[a].append(index[a]) } }
            var a = rank - 1
            while a >= 0 {
                index[a] += 1
                if index[a] < m.shape[a] { break }
                index[a] = 0
                a -= 1
            }
        }
        return out
    }

    // MARK: Running the plan

    /// The basic part applied to `t` (a tensor of `sourceShape`): a view, advanced axes kept whole.
    func view(of t: Tensor) -> Tensor {
        var off = t.offset
        var shape: [Int] = [], strides: [Int] = []
        shape.reserveCapacity(steps.count)
        strides.reserveCapacity(steps.count)
        for step in steps {
            switch step {
            case .keep(let d), .advanced(let d):
                shape.append(t.shape[d]); strides.append(t.strides[d])
            case .slice(let d, let start, let s, let count):
                if count > 0 { off += start * t.strides[d] }
                // With one element the step is never taken (and a huge step could overflow).
                shape.append(count); strides.append(count > 1 ? t.strides[d] * s : t.strides[d])
            case .drop(let d, let i):
                off += i * t.strides[d]
            case .newAxis:
                shape.append(1); strides.append(0)
            }
        }
        return Tensor(storage: t.storage, dtype: t.dtype, shape: shape, strides: strides, offset: off)
    }

    /// The blocks of an advanced gather on a view: offsets of the outer (pre) positions, of each
    /// index combination, and of the elements inside one block (nil when the block is dense).
    private func blocks(_ v: Tensor) -> (pre: [Int], adv: [Int], postCount: Int, post: [Int]?) {
        let pre = StridedAssign.offsets(preDims.map { v.shape[$0] }, preDims.map { v.strides[$0] })
        let count = advancedIndices.first?.count ?? 0
        var adv = [Int](repeating: 0, count: count)
        for (k, d) in advancedDims.enumerated() {
            let s = v.strides[d]
            advancedIndices[k].withUnsafeBufferPointer { idx in
                for b in 0..<count { adv[b] &+= idx[b] &* s }
            }
        }
        let postShape = postDims.map { v.shape[$0] }, postStrides = postDims.map { v.strides[$0] }
        let postCount = Shape.count(postShape)
        var dense = true
        var expected = 1
        for i in stride(from: postShape.count - 1, through: 0, by: -1) where postShape[i] != 1 {
            if postStrides[i] != expected { dense = false; break }
            expected &*= postShape[i]
        }
        return (pre, adv, postCount, dense ? nil : StridedAssign.offsets(postShape, postStrides))
    }

    private func checkSource(_ x: Tensor, _ op: String) throws {
        guard x.shape == sourceShape else {
            throw TensorError.shapeMismatch(op, x.shape, sourceShape, "differ: the index was planned for the second shape")
        }
    }

    /// `x[items]`: a view for basic indexing, else a dense copy of the gathered elements.
    public func gather(_ x: Tensor) throws -> Tensor {
        try checkSource(x, "index")
        let v = view(of: x)
        if isView { return v }
        let out = Tensor.uncheckedEmpty(resultShape, count: Shape.count(resultShape), dtype: x.dtype)
        let plan = blocks(v)
        switch x.dtype {
        case .float32: gatherBlocks(v.pointer(Float.self), out.pointer(Float.self), plan)
        case .float64: gatherBlocks(v.pointer(Double.self), out.pointer(Double.self), plan)
        case .int64: gatherBlocks(v.pointer(Int.self), out.pointer(Int.self), plan)
        case .bool: gatherBlocks(v.pointer(UInt8.self), out.pointer(UInt8.self), plan)
        }
        return out
    }

    /// The adjoint of `gather`: a dense tensor of `sourceShape`, zero except where `g` (of
    /// `resultShape`) is added at the indexed positions. Repeated indices accumulate.
    public func scatterAdd(_ g: Tensor) throws -> Tensor {
        guard g.shape == resultShape else {
            throw TensorError.shapeMismatch("index", g.shape, resultShape, "differ: the values must have the indexed shape")
        }
        let dtype: DType = g.dtype == .bool ? .int64 : g.dtype
        let out = try Tensor.zeros(sourceShape, dtype: dtype)
        let v = view(of: out)
        let src = g.cast(to: dtype)
        if isView {
            StridedAssign.copy(src, into: v)
            return out
        }
        let dense = src.contiguous()
        let plan = blocks(v)
        switch dtype {
        case .float32: scatterBlocks(dense.pointer(Float.self), v.pointer(Float.self), plan, +)
        case .float64: scatterBlocks(dense.pointer(Double.self), v.pointer(Double.self), plan, +)
        default: scatterBlocks(dense.pointer(Int.self), v.pointer(Int.self), plan, &+)
        }
        return out
    }

    /// A copy of `x` with the indexed elements replaced by `value` (broadcast to
    /// `resultShape`, converted to `x`'s dtype). With repeated indices the last write wins.
    public func assign(_ value: Tensor, into x: Tensor) throws -> Tensor {
        try checkSource(x, "index assignment")
        let b = try Shape.broadcast(value.shape, resultShape, op: "index assignment")
        guard b == resultShape else {
            throw TensorError.shapeMismatch("index assignment", value.shape, resultShape,
                                            "do not match: a value of the first shape cannot be assigned to elements of the second")
        }
        let out = x.copied()
        let v = view(of: out)
        let src = try value.cast(to: x.dtype).expanded(to: resultShape)
        if isView {
            StridedAssign.copy(src, into: v)
            return out
        }
        let dense = src.contiguous()
        let plan = blocks(v)
        switch x.dtype {
        case .float32: scatterBlocks(dense.pointer(Float.self), v.pointer(Float.self), plan) { $1 }
        case .float64: scatterBlocks(dense.pointer(Double.self), v.pointer(Double.self), plan) { $1 }
        case .int64: scatterBlocks(dense.pointer(Int.self), v.pointer(Int.self), plan) { $1 }
        case .bool: scatterBlocks(dense.pointer(UInt8.self), v.pointer(UInt8.self), plan) { $1 }
        }
        return out
    }
}

// MARK: - Block kernels

/// `out[p, b, k] = src[pre[p] + adv[b] + post[k]]`. A dense block (the embedding lookup
/// `E[tokens]`: one row per token) is one memory copy.
private func gatherBlocks<T>(_ src: UnsafeMutablePointer<T>, _ dst: UnsafeMutablePointer<T>,
                             _ plan: (pre: [Int], adv: [Int], postCount: Int, post: [Int]?)) {
    let n = plan.postCount
    var o = 0
    plan.adv.withUnsafeBufferPointer { adv in
        for p in plan.pre {
            let base = src + p
            if let post = plan.post {
                post.withUnsafeBufferPointer { post in
                    for a in adv {
                        let s = base + a
                        for k in 0..<n { dst[o + k] = s[post[k]] }
                        o += n
                    }
                }
            } else if n == 1 {
                for a in adv { dst[o] = base[a]; o += 1 }
            } else {
                for a in adv { (dst + o).update(from: base + a, count: n); o += n }
            }
        }
    }
}

/// `dst[pre[p] + adv[b] + post[k]] = combine(old, src[p, b, k])`, in order, so repeated
/// positions accumulate (`+`) or the last one wins (`{ $1 }`).
@inline(__always)
private func scatterBlocks<T>(_ src: UnsafeMutablePointer<T>, _ dst: UnsafeMutablePointer<T>,
                              _ plan: (pre: [Int], adv: [Int], postCount: Int, post: [Int]?), _ combine: (T, T) -> T) {
    let n = plan.postCount
    var o = 0
    plan.adv.withUnsafeBufferPointer { adv in
        for p in plan.pre {
            let base = dst + p
            if let post = plan.post {
                post.withUnsafeBufferPointer { post in
                    for a in adv {
                        let d = base + a
                        for k in 0..<n { d[post[k]] = combine(d[post[k]], src[o + k]) }
                        o += n
                    }
                }
            } else {
                for a in adv {
                    let d = base + a, s = src + o
                    for k in 0..<n { d[k] = combine(d[k], s[k]) }
                    o += n
                }
            }
        }
    }
}

// MARK: - Subscripts on tensors

extension Tensor {
    /// `x[items]` with NumPy semantics (see `IndexPlan.init`). Basic indexing returns a view
    /// sharing storage; tensor indices return a copy. Errors name the shape and the bad index.
    public func subscripting(_ items: [IndexItem]) throws -> Tensor {
        try IndexPlan(items, shape: shape).gather(self)
    }

    /// `x[items] = value` as a value: a new tensor equal to this one except at the indexed
    /// elements, which take `value` (broadcast to the indexed shape). This tensor is unchanged.
    public func settingSubscript(_ items: [IndexItem], to value: Tensor) throws -> Tensor {
        try IndexPlan(items, shape: shape).assign(value, into: self)
    }

    /// Rows (or slices) at `index` along `axis`: the result has `index`'s shape in place of
    /// that axis (NumPy `take(x, index, axis)`, PyTorch `index_select` for a vector index).
    public func indexSelect(axis: Int, index: Tensor) throws -> Tensor {
        guard index.dtype == .int64 else {
            throw TensorError(.dtype, op: "index_select", "index must be an int64 tensor, got \(index.dtype)")
        }
        let ax = try Shape.axis(axis, rank: rank, op: "index_select")
        guard rank > 0 else { throw TensorError(.index, op: "index_select", "cannot index a scalar") }
        return try subscripting([IndexItem](repeating: .all, count: ax) + [.tensor(index)])
    }
}

// MARK: - Gather and scatter along an axis

extension Tensor {
    /// `out[..., k, ...] = x[..., index[..., k, ...], ...]` along `axis` (NumPy
    /// `take_along_axis`): `index` has this tensor's rank; its other axes broadcast with ours.
    /// Negative indices count from the end.
    public func takeAlongAxis(axis: Int, index: Tensor) throws -> Tensor {
        let geo = try AxisGather(shape: shape, axis: axis, index: index, op: "gather")
        let src = try expanded(to: geo.sourceShape).permuted(geo.perm)
        let outer = StridedAssign.offsets(Array(src.shape.dropLast()), Array(src.strides.dropLast()))
        let sAx = src.strides.last ?? 0
        let out = try Tensor.uninitialized(geo.perm.map { geo.indexShape[$0] }, dtype: dtype, op: "gather")
        func run<E>(_: E.Type) {
            let ps = src.pointer(E.self), po = out.pointer(E.self), K = geo.k
            geo.indices.withUnsafeBufferPointer { idx in
                for (r, base) in outer.enumerated() {
                    for k in 0..<K { po[r * K + k] = ps[base + idx[r * K + k] * sAx] }
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int.self)
        case .bool: run(UInt8.self)
        }
        return try out.permuted(geo.inverse).contiguous()
    }

    /// Zeros of `shape` with `values[..., k, ...]` added at `[..., index[..., k, ...], ...]`
    /// along `axis` (the adjoint of `takeAlongAxis(axis:index:)`; repeated indices accumulate).
    /// `index` has the rank of `shape`, its other axes equal to `shape`'s or 1; `values`
    /// broadcasts to the index's shape (with those axes expanded).
    public static func scatterAdd(shape: [Int], axis: Int, index: Tensor, values: Tensor) throws -> Tensor {
        let geo = try AxisGather(shape: shape, axis: axis, index: index, op: "scatter_add", strict: true)
        let dtype: DType = values.dtype == .bool ? .int64 : values.dtype
        let b = try Shape.broadcast(values.shape, geo.indexShape, op: "scatter_add")
        guard b == geo.indexShape else {
            throw TensorError.shapeMismatch("scatter_add", values.shape, geo.indexShape, "do not match: values must broadcast to the index's shape")
        }
        let vals = try values.cast(to: dtype).expanded(to: geo.indexShape).permuted(geo.perm).contiguous()
        let out = try Tensor.zeros(shape, dtype: dtype)
        let dst = try out.permuted(geo.perm)
        let outer = StridedAssign.offsets(Array(dst.shape.dropLast()), Array(dst.strides.dropLast()))
        let sAx = dst.strides.last ?? 0
        func run<E>(_: E.Type, _ add: (E, E) -> E) {
            let pd = dst.pointer(E.self), pv = vals.pointer(E.self), K = geo.k
            geo.indices.withUnsafeBufferPointer { idx in
                for (r, base) in outer.enumerated() {
                    for k in 0..<K {
                        let j = base + idx[r * K + k] * sAx
                        pd[j] = add(pd[j], pv[r * K + k])
                    }
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self, +)
        case .float64: run(Double.self, +)
        default: run(Int.self, &+)
        }
        return out
    }

    /// `indices` (int64, any shape) as one-hot vectors: shape `indices.shape + [classes]`.
    public static func oneHot(_ indices: Tensor, classes: Int, dtype: DType = DefaultDType.float) throws -> Tensor {
        guard indices.dtype == .int64 else {
            throw TensorError(.dtype, op: "one_hot", "indices must be an int64 tensor, got \(indices.dtype)")
        }
        guard classes >= 0 else {
            throw TensorError(.value, op: "one_hot", "the number of classes must be non-negative, got \(classes)")
        }
        let idx = indices.toInts()
        for v in idx where v < 0 || v >= classes {
            throw TensorError(.index, op: "one_hot", "index \(v) is out of range for \(classes) classes")
        }
        let out = try Tensor.zeros(indices.shape + [classes], dtype: dtype)
        let one = Tensor(scalar: 1, dtype: dtype)
        let w = dtype.byteWidth
        for (i, v) in idx.enumerated() {
            (out.storage.base + (i * classes + v) * w).copyMemory(from: one.storage.base, byteCount: w)
        }
        return out
    }
}

/// The validated geometry shared by `takeAlongAxis(axis:index:)` and `scatterAdd`: the axis moved
/// last, the index broadcast and normalized.
private struct AxisGather {
    let perm: [Int], inverse: [Int]
    /// The input shape with the other axes broadcast against the index's.
    let sourceShape: [Int]
    /// The index (and output) shape after broadcasting.
    let indexShape: [Int]
    /// Normalized indices in permuted (axis-last) row-major order.
    let indices: [Int]
    /// Length of the index along the axis.
    let k: Int

    init(shape: [Int], axis: Int, index: Tensor, op: String, strict: Bool = false) throws {
        guard index.dtype == .int64 else {
            throw TensorError(.dtype, op: op, "index must be an int64 tensor, got \(index.dtype)")
        }
        let rank = shape.count
        guard rank > 0 else { throw TensorError(.shape, op: op, "cannot \(op) along an axis of a scalar") }
        guard index.rank == rank else {
            throw TensorError.shapeMismatch(op, shape, index.shape, "have different ranks: the index must have the tensor's rank",
                                            hint: "add axes with unsqueeze, e.g. index[..., none]")
        }
        let ax = try Shape.axis(axis, rank: rank, op: op)
        var xs = shape, ishape = index.shape
        xs[ax] = 1; ishape[ax] = 1
        var b: [Int]
        if strict {
            for d in 0..<rank where d != ax && index.shape[d] != shape[d] && index.shape[d] != 1 {
                throw TensorError.shapeMismatch(op, shape, index.shape, "differ in dimension \(d) (the index's must equal it or be 1)")
            }
            b = xs
        } else {
            b = try Shape.broadcast(xs, ishape, op: op)
        }
        var src = b; src[ax] = shape[ax]
        b[ax] = index.shape[ax]
        sourceShape = src
        indexShape = b
        k = index.shape[ax]
        perm = (0..<rank).filter { $0 != ax } + [ax]
        var inv = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { inv[p] = i }
        inverse = inv
        _ = try Shape.checkedCount(b, dtype: .int64, op: op)
        _ = try Shape.checkedCount(src, dtype: .int64, op: op)
        let n = shape[ax]
        var values = try index.expanded(to: b).permuted(perm).toInts()
        for i in 0..<values.count {
            let v = values[i]
            let j = v < 0 ? v + n : v
            guard j >= 0, j < n else {
                throw TensorError(.index, op: op, "index \(v) is out of range for axis \(ax) with size \(n) (shape \(TensorError.show(shape)))")
            }
            values[i] = j
        }
        indices = values
    }
}
