import Autodiff
import Tensors

/// Tensor operations the evaluator and several builtin families share, on `Variable`s so
/// gradients flow wherever the core has a rule.
package enum TensorOps {
    /// A differentiable dtype conversion (Autodiff's rule: gradients flow between float types).
    static func cast(_ x: Variable, _ d: DType) throws -> Variable {
        try Autodiff.cast(x, to: d)
    }

    static func stack(_ xs: [Variable], axis: Int) throws -> Variable {
        try Autodiff.stack(xs, axis: axis)
    }

    /// `.T`: the last two axes swapped (vectors unchanged).
    static func transpose(_ x: Variable) throws -> Variable {
        Autodiff.matrixTranspose(x)
    }

    /// Row `i` along the first axis (negative counts from the end).
    static func select(_ x: Variable, _ i: Int) throws -> Variable {
        try index(x, [.index(i)])
    }

    /// `x[items]`, differentiable.
    package static func index(_ x: Variable, _ items: [Tensors.IndexItem]) throws -> Variable {
        try Autodiff.subscripting(x, items)
    }

    /// `x[items] = v` as a new value, differentiable in both.
    static func setIndex(_ x: Variable, _ items: [Tensors.IndexItem], _ v: Variable) throws -> Variable {
        try Autodiff.settingSubscript(x, items, to: v)
    }

    /// `a ** b`: squares stay exact; ints raised to ints give floats (as the core does).
    static func power(_ a: Variable, _ b: Variable) throws -> Variable {
        // item() of a rank-0 tensor cannot fail; this only picks the exact path for x ** 2.
        if b.rank == 0, !b.isTracked, let e = try? b.value.item(), e == 2, a.dtype.isFloating {
            return try Autodiff.unary(.square, a)
        }
        return try Autodiff.pow(a, b)
    }

    /// A tensor as nested lists of script numbers.
    static func toList(_ t: Tensor) -> Value {
        let flat: [Value]
        switch t.dtype {
        case .int64: flat = t.toInts().map { .int($0) }
        case .bool: flat = t.toDoubles().map { .bool($0 != 0) }
        default: flat = t.toDoubles().map { .float($0) }
        }
        if t.rank == 0 { return flat.first ?? .none }
        func build(_ axis: Int, _ offset: Int) -> Value {
            let n = t.shape[axis]
            if axis == t.rank - 1 { return .list(Array(flat[offset..<(offset + n)])) }
            let stride = Shape.count(Array(t.shape[(axis + 1)...]))
            return .list((0..<n).map { build(axis + 1, offset + $0 * stride) })
        }
        return build(0, 0)
    }
}
