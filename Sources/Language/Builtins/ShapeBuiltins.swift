import Autodiff
import Tensors

/// Reshaping, joining, slicing and structural ops.
enum ShapeBuiltins {
    static let table: [Builtin] = [
        Builtin("reshape", ["x", "shape"], "x with a new shape (one -1 is inferred)", .shape) { a, _ in
            .tensor(try Autodiff.reshape(try a.variable(0), try a.shape(1)))
        },
        Builtin("transpose", ["x", "a=-2", "b=-1"], "x with axes a and b swapped (the last two by default)", .shape) { a, _ in
            let x = try a.variable(0)
            if !a.has(1) && !a.has(2) { return .tensor(Autodiff.matrixTranspose(x)) }
            return .tensor(try Autodiff.transpose(x, try a.int(1, default: -2), try a.int(2, default: -1)))
        },
        Builtin("permute", ["x", "axes"], "x with its axes reordered", .shape) { a, _ in
            .tensor(try Autodiff.permute(try a.variable(0), try a.shape(1)))
        },
        Builtin("expand", ["x", "shape"], "x broadcast to a larger shape", .shape) { a, _ in
            .tensor(try Autodiff.expand(try a.variable(0), to: try a.shape(1)))
        },
        Builtin("squeeze", ["x", "axis=none"], "x without its size-1 axes (or just `axis`)", .shape) { a, _ in
            .tensor(try Autodiff.squeeze(try a.variable(0), axes: try a.axes(1)))
        },
        Builtin("unsqueeze", ["x", "axis"], "x with a new size-1 axis at `axis`", .shape) { a, _ in
            .tensor(try Autodiff.unsqueeze(try a.variable(0), axis: try a.int(1)))
        },
        Builtin("flatten", ["x", "start=0", "end=-1"], "x with axes start..end merged into one", .shape) { a, _ in
            .tensor(try Autodiff.flatten(try a.variable(0), from: try a.int(1, default: 0), to: try a.int(2, default: -1)))
        },
        Builtin("concat", ["xs", "axis=0"], "tensors joined along an existing axis", .shape) { a, _ in
            .tensor(try Autodiff.concat(try variables(a, 0), axis: try a.int(1, default: 0)))
        },
        Builtin("stack", ["xs", "axis=0"], "tensors of one shape joined along a new axis", .shape) { a, _ in
            .tensor(try Autodiff.stack(try variables(a, 0), axis: try a.int(1, default: 0)))
        },
        Builtin("split", ["x", "sections", "axis=0"], "x cut into `sections` equal parts, or parts of the given sizes", .shape) { a, _ in
            let x = try a.variable(0), axis = try a.int(2, default: 0)
            let v = try a.value(1)
            let parts: [Variable]
            if case .int(let n) = v {
                guard n > 0 else { throw a.valueError(1, "sections must be positive, got \(n)") }
                parts = try Autodiff.split(x, count: n, axis: axis)
            } else {
                parts = try Autodiff.split(x, sizes: try a.shape(1), axis: axis)
            }
            return .list(parts.map { .tensor($0) })
        },
        Builtin("flip", ["x", "axis=none"], "x reversed along `axis` (all axes by default)", .shape) { a, _ in
            .tensor(try Autodiff.flip(try a.variable(0), axes: try a.axes(1)))
        },
        Builtin("roll", ["x", "shift", "axis=none"], "x shifted cyclically by `shift` along `axis` (flattened by default)", .shape) { a, _ in
            .tensor(try Autodiff.roll(try a.variable(0), shift: try a.int(1), axis: try a.optionalInt(2)))
        },
        Builtin("repeat", ["x", "count", "axis=none"], "each element repeated `count` times along `axis`", .shape) { a, _ in
            let n = try a.int(1)
            guard n >= 0 else { throw a.valueError(1, "count must be non-negative, got \(n)") }
            return .tensor(try Autodiff.repeatElements(try a.variable(0), n, axis: try a.optionalInt(2)))
        },
        Builtin("tile", ["x", "reps"], "x repeated `reps` times along each axis", .shape) { a, _ in
            .tensor(try Autodiff.tile(try a.variable(0), try a.shape(1)))
        },
        Builtin("tril", ["x", "diagonal=0"], "the lower triangle of x (zeros above `diagonal`)", .shape) { a, _ in
            .tensor(try Autodiff.tril(try a.variable(0), diagonal: try a.int(1, default: 0)))
        },
        Builtin("triu", ["x", "diagonal=0"], "the upper triangle of x (zeros below `diagonal`)", .shape) { a, _ in
            .tensor(try Autodiff.triu(try a.variable(0), diagonal: try a.int(1, default: 0)))
        },
        Builtin("causal_mask", ["n"], "the n×n boolean mask, true where key j <= query i", .shape) { a, _ in
            .tensor(try Tensor.causalMask(try a.int(0)))
        },
        Builtin("masked_fill", ["x", "mask", "value"], "x with `value` wherever mask is true", .shape) { a, _ in
            .tensor(try Autodiff.maskedFill(try a.variable(0), mask: try a.tensor(1), value: try a.double(2)))
        },
        Builtin("one_hot", ["indices", "classes", "dtype=none"], "one-hot rows: [..., classes] with a 1 at each index", .shape) { a, _ in
            let c = try a.int(1)
            guard c > 0 else { throw a.valueError(1, "classes must be positive, got \(c)") }
            return .tensor(try Tensor.oneHot(try a.tensor(0), classes: c, dtype: try a.dtype(2) ?? DefaultDType.float))
        },
        Builtin("gather", ["x", "axis", "index"], "out[..., k, ...] = x[..., index[..., k, ...], ...] along axis (take_along_axis)", .shape) { a, _ in
            .tensor(try Autodiff.gather(try a.variable(0), axis: try a.int(1), index: try a.tensor(2)))
        },
        Builtin("index_select", ["x", "axis", "index"], "the slices at `index` along axis", .shape) { a, _ in
            .tensor(try Autodiff.indexSelect(try a.variable(0), axis: try a.int(1), index: try a.tensor(2)))
        },
        Builtin("scatter_add", ["shape", "axis", "index", "values"], "zeros of `shape` with values added at index along axis", .shape) { a, _ in
            .tensor(try Autodiff.scatterAdd(shape: try a.shape(0), axis: try a.int(1), index: try a.tensor(2), values: try a.variable(3)))
        },
        Builtin("diag", ["x", "offset=0"], "the diagonal of a matrix, or a diagonal matrix from a vector", .shape) { a, _ in
            .tensor(try Autodiff.diag(try a.variable(0), offset: try a.int(1, default: 0)))
        },
        Builtin("trace", ["x"], "the sum of a matrix's diagonal", .shape) { a, _ in
            .tensor(try Autodiff.trace(try a.variable(0)))
        },
        Builtin("outer", ["a", "b"], "the outer product of two vectors", .shape) { a, _ in
            .tensor(try Autodiff.outer(try a.variable(0), try a.variable(1)))
        },
        Builtin("matmul", ["a", "b"], "matrix product with NumPy semantics (same as a @ b)", .shape) { a, _ in
            .tensor(try Autodiff.matmul(try a.variable(0), try a.variable(1)))
        },
    ]

    static func variables(_ a: BoundArguments, _ i: Int) throws -> [Variable] {
        let xs = try a.list(i)
        guard !xs.isEmpty else { throw a.valueError(i, "needs at least one tensor") }
        return try xs.map { try Convert.variable($0) }
    }
}
