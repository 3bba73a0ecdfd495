import Autodiff
import Tensors

/// Sorting along an axis. Stable; NaN counts as the largest value (last ascending, as NumPy).
/// `sort` and `topk` values are differentiable: the gradient goes back to the chosen positions.
enum SortBuiltins {
    static let table: [Builtin] = [
        Builtin("sort", ["x", "axis=-1", "descending=false"],
                "x sorted along axis (stable; NaN last ascending, first descending); differentiable", .reduction) { a, _ in
            let x = try a.variable("x")
            let axis = try checkedAxis(a, x)
            return .tensor(try Autodiff.sort(x, axis: axis, descending: try a.bool("descending")).values)
        },
        Builtin("argsort", ["x", "axis=-1", "descending=false"],
                "int64 indices that sort x along axis (stable: equal values keep their order)", .reduction) { a, _ in
            let x = try a.variable("x")
            let axis = try checkedAxis(a, x)
            return .tensor(try Autodiff.argsort(x, axis: axis, descending: try a.bool("descending")))
        },
        Builtin("topk", ["x", "k", "axis=-1", "largest=true"],
                "(values, indices) of the k largest along axis, largest first (smallest with largest: false), as torch.topk; values differentiable", .reduction) { a, _ in
            let x = try a.variable("x")
            let axis = try checkedAxis(a, x)
            let k = try a.int("k")
            let n = x.shape[try Shape.axis(axis, rank: x.rank, op: "topk")]
            guard k >= 0, k <= n else {
                throw a.valueError("k", "k must be between 0 and \(n) (the size of axis \(axis)), got \(k)")
            }
            let (values, indices) = try Autodiff.topk(x, k, axis: axis, largest: try a.bool("largest"))
            return .list([.tensor(values), .tensor(indices)])
        },
    ]

    /// Parameter `axis` as an axis of `x`, checked here so that a scalar or an axis out of
    /// range points at the argument at fault.
    static func checkedAxis(_ a: BoundArguments, _ x: Variable) throws -> Int {
        guard x.rank >= 1 else {
            throw a.valueError("x", "needs a tensor with at least one axis, got a scalar")
        }
        let axis = try a.int("axis")
        guard axis >= -x.rank, axis < x.rank else {
            throw a.valueError("axis", "axis \(axis) is out of range for a tensor of rank \(x.rank)")
        }
        return axis
    }
}
