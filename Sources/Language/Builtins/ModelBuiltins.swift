import Autodiff
import Tensors

/// Builtins about model blocks and their params (`summary`, `parameters`) and the Xavier init:
/// core language, usable with or without the experiments layer. (They are listed in help's
/// experiment family, beside the optimizers they are used with.)
enum ModelBuiltins {
    /// `summary(model)`: one line per param (shape, count, frozen or not) and the total.
    static func summary(_ model: BlockObject) throws -> String {
        let rows = try model.parameterLeaves().map { l in (l.path, TensorError.show(l.value.shape), l.value.value.count, model.isFrozen(l.path)) }
        let w0 = max(5, rows.map(\.0.count).max() ?? 0), w1 = max(5, rows.map(\.1.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        var out = "model \(model.name)\n" + pad("param", w0) + "  " + pad("shape", w1) + "  count\n"
        for r in rows { out += pad(r.0, w0) + "  " + pad(r.1, w1) + "  \(r.2)" + (r.3 ? "  (frozen)" : "") + "\n" }
        out += "total \(rows.reduce(0) { $0 + $1.2 }) parameters"
        return out
    }

    static let table: [Builtin] = [
        Builtin("summary", ["model"], "a model's params: names, shapes and counts, and the total (print(summary(m)))", .experiment) { a, _ in
            guard case .object(let o) = try a.value("model"), let m = o as? BlockObject else { throw a.typeError("model", expected: "a model") }
            return .string(try summary(m))
        },
        Builtin("parameters", ["model"], "a model's trained tensors as a record from path (`layers.0.Wq`) to tensor; len() counts them", .experiment) { a, _ in
            guard case .object(let o) = try a.value("model"), let m = o as? BlockObject else { throw a.typeError("model", expected: "a model") }
            return .record(Record(try m.parameterLeaves().map { ($0.path, .tensor($0.value)) }))
        },
        Builtin("xavier", ["shape", "gain=1"], "Glorot/Xavier uniform init: U(−a, a), a = gain·√(6/(fan_in + fan_out))", .experiment) { a, _ in
            let shape = try a.shape("shape")
            guard shape.count >= 2 else { throw a.valueError("shape", "xavier needs a shape with at least two dimensions, got \(shape)") }
            // Fans in Double: Int products of a zero-size shape's other dimensions can overflow
            // (and trap). For any shape that can be allocated they are below 2^53, so exact.
            let receptive = shape.dropFirst(2).reduce(1.0) { $0 * Double($1) }
            let fanIn = Double(shape[1]) * receptive, fanOut = Double(shape[0]) * receptive
            let bound = try a.double("gain") * (6.0 / Swift.max(fanIn + fanOut, 1)).squareRoot()
            return .tensor(Variable(try Tensor.uniform(shape, low: -bound, high: bound)))
        },
    ]
}
