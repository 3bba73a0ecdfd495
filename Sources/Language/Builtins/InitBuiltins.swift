import Autodiff
import Tensors

/// PyTorch's default layer initializations, in exp's `x @ W` convention: a weight is
/// [in, out], the transpose of PyTorch's [out, in], so its fan-in is the second-to-last axis.
enum InitBuiltins {
    static let table: [Builtin] = [
        Builtin("kaiming_uniform", ["shape", "a=0", "fan_in=none", "nonlinearity=\"leaky_relu\"", "dtype=none"],
                "torch.nn.init.kaiming_uniform_ (fan_in mode): U(−b, b), b = gain·√(3/fan_in); fan_in defaults to shape[-2] (the axis x @ W sums over); a: sqrt(5) is nn.Linear's", .nn) { a, _ in
            let shape = try a.shape("shape")
            let slope = try a.double("a")
            guard slope.isFinite else { throw a.valueError("a", "a (the negative slope) must be finite, got \(Format.float(slope))") }
            let fanIn: Int
            if a.given("fan_in") {
                fanIn = try a.int("fan_in")
                guard fanIn > 0 else { throw a.valueError("fan_in", "fan_in must be positive, got \(fanIn)") }
            } else {
                guard shape.count >= 2 else {
                    throw a.valueError("shape", "needs a shape with at least two axes to find fan_in, got \(TensorError.show(shape))",
                                       hint: "pass fan_in: for a vector (a bias) or a scalar")
                }
                fanIn = shape[shape.count - 2]
            }
            let name = try a.string("nonlinearity")
            guard let nonlinearity = InitNonlinearity(rawValue: name) else {
                let names = InitNonlinearity.allCases.map(\.rawValue)
                throw a.valueError("nonlinearity", "unknown nonlinearity \"\(name)\"",
                                   hint: DidYouMean.hint(for: name, in: names) ?? "use one of " + names.joined(separator: ", "))
            }
            return .tensor(try a.blaming("shape") {
                try Tensor.kaimingUniform(shape, fanIn: fanIn, a: slope, nonlinearity: nonlinearity, dtype: try a.dtype("dtype") ?? DefaultDType.float)
            })
        },
        Builtin("linear", ["in_features", "out_features", "bias=true", "dtype=none"],
                "a linear layer's params as torch.nn.Linear(in_features, out_features) initializes them: {W: [in, out] (PyTorch's weight transposed, for x @ W), b: [out]}, both U(−1/√in, 1/√in)", .nn) { a, _ in
            let fanIn = try a.int("in_features"), out = try a.int("out_features")
            guard fanIn >= 0 else { throw a.valueError("in_features", "in_features must be non-negative, got \(fanIn)") }
            guard out >= 0 else { throw a.valueError("out_features", "out_features must be non-negative, got \(out)") }
            let dtype = try a.dtype("dtype") ?? DefaultDType.float
            _ = try a.blaming("in_features") { try Shape.checkedCount([fanIn, out], dtype: dtype, op: "linear") }
            // nn.Linear: kaiming_uniform_(weight, a=math.sqrt(5)), then the bias; W first here too.
            let w = try a.blaming("in_features") { try Tensor.kaimingUniform([fanIn, out], fanIn: fanIn, a: 5.0.squareRoot(), dtype: dtype) }
            var fields: [(String, Value)] = [("W", .tensor(w))]
            if try a.bool("bias") {
                fields.append(("b", .tensor(try a.blaming("out_features") { try Tensor.linearBias([out], fanIn: fanIn, dtype: dtype) })))
            }
            return .record(Record(fields))
        },
    ]
}
