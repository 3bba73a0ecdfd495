import Autodiff
import Tensors

/// Losses and normalisations used to train models.
enum NNBuiltins {
    static let table: [Builtin] = [
        Builtin("softmax", ["x", "axis=-1"], "exp(x) normalised to sum to 1 along axis", .nn) { a, _ in
            .tensor(try Autodiff.softmax(try a.variable("x"), axis: try a.int("axis")))
        },
        Builtin("log_softmax", ["x", "axis=-1"], "log of softmax, computed stably", .nn) { a, _ in
            .tensor(try Autodiff.logSoftmax(try a.variable("x"), axis: try a.int("axis")))
        },
        Builtin("cross_entropy", ["logits", "target", "axis=-1", "mask=none"],
                "mean cross-entropy of logits against integer classes (or probabilities); mask picks the positions that count", .nn) { a, _ in
            let mask = try a.optionalTensor("mask")
            return .tensor(try Autodiff.crossEntropy(try a.variable("logits"), try a.variable("target"), axis: try a.int("axis"), mask: mask))
        },
        Builtin("mse", ["pred", "target"], "mean squared error", .nn) { a, _ in
            .tensor(try Autodiff.mse(try a.variable("pred"), try a.variable("target")))
        },
        Builtin("logistic_loss", ["scores", "labels"], "mean log(1 + exp(-label·score)) for labels ±1", .nn) { a, _ in
            .tensor(try Autodiff.logisticLoss(try a.variable("scores"), try a.variable("labels")))
        },
        Builtin("layer_norm", ["x", "gain=none", "bias=none", "axis=-1", "eps=1e-5"], "normalise to zero mean and unit variance along axis, then scale and shift", .nn) { a, _ in
            .tensor(try Autodiff.layerNorm(try a.variable("x"), gain: try a.optionalVariable("gain"), bias: try a.optionalVariable("bias"),
                                           axis: try a.int("axis"), eps: try a.double("eps")))
        },
    ]
}
