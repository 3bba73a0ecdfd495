// PyTorch's default layer initializations, with its formulas evaluated in the same order in
// double precision, so the bounds are PyTorch's to the last bit (the draws themselves come
// from exp's generator, so the numbers are not PyTorch's, only their distribution).

/// The nonlinearities `torch.nn.init.calculate_gain` knows that a Kaiming init can be for.
public enum InitNonlinearity: String, CaseIterable, Sendable {
    case leakyRelu = "leaky_relu", relu, linear, tanh, sigmoid

    /// The recommended gain: √(2 / (1 + a²)) for leaky ReLU with negative slope `a`, √2 for
    /// ReLU, 5/3 for tanh, 1 for linear and sigmoid (`torch.nn.init.calculate_gain`).
    public func gain(negativeSlope a: Double) -> Double {
        switch self {
        case .leakyRelu: return (2.0 / (1 + a * a)).squareRoot()
        case .relu: return 2.0.squareRoot()
        case .tanh: return 5.0 / 3
        case .linear, .sigmoid: return 1
        }
    }
}

extension Tensor {
    /// `torch.nn.init.kaiming_uniform_` in mode `fan_in`: U(−bound, bound) with
    /// bound = √3 · gain / √fan_in, gain from `nonlinearity` and the negative slope `a`.
    /// `kaimingUniform(shape, fanIn: n, a: √5)` is the weight init of PyTorch's `nn.Linear`
    /// and `nn.Conv*`: U(−1/√n, 1/√n). A zero-size shape gives an empty tensor (PyTorch leaves
    /// those untouched); otherwise `fanIn` must be positive.
    public static func kaimingUniform(_ shape: [Int], fanIn: Int, a: Double = 0, nonlinearity: InitNonlinearity = .leakyRelu,
                                      dtype: DType = DefaultDType.float, generator: RandomGenerator = .current) throws -> Tensor {
        let op = "kaiming_uniform"
        try requireFloat(dtype, op: op)
        guard a.isFinite else { throw TensorError(.value, op: op, "needs a finite negative slope a, got \(a)") }
        if try Shape.checkedCount(shape, dtype: dtype, op: op) == 0 { return try zeros(shape, dtype: dtype) }
        guard fanIn > 0 else { throw TensorError(.value, op: op, "needs a positive fan_in, got \(fanIn)") }
        let bound = kaimingUniformBound(fanIn: fanIn, a: a, nonlinearity: nonlinearity)
        return try uniform(shape, low: -bound, high: bound, dtype: dtype, generator: generator)
    }

    /// The bound of `kaimingUniform`, evaluated as PyTorch does (std = gain / math.sqrt(fan);
    /// bound = math.sqrt(3.0) * std), so it is PyTorch's double: for nn.Linear(4, ·) that is
    /// 0.49999999999999994, not 0.5. `fanIn` must be positive.
    public static func kaimingUniformBound(fanIn: Int, a: Double = 0, nonlinearity: InitNonlinearity = .leakyRelu) -> Double {
        let std = nonlinearity.gain(negativeSlope: a) / Double(fanIn).squareRoot()
        return 3.0.squareRoot() * std
    }

    /// The bias init of PyTorch's `nn.Linear(fanIn, ...)`: U(−1/√fan_in, 1/√fan_in), zeros when
    /// fan_in is 0 (PyTorch's bound is 0 then).
    public static func linearBias(_ shape: [Int], fanIn: Int, dtype: DType = DefaultDType.float,
                                  generator: RandomGenerator = .current) throws -> Tensor {
        let op = "linear"
        try requireFloat(dtype, op: op)
        guard fanIn >= 0 else { throw TensorError(.value, op: op, "needs fan_in >= 0, got \(fanIn)") }
        if try Shape.checkedCount(shape, dtype: dtype, op: op) == 0 || fanIn == 0 { return try zeros(shape, dtype: dtype) }
        // PyTorch: bound = 1 / math.sqrt(fan_in).
        let bound = 1 / Double(fanIn).squareRoot()
        return try uniform(shape, low: -bound, high: bound, dtype: dtype, generator: generator)
    }

    private static func requireFloat(_ dtype: DType, op: String) throws {
        guard dtype.isFloating else {
            throw TensorError(.dtype, op: op, "makes float tensors; \(dtype) was asked for", hint: "use float32 or float64")
        }
    }
}
