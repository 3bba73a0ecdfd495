import Autodiff
import Tensors

/// Reshaping, joining, slicing and structural ops.
enum ShapeBuiltins {
    static let table: [Builtin] = [
        Builtin("reshape", ["x", "shape"], "x with a new shape (one -1 is inferred)", .shape) { a, _ in
            .tensor(try Autodiff.reshape(try a.variable("x"), try a.shape("shape")))
        },
        Builtin("transpose", ["x", "a=-2", "b=-1"], "x with axes a and b swapped (the last two by default)", .shape) { a, _ in
            let x = try a.variable("x")
            if !a.given("a") && !a.given("b") { return .tensor(Autodiff.matrixTranspose(x)) }
            return .tensor(try Autodiff.transpose(x, try a.int("a"), try a.int("b")))
        },
        Builtin("permute", ["x", "axes"], "x with its axes reordered", .shape) { a, _ in
            .tensor(try Autodiff.permute(try a.variable("x"), try a.shape("axes")))
        },
        Builtin("expand", ["x", "shape"], "x broadcast to a larger shape", .shape) { a, _ in
            .tensor(try Autodiff.expand(try a.variable("x"), to: try a.shape("shape")))
        },
        Builtin("squeeze", ["x", "axis=none"], "x without its size-1 axes (or just `axis`)", .shape) { a, _ in
            .tensor(try Autodiff.squeeze(try a.variable("x"), axes: try a.axes("axis")))
        },
        Builtin("unsqueeze", ["x", "axis"], "x with a new size-1 axis at `axis`", .shape) { a, _ in
            .tensor(try Autodiff.unsqueeze(try a.variable("x"), axis: try a.int("axis")))
        },
        Builtin("flatten", ["x", "start=0", "end=-1"], "x with axes start..end merged into one", .shape) { a, _ in
            .tensor(try Autodiff.flatten(try a.variable("x"), from: try a.int("start"), to: try a.int("end")))
        },
        Builtin("concat", ["xs", "axis=0"], "tensors joined along an existing axis", .shape) { a, _ in
            .tensor(try Autodiff.concat(try variables(a, "xs"), axis: try a.int("axis")))
        },
        Builtin("stack", ["xs", "axis=0"], "tensors of one shape joined along a new axis", .shape) { a, _ in
            .tensor(try Autodiff.stack(try variables(a, "xs"), axis: try a.int("axis")))
        },
        Builtin("split", ["x", "sections", "axis=0"], "x cut into `sections` equal parts, or parts of the given sizes", .shape) { a, _ in
            let x = try a.variable("x"), axis = try a.int("axis")
            let v = try a.value("sections")
            let parts: [Variable]
            if case .int(let n) = v {
                guard n > 0 else { throw a.valueError("sections", "sections must be positive, got \(n)") }
                parts = try Autodiff.split(x, count: n, axis: axis)
            } else {
                parts = try Autodiff.split(x, sizes: try a.shape("sections"), axis: axis)
            }
            return .list(parts.map { .tensor($0) })
        },
        Builtin("flip", ["x", "axis=none"], "x reversed along `axis` (all axes by default)", .shape) { a, _ in
            .tensor(try Autodiff.flip(try a.variable("x"), axes: try a.axes("axis")))
        },
        Builtin("roll", ["x", "shift", "axis=none"], "x shifted cyclically by `shift` along `axis` (flattened by default)", .shape) { a, _ in
            .tensor(try Autodiff.roll(try a.variable("x"), shift: try a.int("shift"), axis: try a.optionalInt("axis")))
        },
        Builtin("repeat", ["x", "count", "axis=none"], "each element repeated `count` times along `axis`", .shape) { a, _ in
            let n = try a.int("count")
            guard n >= 0 else { throw a.valueError("count", "count must be non-negative, got \(n)") }
            return .tensor(try Autodiff.repeatElements(try a.variable("x"), n, axis: try a.optionalInt("axis")))
        },
        Builtin("tile", ["x", "reps"], "x repeated `reps` times along each axis", .shape) { a, _ in
            .tensor(try Autodiff.tile(try a.variable("x"), try a.shape("reps")))
        },
        Builtin("tril", ["x", "diagonal=0"], "the lower triangle of x (zeros above `diagonal`)", .shape) { a, _ in
            .tensor(try Autodiff.tril(try a.variable("x"), diagonal: try a.int("diagonal")))
        },
        Builtin("triu", ["x", "diagonal=0"], "the upper triangle of x (zeros below `diagonal`)", .shape) { a, _ in
            .tensor(try Autodiff.triu(try a.variable("x"), diagonal: try a.int("diagonal")))
        },
        Builtin("causal_mask", ["n"], "the n×n boolean mask, true where key j <= query i", .shape) { a, _ in
            .tensor(try Tensor.causalMask(try a.int("n")))
        },
        Builtin("masked_fill", ["x", "mask", "value"], "x with `value` wherever mask is true", .shape) { a, _ in
            .tensor(try Autodiff.maskedFill(try a.variable("x"), mask: try a.tensor("mask"), value: try a.double("value")))
        },
        Builtin("one_hot", ["indices", "classes", "dtype=none"], "one-hot rows: [..., classes] with a 1 at each index", .shape) { a, _ in
            let c = try a.int("classes")
            guard c > 0 else { throw a.valueError("classes", "classes must be positive, got \(c)") }
            return .tensor(try Tensor.oneHot(try a.tensor("indices"), classes: c, dtype: try a.dtype("dtype") ?? DefaultDType.float))
        },
        Builtin("gather", ["x", "axis", "index"], "out[..., k, ...] = x[..., index[..., k, ...], ...] along axis (take_along_axis)", .shape) { a, _ in
            .tensor(try Autodiff.gather(try a.variable("x"), axis: try a.int("axis"), index: try a.tensor("index")))
        },
        Builtin("index_select", ["x", "axis", "index"], "the slices at `index` along axis", .shape) { a, _ in
            .tensor(try Autodiff.indexSelect(try a.variable("x"), axis: try a.int("axis"), index: try a.tensor("index")))
        },
        Builtin("scatter_add", ["shape", "axis", "index", "values"], "zeros of `shape` with values added at index along axis", .shape) { a, _ in
            .tensor(try Autodiff.scatterAdd(shape: try a.shape("shape"), axis: try a.int("axis"), index: try a.tensor("index"), values: try a.variable("values")))
        },
        Builtin("diag", ["x", "offset=0"], "the diagonal of a matrix, or a diagonal matrix from a vector", .shape) { a, _ in
            .tensor(try Autodiff.diag(try a.variable("x"), offset: try a.int("offset")))
        },
        Builtin("trace", ["x"], "the sum of a matrix's diagonal", .shape) { a, _ in
            .tensor(try Autodiff.trace(try a.variable("x")))
        },
        Builtin("outer", ["a", "b"], "the outer product of two vectors", .shape) { a, _ in
            .tensor(try Autodiff.outer(try a.variable("a"), try a.variable("b")))
        },
        Builtin("matmul", ["a", "b"], "matrix product with NumPy semantics (same as a @ b)", .shape) { a, _ in
            .tensor(try Autodiff.matmul(try a.variable("a"), try a.variable("b")))
        },
    ]

    static func variables(_ a: BoundArguments, _ name: String) throws -> [Variable] {
        let xs = try a.list(name)
        guard !xs.isEmpty else { throw a.valueError(name, "needs at least one tensor") }
        return try xs.map { try Convert.variable($0) }
    }
}
