import Autodiff
import Tensors

/// Linear algebra on the last two axes (batched over leading ones), with gradients.
enum LinalgBuiltins {
    static let table: [Builtin] = [
        Builtin("solve", ["a", "b"], "x with a @ x = b", .linalg) { a, _ in
            .tensor(try Autodiff.solve(try a.variable("a"), try a.variable("b")))
        },
        Builtin("inv", ["a"], "the inverse matrix", .linalg) { a, _ in .tensor(try Autodiff.inv(try a.variable("a"))) },
        Builtin("det", ["a"], "the determinant", .linalg) { a, _ in .tensor(try Autodiff.det(try a.variable("a"))) },
        Builtin("logdet", ["a"], "log of the determinant (positive-determinant matrices)", .linalg) { a, _ in
            .tensor(try Autodiff.logdet(try a.variable("a")))
        },
        Builtin("slogdet", ["a"], "(sign, log|det|) of the determinant", .linalg) { a, _ in
            let (s, l) = try Autodiff.slogdet(try a.variable("a"))
            return .list([.tensor(s), .tensor(l)])
        },
        Builtin("eigh", ["a"], "(eigenvalues ascending, eigenvectors as columns) of a symmetric matrix", .linalg) { a, _ in
            let (w, v) = try Autodiff.eigh(try a.variable("a"))
            return .list([.tensor(w), .tensor(v)])
        },
        Builtin("svd", ["a"], "(u, s, vt) with a = u @ diag(s) @ vt", .linalg) { a, _ in
            let (u, s, vt) = try Autodiff.svd(try a.variable("a"))
            return .list([.tensor(u), .tensor(s), .tensor(vt)])
        },
        Builtin("qr", ["a"], "(q, r) with q orthonormal columns and r upper triangular", .linalg) { a, _ in
            let (q, r) = try Autodiff.qr(try a.variable("a"))
            return .list([.tensor(q), .tensor(r)])
        },
        Builtin("lstsq", ["a", "b", "rcond=none"], "the least-squares solution of a @ x ≈ b", .linalg) { a, _ in
            .tensor(try Autodiff.lstsq(try a.variable("a"), try a.variable("b"), rcond: try a.optionalDouble("rcond")))
        },
        Builtin("pinv", ["a", "rcond=none"], "the Moore–Penrose pseudo-inverse (no gradient)", .linalg) { a, _ in
            .tensor(try Tensor.pinv(try a.tensor("a"), rcond: try a.optionalDouble("rcond")))
        },
    ]
}
