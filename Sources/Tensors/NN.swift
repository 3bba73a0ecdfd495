import RealModule

// Neural-network ops: softmax, log-softmax, cross-entropy, mse, logistic loss and layer norm,
// each with the kernel of its vector-Jacobian product beside it (the autodiff rules call those
// instead of composing primitives: one pass, no temporaries).
//
// Every op here works along one axis of a dense `[outer, n, inner]` layout (`AxisSplit`). A
// "line" is the n elements one position sees, `stride` apart; over the last axis the stride is
// 1, so the common case walks contiguous memory with no permute copy.

// MARK: - Line driver

extension AxisSplit {
    /// Calls `body(start, stride, position)` once per line. Inlined, so `body` is the loop.
    @inline(__always)
    func forEachLine(_ body: (Int, Int, Int) -> Void) {
        if inner == 1 {
            for b in 0..<outer { body(b * n, 1, b) }
        } else {
            for b in 0..<outer {
                for i in 0..<inner { body(b * n * inner + i, inner, b * inner + i) }
            }
        }
    }

    /// `forEachLine` for kernels whose lines share no state: over the last axis (where lines
    /// need no scratch) large tensors are split over the cores by lines.
    @inline(__always)
    func forEachIndependentLine(_ body: (Int, Int, Int) -> Void) {
        guard inner == 1 else { return forEachLine(body) }
        Parallel.forEachRange(outer, minimumPerThread: Swift.max(1, RowWalk.minimumElementsPerThread / Swift.max(n, 1))) { range in
            for b in range { body(b * n, 1, b) }
        }
    }

    var positions: Int { outer * inner }

    /// Runs `body` with `slots` scratch lines of n elements each. Kernels work on dense lines:
    /// over the last axis they read and write the tensor in place; over another axis each line
    /// is gathered into scratch first (`gather`) and written back after (`scatter`), so one
    /// dense kernel serves every axis. Scratch is allocated once per call, not per line.
    /// Kernels that also need scratch for dense lines pass `always`.
    @inline(__always)
    func withScratch<T, R>(_: T.Type, slots: Int, always: Bool = false, _ body: (UnsafeMutablePointer<T>) throws -> R) rethrows -> R {
        let capacity = inner == 1 && !always ? 1 : Swift.max(1, n * slots)
        return try withUnsafeTemporaryAllocation(of: T.self, capacity: capacity) { buf in
            try body(buf.baseAddress!)
        }
    }
}

/// The line of `n` elements at `p` with stride `s`, as a dense pointer: `p` itself when the
/// stride is 1, else a copy in `scratch`.
@inline(__always)
func gather<T>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ s: Int, _ scratch: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
    if s == 1 { return p }
    for k in 0..<n { scratch[k] = p[k * s] }
    return scratch
}

/// Where a kernel writes an output line: in place when the stride is 1, else `scratch`
/// (then `scatter` copies it out).
@inline(__always)
func outputLine<T>(_ p: UnsafeMutablePointer<T>, _ s: Int, _ scratch: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
    s == 1 ? p : scratch
}

@inline(__always)
func scatter<T>(_ line: UnsafeMutablePointer<T>, to p: UnsafeMutablePointer<T>, _ n: Int, _ s: Int) {
    if s == 1 { return }
    for k in 0..<n { p[k * s] = line[k] }
}

/// The float dtype for an op on these inputs (promoted, ints become the default float).
func floatDType(_ a: DType, _ b: DType) -> DType {
    let d = DType.promote(a, b)
    return d.isFloating ? d : DefaultDType.float
}

// MARK: - Softmax and log-softmax

/// Softmax (or log-softmax) of one dense line.
@inline(__always)
func softmaxDense<T: FloatElement>(_ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, log: Bool) {
    let m = denseMax(x, n)
    if log {
        let lse = m + T.log(denseShiftedExp(x, n, minus: m, into: nil))
        for k in 0..<n { y[k] = x[k] - lse }
    } else {
        let inv = 1 / denseShiftedExp(x, n, minus: m, into: y)
        for k in 0..<n { y[k] *= inv }
    }
}

extension Tensor {
    /// exp(x) / sum(exp(x)) along `axis`, computed with the maximum subtracted so large
    /// logits do not overflow. Each line sums to 1. Integer inputs give the default float.
    public func softmax(axis: Int = -1) throws -> Tensor {
        try softmaxForward(axis: axis, log: false, op: "softmax")
    }

    /// log(softmax(x)) along `axis`, computed as x - logsumexp(x) (stable, no log of 0).
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        try softmaxForward(axis: axis, log: true, op: "log_softmax")
    }

    private func softmaxForward(axis: Int, log: Bool, op: String) throws -> Tensor {
        let split = try AxisSplit(shape, axis: axis, op: op)
        let x = asFloat().contiguous()
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: x.dtype)
        func run<T: FloatElement>(_: T.Type) {
            let p = x.pointer(T.self), o = out.pointer(T.self)
            let n = split.n
            split.withScratch(T.self, slots: 2) { buf in
                split.forEachIndependentLine { start, s, _ in
                    let ol = outputLine(o + start, s, buf + n)
                    softmaxDense(gather(p + start, n, s, buf), ol, n, log: log)
                    scatter(ol, to: o + start, n, s)
                }
            }
        }
        if x.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// The gradient of softmax given its output `y` and the upstream gradient `g`:
    /// y * (g - sum(g * y)) along `axis`.
    public static func softmaxBackward(output y: Tensor, grad g: Tensor, axis: Int) throws -> Tensor {
        try softmaxGradient(y, g, axis: axis, log: false)
    }

    /// The gradient of log-softmax given its output `y` and the upstream gradient `g`:
    /// g - exp(y) * sum(g) along `axis`.
    public static func logSoftmaxBackward(output y: Tensor, grad g: Tensor, axis: Int) throws -> Tensor {
        try softmaxGradient(y, g, axis: axis, log: true)
    }

    private static func softmaxGradient(_ yIn: Tensor, _ gIn: Tensor, axis: Int, log: Bool) throws -> Tensor {
        let op = log ? "log_softmax" : "softmax"
        guard yIn.shape == gIn.shape else {
            throw TensorError.shapeMismatch(op, yIn.shape, gIn.shape, "differ: the gradient must have the output's shape")
        }
        let split = try AxisSplit(yIn.shape, axis: axis, op: op)
        let y = yIn.asFloat().contiguous(), g = gIn.cast(to: y.dtype).contiguous()
        let out = Tensor.uncheckedEmpty(y.shape, count: y.count, dtype: y.dtype)
        func run<T: FloatElement>(_: T.Type) {
            let py = y.pointer(T.self), pg = g.pointer(T.self), po = out.pointer(T.self)
            let n = split.n
            split.withScratch(T.self, slots: 3) { buf in
                split.forEachIndependentLine { start, s, _ in
                    let yl = gather(py + start, n, s, buf), gl = gather(pg + start, n, s, buf + n)
                    let ol = outputLine(po + start, s, buf + 2 * n)
                    if log {
                        let total = denseSum(gl, n)
                        _ = denseShiftedExp(yl, n, minus: 0, into: ol)
                        for k in 0..<n { ol[k] = gl[k] - ol[k] * total }
                    } else {
                        let dot = denseDot(gl, yl, n)
                        for k in 0..<n { ol[k] = yl[k] * (gl[k] - dot) }
                    }
                    scatter(ol, to: po + start, n, s)
                }
            }
        }
        if y.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }
}

// MARK: - Cross-entropy

/// What the cross-entropy backward pass needs from the forward pass.
public struct CrossEntropySaved: @unchecked Sendable {
    let logits: Tensor
    let split: AxisSplit
    /// logsumexp of each position's logits.
    let lse: Tensor
    /// Class indices (int64, one per position), or nil for probability targets.
    let classes: Tensor?
    /// Target probabilities (logits' shape and dtype), or nil for class-index targets.
    let probabilities: Tensor?
    /// Per-position weights from the mask, or nil when every position counts once.
    let weights: Tensor?
    /// The sum of the weights: the number of positions the loss averages over.
    public let count: Double
    let targetDType: DType
}

extension Tensor {
    /// Mean cross-entropy between `logits` (classes along `axis`) and `target`.
    ///
    /// `target` is either an int64 tensor of class indices with the logits' shape minus the
    /// class axis (a float tensor of whole numbers is accepted too), or a float tensor of
    /// probabilities with the logits' shape. The loss averages over positions (all axes but the
    /// class axis). `mask` (bool or 0/1, broadcastable to the positions' shape) leaves out the
    /// positions where it is 0 — their targets are not even checked, so padding may use any
    /// index such as -1; other mask values act as weights. When every position is masked the
    /// loss is 0. Computed as logsumexp(logits) - logit[target], so it is stable for any logits.
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, axis: Int = -1, mask: Tensor? = nil) throws -> Tensor {
        try crossEntropyForward(logits, target, axis: axis, mask: mask).loss
    }

    /// Cross-entropy, also returning what `crossEntropyBackward` needs.
    public static func crossEntropyForward(_ logitsIn: Tensor, _ target: Tensor, axis: Int = -1,
                                           mask: Tensor? = nil) throws -> (loss: Tensor, saved: CrossEntropySaved) {
        let op = "cross_entropy"
        let split = try AxisSplit(logitsIn.shape, axis: axis, op: op)
        let posShape = AxisSplit.positions(logitsIn.shape, axis: split.axis)
        guard split.n > 0 else {
            throw TensorError(.shape, op: op, "logits of shape \(TensorError.show(logitsIn.shape)) have no classes along axis \(axis)")
        }
        let logits = logitsIn.asFloat().contiguous()
        let dt = logits.dtype

        var weights: Tensor?
        if let mask {
            // Not broadcastable and broadcastable-to-another-shape are the same mistake, reported below.
            guard (try? Shape.broadcast(mask.shape, posShape, op: op)) == posShape else {
                throw TensorError.shapeMismatch(op, mask.shape, posShape, "differ: the mask needs the targets' shape",
                                                hint: "the mask has one entry per position: the logits' shape without the class axis")
            }
            weights = try mask.cast(to: dt).expanded(to: posShape).contiguous()
        }

        var classes: Tensor?, probabilities: Tensor?
        switch target.dtype {
        case .bool:
            throw TensorError(.dtype, op: op, "targets must be class indices (int) or probabilities (float), not bool")
        case .int64:
            guard target.shape == posShape else { throw targetShapeError(target.shape, logitsIn.shape, posShape) }
            classes = target.contiguous()
        case .float32, .float64:
            if target.shape == logitsIn.shape {
                probabilities = target.cast(to: dt).contiguous()
            } else if target.shape == posShape {
                let values = target.toDoubles()
                guard values.allSatisfy({ $0 == $0.rounded() && Swift.abs($0) < 1e15 }) else {
                    throw TensorError(.dtype, op: op, "float targets of the positions' shape must be whole class indices",
                                      hint: "give probabilities with the logits' shape \(TensorError.show(logitsIn.shape)), or integer class indices")
                }
                classes = try Tensor(ints: values.map { Int($0) }, shape: posShape)
            } else {
                throw targetShapeError(target.shape, logitsIn.shape, posShape)
            }
        }
        if let classes { try checkClasses(classes, weights, split.n) }

        let lse = Tensor.uncheckedEmpty(posShape, count: split.positions, dtype: dt)
        var total = 0.0, count = 0.0
        func run<T: FloatElement>(_: T.Type) {
            let x = logits.pointer(T.self), l = lse.pointer(T.self)
            let w = weights?.pointer(T.self)
            let t = classes?.pointer(Int.self), q = probabilities?.pointer(T.self)
            let n = split.n
            split.withScratch(T.self, slots: 2) { buf in
                split.forEachLine { start, s, pos in
                    let weight = w.map { Double($0[pos]) } ?? 1
                    let line = gather(x + start, n, s, buf)
                    let m = denseLogSumExp(line, n)
                    l[pos] = m
                    count += weight
                    if weight == 0 { return }
                    if let t {
                        total += weight * Double(m - line[t[pos]])
                    } else if let q {
                        // Σ_k p_k (lse - x_k); a zero probability skips its term, even at x = -inf.
                        let ql = gather(q + start, n, s, buf + n)
                        var acc: T = 0
                        for k in 0..<n { let p = ql[k]; if p != 0 { acc += p * (m - line[k]) } }
                        total += weight * Double(acc)
                    }
                }
            }
        }
        if dt == .float32 { run(Float.self) } else { run(Double.self) }
        let loss = Tensor(scalar: count == 0 ? 0 : total / count, dtype: dt)
        let saved = CrossEntropySaved(logits: logits, split: split, lse: lse, classes: classes, probabilities: probabilities,
                                      weights: weights, count: count, targetDType: target.dtype)
        return (loss, saved)
    }

    private static func targetShapeError(_ target: [Int], _ logits: [Int], _ positions: [Int]) -> TensorError {
        TensorError(.shape, op: "cross_entropy",
                    "target shape \(TensorError.show(target)) does not fit logits of shape \(TensorError.show(logits))",
                    hint: "class indices need shape \(TensorError.show(positions)); probabilities need \(TensorError.show(logits))")
    }

    /// Every counted class index must name a class.
    private static func checkClasses(_ classes: Tensor, _ weights: Tensor?, _ n: Int) throws {
        let t = classes.pointer(Int.self)
        let count = classes.count
        for pos in 0..<count where t[pos] < 0 || t[pos] >= n {
            if let weights, try weights.flatValue(pos) == 0 { continue }
            throw TensorError(.index, op: "cross_entropy", "class index \(t[pos]) is out of range for \(n) classes",
                              hint: "targets must lie in 0..<\(n); mask out padding positions")
        }
    }

    /// Element `i` of a dense float tensor, as a Double.
    fileprivate func flatValue(_ i: Int) throws -> Double {
        dtype == .float32 ? Double(pointer(Float.self)[i]) : pointer(Double.self)[i]
    }

    /// Gradients of the cross-entropy given the upstream gradient `g` (a scalar): for the
    /// logits (softmax - target) * weight / count in one pass, and for probability targets
    /// -log_softmax * weight / count (nil for class-index targets).
    public static func crossEntropyBackward(_ saved: CrossEntropySaved, grad g: Tensor) throws -> (logits: Tensor, target: Tensor?) {
        let logits = saved.logits, split = saved.split, dt = logits.dtype
        let upstream = try g.item()
        let scale = saved.count == 0 ? 0 : upstream / saved.count
        let dx = Tensor.uncheckedEmpty(logits.shape, count: logits.count, dtype: dt)
        let dq = saved.probabilities.map { Tensor.uncheckedEmpty($0.shape, count: $0.count, dtype: dt) }
        func run<T: FloatElement>(_: T.Type) {
            let x = logits.pointer(T.self), l = saved.lse.pointer(T.self), o = dx.pointer(T.self)
            let w = saved.weights?.pointer(T.self)
            let t = saved.classes?.pointer(Int.self), q = saved.probabilities?.pointer(T.self)
            let oq = dq?.pointer(T.self)
            let n = split.n
            split.withScratch(T.self, slots: 4) { buf in
                split.forEachLine { start, s, pos in
                    let c = T(scale) * (w?[pos] ?? 1)
                    let ol = outputLine(o + start, s, buf)
                    let oql = oq.map { outputLine($0 + start, s, buf + n) }
                    defer {
                        scatter(ol, to: o + start, n, s)
                        if let oq, let oql { scatter(oql, to: oq + start, n, s) }
                    }
                    if c == 0 {
                        ol.update(repeating: 0, count: n)
                        oql?.update(repeating: 0, count: n)
                        return
                    }
                    let m = l[pos]
                    let xl = gather(x + start, n, s, buf + 2 * n)
                    _ = denseShiftedExp(xl, n, minus: m, into: ol)
                    if let t {
                        for k in 0..<n { ol[k] *= c }
                        ol[t[pos]] -= c
                    } else if let q, let oql {
                        let ql = gather(q + start, n, s, buf + 3 * n)
                        let mass = denseSum(ql, n)
                        for k in 0..<n {
                            ol[k] = c * (ol[k] * mass - ql[k])
                            oql[k] = c * (m - xl[k])
                        }
                    }
                }
            }
        }
        if dt == .float32 { run(Float.self) } else { run(Double.self) }
        let dTarget = dq.map { saved.targetDType.isFloating ? $0.cast(to: saved.targetDType) : $0 }
        return (dx, dTarget)
    }
}

// MARK: - Pointwise losses (mse, logistic)

extension Tensor {
    /// The two inputs of a pointwise loss as dense tensors of one float dtype. Shapes must be
    /// equal, or hold the same elements in the same order up to size-1 axes ([n, 1] and [n]):
    /// anything else is almost always a bug that broadcasting would hide.
    private static func lossPair(_ op: String, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        if a.shape != b.shape {
            guard a.count == b.count, a.shape.filter({ $0 != 1 }) == b.shape.filter({ $0 != 1 }) else {
                throw TensorError.shapeMismatch(op, a.shape, b.shape, "differ: prediction and target need the same shape",
                                                hint: "reshape one of them; a loss does not broadcast")
            }
        }
        let dt = floatDType(a.dtype, b.dtype)
        return (a.cast(to: dt).contiguous(), b.cast(to: dt).contiguous())
    }

    /// Mean squared error: mean((pred - target)²). NaN for empty inputs.
    public static func mse(_ pred: Tensor, _ target: Tensor) throws -> Tensor {
        let (p, t) = try lossPair("mse", pred, target)
        func run<T: FloatElement>(_: T.Type) -> Double {
            let a = p.pointer(T.self), b = t.pointer(T.self)
            var acc: T = 0
            for i in 0..<p.count { let d = a[i] - b[i]; acc += d * d }
            return Double(acc) / Double(p.count)
        }
        return Tensor(scalar: p.dtype == .float32 ? run(Float.self) : run(Double.self), dtype: p.dtype)
    }

    /// Gradients of `mse` for each input, in that input's shape and dtype:
    /// ±2 (pred - target) g / N.
    public static func mseBackward(_ pred: Tensor, _ target: Tensor, grad g: Tensor) throws -> (pred: Tensor, target: Tensor) {
        let (p, t) = try lossPair("mse", pred, target)
        let c = 2 * (try g.item()) / Double(Swift.max(p.count, 1))
        let dp = Tensor.uncheckedEmpty(pred.shape, count: p.count, dtype: p.dtype)
        let dt = Tensor.uncheckedEmpty(target.shape, count: p.count, dtype: p.dtype)
        func run<T: FloatElement>(_: T.Type) {
            let a = p.pointer(T.self), b = t.pointer(T.self), oa = dp.pointer(T.self), ob = dt.pointer(T.self)
            let k = T(c)
            for i in 0..<p.count { let d = k * (a[i] - b[i]); oa[i] = d; ob[i] = -d }
        }
        if p.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return (dp.cast(to: pred.dtype.isFloating ? pred.dtype : dp.dtype),
                dt.cast(to: target.dtype.isFloating ? target.dtype : dt.dtype))
    }

    /// Logistic loss for labels ±1: mean(log(1 + exp(-y z))), computed as a softplus so it
    /// neither overflows nor loses precision for large margins. NaN for empty inputs.
    public static func logisticLoss(_ scores: Tensor, _ labels: Tensor) throws -> Tensor {
        let (z, y) = try lossPair("logistic_loss", scores, labels)
        func run<T: FloatElement>(_: T.Type) -> Double {
            let a = z.pointer(T.self), b = y.pointer(T.self)
            var acc: T = 0
            for i in 0..<z.count { acc += Softplus.apply(-a[i] * b[i]) }
            return Double(acc) / Double(z.count)
        }
        return Tensor(scalar: z.dtype == .float32 ? run(Float.self) : run(Double.self), dtype: z.dtype)
    }

    /// Gradients of `logisticLoss`: -y σ(-y z) g / N for the scores and -z σ(-y z) g / N for
    /// the labels, each in its input's shape and dtype.
    public static func logisticLossBackward(_ scores: Tensor, _ labels: Tensor, grad g: Tensor) throws -> (scores: Tensor, labels: Tensor) {
        let (z, y) = try lossPair("logistic_loss", scores, labels)
        let c = (try g.item()) / Double(Swift.max(z.count, 1))
        let dz = Tensor.uncheckedEmpty(scores.shape, count: z.count, dtype: z.dtype)
        let dy = Tensor.uncheckedEmpty(labels.shape, count: z.count, dtype: z.dtype)
        func run<T: FloatElement>(_: T.Type) {
            let a = z.pointer(T.self), b = y.pointer(T.self), oa = dz.pointer(T.self), ob = dy.pointer(T.self)
            let k = T(c)
            for i in 0..<z.count {
                let s = k * Sigmoid.apply(-a[i] * b[i])
                oa[i] = -b[i] * s
                ob[i] = -a[i] * s
            }
        }
        if z.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return (dz.cast(to: scores.dtype.isFloating ? scores.dtype : dz.dtype),
                dy.cast(to: labels.dtype.isFloating ? labels.dtype : dy.dtype))
    }
}

// MARK: - Layer norm

/// What the layer-norm backward pass needs from the forward pass.
public struct LayerNormSaved: @unchecked Sendable {
    let x: Tensor
    let split: AxisSplit
    /// Mean and 1/sqrt(var + eps) of each position.
    let mean: Tensor, rstd: Tensor
    let gain: Tensor?
    let gainDType: DType?, biasDType: DType?
}

extension Tensor {
    /// Layer normalization along `axis`: (x - mean) / sqrt(var + eps) * gain + bias, with the
    /// biased variance (as in PyTorch). `gain` and `bias`, when given, have shape [n] where n is
    /// the size of `axis`.
    public func layerNorm(axis: Int = -1, eps: Double = 1e-5, gain: Tensor? = nil, bias: Tensor? = nil) throws -> Tensor {
        try Tensor.layerNormForward(self, axis: axis, eps: eps, gain: gain, bias: bias).output
    }

    /// Layer norm, also returning what `layerNormBackward` needs.
    public static func layerNormForward(_ xIn: Tensor, axis: Int = -1, eps: Double = 1e-5, gain: Tensor? = nil,
                                        bias: Tensor? = nil) throws -> (output: Tensor, saved: LayerNormSaved) {
        let op = "layer_norm"
        let split = try AxisSplit(xIn.shape, axis: axis, op: op)
        guard eps >= 0, eps.isFinite else {
            throw TensorError(.value, op: op, "eps must be a finite number >= 0, got \(eps)")
        }
        for (name, t) in [("gain", gain), ("bias", bias)] {
            if let t, t.shape != [split.n] {
                throw TensorError.shapeMismatch(op, t.shape, xIn.shape, "do not fit: the \(name) needs shape [\(split.n)], the size of axis \(axis)")
            }
        }
        let x = xIn.asFloat().contiguous()
        let dt = x.dtype
        let g = gain.map { $0.cast(to: dt).contiguous() }, b = bias.map { $0.cast(to: dt).contiguous() }
        let out = Tensor.uncheckedEmpty(x.shape, count: x.count, dtype: dt)
        let posShape = AxisSplit.positions(x.shape, axis: split.axis)
        let mean = Tensor.uncheckedEmpty(posShape, count: split.positions, dtype: dt)
        let rstd = Tensor.uncheckedEmpty(posShape, count: split.positions, dtype: dt)
        func run<T: FloatElement>(_: T.Type) {
            let px = x.pointer(T.self), po = out.pointer(T.self), pm = mean.pointer(T.self), pr = rstd.pointer(T.self)
            let pg = g?.pointer(T.self), pb = b?.pointer(T.self)
            let n = split.n, e = T(eps)
            split.withScratch(T.self, slots: 2) { buf in
                split.forEachLine { start, s, pos in
                    let xl = gather(px + start, n, s, buf), ol = outputLine(po + start, s, buf + n)
                    let mu = denseMean(xl, n)
                    let r = 1 / (denseSquaredDeviation(xl, n, mu) / T(n) + e).squareRoot()
                    pm[pos] = mu; pr[pos] = r
                    for k in 0..<n { ol[k] = (xl[k] - mu) * r }
                    if let pg { for k in 0..<n { ol[k] *= pg[k] } }
                    if let pb { for k in 0..<n { ol[k] += pb[k] } }
                    scatter(ol, to: po + start, n, s)
                }
            }
        }
        if dt == .float32 { run(Float.self) } else { run(Double.self) }
        return (out, LayerNormSaved(x: x, split: split, mean: mean, rstd: rstd, gain: g,
                                    gainDType: gain?.dtype, biasDType: bias?.dtype))
    }

    /// Gradients of layer norm given the upstream gradient `g`, in one pass per position:
    /// dx = rstd (dx̂ - mean(dx̂) - x̂ mean(dx̂ x̂)) with dx̂ = g·gain; dgain = Σ g x̂; dbias = Σ g.
    /// The gain and bias gradients are nil when the forward pass had none.
    public static func layerNormBackward(_ saved: LayerNormSaved, grad gIn: Tensor) throws -> (x: Tensor, gain: Tensor?, bias: Tensor?) {
        let x = saved.x, split = saved.split, dt = x.dtype
        guard gIn.shape == x.shape else {
            throw TensorError.shapeMismatch("layer_norm", gIn.shape, x.shape, "differ: the gradient must have the output's shape")
        }
        let g = gIn.cast(to: dt).contiguous()
        let dx = Tensor.uncheckedEmpty(x.shape, count: x.count, dtype: dt)
        let dgain = Tensor.uncheckedEmpty([split.n], count: split.n, dtype: dt)
        let dbias = Tensor.uncheckedEmpty([split.n], count: split.n, dtype: dt)
        func run<T: FloatElement>(_: T.Type) {
            let px = x.pointer(T.self), pg = g.pointer(T.self), po = dx.pointer(T.self)
            let pm = saved.mean.pointer(T.self), pr = saved.rstd.pointer(T.self)
            let gain = saved.gain?.pointer(T.self)
            let dgp = dgain.pointer(T.self), dbp = dbias.pointer(T.self)
            let n = split.n, invN = 1 / T(Swift.max(n, 1))
            dgp.update(repeating: 0, count: n)
            dbp.update(repeating: 0, count: n)
            // Per line: x̂ and dx̂ = g·gain go to scratch, then every loop is dense.
            split.withScratch(T.self, slots: 5, always: true) { buf in
                let xh = buf + 3 * n, d = buf + 4 * n
                split.forEachLine { start, s, pos in
                    let xl = gather(px + start, n, s, buf), gl = gather(pg + start, n, s, buf + n)
                    let ol = outputLine(po + start, s, buf + 2 * n)
                    let mu = pm[pos], r = pr[pos]
                    for k in 0..<n { xh[k] = (xl[k] - mu) * r }
                    if let gain {
                        for k in 0..<n { d[k] = gl[k] * gain[k] }
                    } else {
                        d.update(from: gl, count: n)
                    }
                    for k in 0..<n { dgp[k] += gl[k] * xh[k]; dbp[k] += gl[k] }
                    let a = denseSum(d, n) * invN, c = denseDot(d, xh, n) * invN
                    for k in 0..<n { ol[k] = r * (d[k] - a - xh[k] * c) }
                    scatter(ol, to: po + start, n, s)
                }
            }
        }
        if dt == .float32 { run(Float.self) } else { run(Double.self) }
        return (dx, saved.gainDType.map { dgain.cast(to: $0.isFloating ? $0 : dt) }, saved.biasDType.map { dbias.cast(to: $0.isFloating ? $0 : dt) })
    }
}
