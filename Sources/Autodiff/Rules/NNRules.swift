import Tensors

// Gradient rules for the neural-network ops. Each has a fused pullback (one kernel in
// Tensors/NN.swift, not a chain of primitives): these ops run on every training step, and the
// fused forms need no temporaries and are exact where composition loses precision.

/// Softmax along `axis`. Pullback: y (g - Σ g y).
public func softmax(_ x: Variable, axis: Int = -1) throws -> Variable {
    let y = try x.value.softmax(axis: axis)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    return tape.record(y, x) { g in try Tensor.softmaxBackward(output: y, grad: g, axis: axis) }
}

/// Log-softmax along `axis`. Pullback: g - softmax · Σ g.
public func logSoftmax(_ x: Variable, axis: Int = -1) throws -> Variable {
    let y = try x.value.logSoftmax(axis: axis)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    return tape.record(y, x) { g in try Tensor.logSoftmaxBackward(output: y, grad: g, axis: axis) }
}

/// Mean cross-entropy of `logits` against class indices or probabilities (see
/// `Tensor.crossEntropy` for shapes and the mask). Pullback for the logits:
/// (softmax - target) · mask / count · g; probability targets get -log_softmax · mask / count · g.
public func crossEntropy(_ logits: Variable, _ target: Variable, axis: Int = -1, mask: Tensor? = nil) throws -> Variable {
    let (loss, saved) = try Tensor.crossEntropyForward(logits.value, target.value, axis: axis, mask: mask)
    let tape = Tape.current
    let logitsTracked = tape.tracks(logits) && logits.dtype.isFloating
    let targetTracked = tape.tracks(target) && target.dtype.isFloating && target.shape == logits.shape
    guard logitsTracked || targetTracked else { return Variable(loss) }
    return tape.record(loss, logits, target) { g in
        let (dx, dt) = try Tensor.crossEntropyBackward(saved, grad: g)
        return (logitsTracked ? dx : nil, targetTracked ? dt : nil)
    }
}

/// Cross-entropy against a constant target (class indices or probabilities).
public func crossEntropy(_ logits: Variable, _ target: Tensor, axis: Int = -1, mask: Tensor? = nil) throws -> Variable {
    try crossEntropy(logits, Variable(target), axis: axis, mask: mask)
}

/// Mean squared error. Pullback: ±2 (pred - target) g / N.
public func mse(_ pred: Variable, _ target: Variable) throws -> Variable {
    let y = try Tensor.mse(pred.value, target.value)
    let tape = Tape.current
    guard tape.tracks(pred, target) else { return Variable(y) }
    let p = pred.value, t = target.value
    return tape.record(y, pred, target) { g in
        let (dp, dt) = try Tensor.mseBackward(p, t, grad: g)
        return (p.dtype.isFloating ? dp : nil, t.dtype.isFloating ? dt : nil)
    }
}

/// Logistic loss mean(log(1 + exp(-y z))) for labels y = ±1. Pullback: -y σ(-y z) g / N for the
/// scores (and -z σ(-y z) g / N for float labels).
public func logisticLoss(_ scores: Variable, _ labels: Variable) throws -> Variable {
    let y = try Tensor.logisticLoss(scores.value, labels.value)
    let tape = Tape.current
    guard tape.tracks(scores, labels) else { return Variable(y) }
    let z = scores.value, l = labels.value
    return tape.record(y, scores, labels) { g in
        let (dz, dl) = try Tensor.logisticLossBackward(z, l, grad: g)
        return (z.dtype.isFloating ? dz : nil, l.dtype.isFloating ? dl : nil)
    }
}

/// Layer normalization along `axis` with optional `gain` and `bias` of shape [n]. One fused
/// pullback gives dx = rstd (dx̂ - mean(dx̂) - x̂ mean(dx̂ x̂)), dgain = Σ g x̂ and dbias = Σ g.
public func layerNorm(_ x: Variable, gain: Variable? = nil, bias: Variable? = nil, axis: Int = -1, eps: Double = 1e-5) throws -> Variable {
    let (y, saved) = try Tensor.layerNormForward(x.value, axis: axis, eps: eps, gain: gain?.value, bias: bias?.value)
    let tape = Tape.current
    var inputs = [x]
    if let gain { inputs.append(gain) }
    if let bias { inputs.append(bias) }
    guard tape.tracks(inputs) else { return Variable(y) }
    let xFloat = x.dtype.isFloating, hasGain = gain != nil, hasBias = bias != nil
    return tape.record(y, inputs) { g in
        let (dx, dgain, dbias) = try Tensor.layerNormBackward(saved, grad: g)
        var grads: [Tensor?] = [xFloat ? dx : nil]
        if hasGain { grads.append(dgain) }
        if hasBias { grads.append(dbias) }
        return grads
    }
}
