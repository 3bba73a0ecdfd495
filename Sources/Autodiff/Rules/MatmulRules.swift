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
        let m = g2.shape[g2.rank - 2], k = a2.shape[a2.rank - 1]
        // Rows of G that are zero (a loss read at a few positions) add nothing to either
        // gradient: multiply only the rows that carry gradient. Matrices of fewer than 16 rows
        // leave too little to save for the scan and the scatter (W1's 11-row products ran
        // 3.5 -> 4.6 ms/step with them).
        if m >= 16, g2.count * k >= 1 << 16, let rows = g2.rowsWithNonzeros(atMost: m / 4) {
            let (ga, gb) = try matmulPullbacks(try a2.selectingRows(rows), b2, try g2.selectingRows(rows),
                                               wantA: tape.index(a) >= 0, wantB: tape.index(b) >= 0, bShape: bv.shape)
            return (ga?.placingRows(rows, inMatricesOf: m).viewing(as: av.shape), gb)
        }
        let (ga, gb) = try matmulPullbacks(a2, b2, g2, wantA: tape.index(a) >= 0, wantB: tape.index(b) >= 0, bShape: bv.shape)
        return (ga?.viewing(as: av.shape), gb)
    }
}

/// dA = G @ Bᵀ in `a2`'s shape and dB = Aᵀ @ G in `bShape`, for matrices (or stacks) `a2`, `b2`
/// and the cotangent `g2` of their product. A matrix that multiplied a whole stack gets the
/// batch sum, computed without the stack.
private func matmulPullbacks(_ a2: Tensor, _ b2: Tensor, _ g2: Tensor, wantA: Bool, wantB: Bool,
                             bShape: [Int]) throws -> (Tensor?, Tensor?) {
    let ga = wantA && a2.dtype.isFloating
        ? (a2.rank == 2 && b2.rank > 2 && g2.rank == b2.rank && g2.dtype == b2.dtype
            ? try Tensor.matmulSummingBatch(g2, b2.matrixTranspose)
            : try Tensor.matmul(g2, b2.matrixTranspose).sumToShape(a2.shape)) : nil
    let gb = wantB && b2.dtype.isFloating
        ? (b2.rank == 2 && a2.rank > 2 && g2.rank == a2.rank && g2.dtype == a2.dtype
            ? try Tensor.matmulSummingBatch(a2.matrixTranspose, g2).viewing(as: bShape)
            : try Tensor.matmul(a2.matrixTranspose, g2).sumToShape(b2.shape).viewing(as: bShape)) : nil
    return (ga, gb)
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
