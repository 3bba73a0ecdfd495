import Tensors

/// `a @ b` with NumPy matmul semantics (see `Tensor.matmul`).
/// Pullbacks: dA = dY @ Bᵀ, dB = Aᵀ @ dY, summed over broadcast batch dimensions; vector
/// operands are lifted to matrices first so one rule covers every case.
public func matmul(_ a: Variable, _ b: Variable) throws -> Variable {
    let y = try Tensor.matmul(a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(y) }
    let av = a.value, bv = b.value
    return tape.record(y, a, b) { g in
        let a2 = av.rank == 1 ? av.viewing(as: [1, av.shape[0]]) : av
        let b2 = bv.rank == 1 ? bv.viewing(as: [bv.shape[0], 1]) : bv
        var gShape = g.shape
        if bv.rank == 1 { gShape.append(1) }
        if av.rank == 1 { gShape.insert(1, at: gShape.count - 1) }
        let g2 = g.viewing(as: gShape)
        // A matrix that multiplied a whole stack gets the batch sum, computed without the stack.
        let ga = tape.index(a) >= 0 && av.dtype.isFloating
            ? (a2.rank == 2 && b2.rank > 2 && g2.rank == b2.rank && g2.dtype == b2.dtype
                ? try Tensor.matmulSummingBatch(g2, b2.matrixTranspose).viewing(as: av.shape)
                : try Tensor.matmul(g2, b2.matrixTranspose).sumToShape(a2.shape).viewing(as: av.shape)) : nil
        let gb = tape.index(b) >= 0 && bv.dtype.isFloating
            ? (b2.rank == 2 && a2.rank > 2 && g2.rank == a2.rank && g2.dtype == a2.dtype
                ? try Tensor.matmulSummingBatch(a2.matrixTranspose, g2).viewing(as: bv.shape)
                : try Tensor.matmul(a2.matrixTranspose, g2).sumToShape(b2.shape).viewing(as: bv.shape)) : nil
        return (ga, gb)
    }
}

/// The outer product of two vectors.
public func outer(_ a: Variable, _ b: Variable) throws -> Variable {
    guard a.rank == 1, b.rank == 1 else {
        throw TensorError(.shape, op: "outer", "shapes \(TensorError.show(a.shape)) and \(TensorError.show(b.shape)) are not both vectors")
    }
    let y = try Tensor.outer(a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(y) }
    let av = a.value, bv = b.value
    return tape.record(y, a, b) { g in
        (try Tensor.matmul(g, bv), try Tensor.matmul(av, g))
    }
}
