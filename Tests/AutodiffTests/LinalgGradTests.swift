import Testing
import Tensors
@testable import Autodiff

// MARK: - Inputs

/// A random f64 matrix stack with `shift` added on the diagonal, so it is well conditioned.
private func conditioned(_ batch: [Int], _ n: Int, seed: UInt64, shift: Double = 3) throws -> Tensor {
    let g = try RandomGenerator(seed: seed).uniform(batch + [n, n], low: -1, high: 1, dtype: .float64)
    return try g + Tensor.eye(n, dtype: .float64) * Tensor(scalar: shift, dtype: .float64)
}

private func randomMatrix(_ shape: [Int], seed: UInt64) throws -> Tensor {
    try RandomGenerator(seed: seed).uniform(shape, low: -1, high: 1, dtype: .float64)
}

/// A matrix with well-separated singular values (and eigenvalues when symmetric): Q diag(d) Pᵀ
/// from random orthogonal factors, so gradients through U/V/eigenvectors are well defined.
private func separatedSpectrum(_ m: Int, _ n: Int, seed: UInt64) throws -> Tensor {
    let k = min(m, n)
    let q = try Tensor.orthogonal(m, dtype: .float64, generator: RandomGenerator(seed: seed))
    let p = try Tensor.orthogonal(n, dtype: .float64, generator: RandomGenerator(seed: seed + 1))
    var d = [Double](repeating: 0, count: m * n)
    for i in 0..<k { d[i * n + i] = Double(k - i) + 0.5 }
    return try Tensor.matmul(Tensor.matmul(q, Tensor(d, shape: [m, n], dtype: .float64)), p.matrixTranspose)
}

/// `xᵀ` (last two axes) as a differentiable op, for the tests' symmetrization.
private func transposeVar(_ x: Variable) -> Variable {
    let y = x.value.matrixTranspose.contiguous()
    let tape = Tape.current
    guard tape.tracks(x) else { return Variable(y) }
    return tape.record(y, x) { g in g.matrixTranspose.contiguous() }
}

/// `(M + Mᵀ)/2`, differentiable.
private func symmetrize(_ m: Variable) throws -> Variable {
    try mul(add(m, transposeVar(m)), Variable(Tensor(scalar: 0.5, dtype: .float64)))
}

private func expectPasses(_ f: ([Variable]) throws -> Variable, _ inputs: [Tensor], _ label: String) throws {
    let r = try gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(label): \(r)")
}

@Suite struct LinalgGradTests {
    // MARK: solve, inv, det

    @Test func solveWithRespectToBothInputs() throws {
        let a = try conditioned([], 4, seed: 1)
        try expectPasses({ try solve($0[0], $0[1]) }, [a, randomMatrix([4, 2], seed: 2)], "matrix rhs")
        try expectPasses({ try solve($0[0], $0[1]) }, [a, randomMatrix([4], seed: 3)], "vector rhs")
        // Broadcast batch dimensions: gradients sum back over the broadcast.
        try expectPasses({ try solve($0[0], $0[1]) }, [conditioned([2, 1], 3, seed: 4), randomMatrix([3, 3, 2], seed: 5)], "batched")
        try expectPasses({ try solve($0[0], $0[1]) }, [conditioned([2], 3, seed: 6), randomMatrix([3], seed: 7)], "batched vector")
    }

    @Test func inverse() throws {
        try expectPasses({ try inv($0[0]) }, [conditioned([], 4, seed: 8)], "inv")
        try expectPasses({ try inv($0[0]) }, [conditioned([3], 3, seed: 9)], "batched inv")
    }

    @Test func determinants() throws {
        try expectPasses({ try det($0[0]) }, [conditioned([], 4, seed: 10, shift: 1)], "det")
        try expectPasses({ try det($0[0]) }, [conditioned([2], 3, seed: 11)], "batched det")
        try expectPasses({ try logdet($0[0]) }, [conditioned([], 4, seed: 12)], "logdet")
        // A negative determinant: slogdet's log|det| is still differentiable.
        let neg = try conditioned([], 3, seed: 13) * Tensor([-1, 1, 1], dtype: .float64)
        #expect(try Tensor.det(neg).item() < 0)
        try expectPasses({ try slogdet($0[0]).logabsdet }, [neg], "slogdet")
    }

    @Test func determinantGradientAtASingularMatrixIsTheCofactorMatrix() throws {
        let a = try Tensor([1, 2, 2, 4], shape: [2, 2], dtype: .float64)
        let (_, grads) = try gradient(of: { try det($0[0]) }, at: [a])
        // d det / dA = cof(A) = [[d, -c], [-b, a]].
        let g = grads[0].toDoubles()
        let expected: [Double] = [4, -2, -2, 1]
        #expect(zip(g, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(g)")
    }

    // MARK: eigh

    @Test func eighValuesAndVectors() throws {
        let m = try separatedSpectrum(4, 4, seed: 14)
        // Through an explicit symmetrization, as a user would write it.
        try expectPasses({ try eigh(symmetrize($0[0])).values }, [m], "eigenvalues")
        try expectPasses({ try eigh(symmetrize($0[0])).vectors }, [m], "eigenvectors")
        // eigh symmetrizes internally, so the raw input works too (the gradient is symmetric).
        try expectPasses({ try eigh($0[0]).values }, [m], "eigenvalues, raw input")
        try expectPasses({ try eigh($0[0]).vectors }, [m], "eigenvectors, raw input")
        // Both outputs used together.
        try expectPasses({ vars in
            let (w, v) = try eigh(symmetrize(vars[0]))
            return try add(sum(w), sum(mul(v, v)))
        }, [m], "values and vectors")
    }

    @Test func eighOnABatch() throws {
        let m = try Tensor.stack2(separatedSpectrum(3, 3, seed: 15), separatedSpectrum(3, 3, seed: 16))
        try expectPasses({ try eigh($0[0]).vectors }, [m], "batched eigenvectors")
        try expectPasses({ try eigh($0[0]).values }, [m], "batched eigenvalues")
    }

    @Test func eigenvectorGradientWithARepeatedEigenvalueIsAnError() throws {
        let a = try Tensor.eye(3, dtype: .float64)
        #expect { try gradient(of: { try sum(eigh($0[0]).vectors) }, at: [a]) } throws: {
            ($0 as? TensorError)?.kind == .linalg && "\($0)".contains("repeated eigenvalues")
        }
        // The eigenvalue gradient is fine there.
        let (_, g) = try gradient(of: { try sum(eigh($0[0]).values) }, at: [a])
        #expect(g[0].toDoubles() == a.toDoubles())
    }

    // MARK: svd

    @Test(arguments: [[4, 3], [3, 4], [3, 3]])
    func svdAllOutputs(shape: [Int]) throws {
        let a = try separatedSpectrum(shape[0], shape[1], seed: 17)
        try expectPasses({ try svd($0[0]).s }, [a], "S \(shape)")
        try expectPasses({ try svd($0[0]).u }, [a], "U \(shape)")
        try expectPasses({ try svd($0[0]).vt }, [a], "Vt \(shape)")
    }

    @Test func singularValuesOfARandomBatch() throws {
        // Singular values alone need no spectral gap.
        try expectPasses({ try svd($0[0]).s }, [randomMatrix([2, 4, 3], seed: 18)], "batched S")
    }

    // MARK: qr

    @Test(arguments: [[5, 3], [3, 3]])
    func qrFactors(shape: [Int]) throws {
        let a = try separatedSpectrum(shape[0], shape[1], seed: 19)
        try expectPasses({ try qr($0[0]).q }, [a], "Q \(shape)")
        try expectPasses({ try qr($0[0]).r }, [a], "R \(shape)")
    }

    @Test func qrGradientOfAWideMatrixIsAnError() throws {
        let a = try randomMatrix([2, 4], seed: 20)
        #expect { try gradient(of: { try sum(qr($0[0]).r) }, at: [a]) } throws: { ($0 as? TensorError)?.kind == .linalg }
    }

    // MARK: lstsq

    @Test func lstsqOnATallFullRankSystem() throws {
        let a = try randomMatrix([6, 3], seed: 21)
        try expectPasses({ try lstsq($0[0], $0[1]) }, [a, randomMatrix([6, 2], seed: 22)], "matrix rhs")
        try expectPasses({ try lstsq($0[0], $0[1]) }, [a, randomMatrix([6], seed: 23)], "vector rhs")
    }

    @Test func lstsqOnAWideFullRankSystem() throws {
        try expectPasses({ try lstsq($0[0], $0[1]) }, [randomMatrix([2, 4], seed: 24), randomMatrix([2], seed: 25)], "min-norm")
    }

    @Test func float32InputsGiveFloat32Gradients() throws {
        let a = try conditioned([], 3, seed: 26).cast(to: .float32)
        let (_, g) = try gradient(of: { try sum(inv($0[0])) }, at: [a])
        #expect(g[0].dtype == .float32 && g[0].shape == [3, 3])
    }
}

extension Tensor {
    /// Two same-shaped tensors stacked on a new leading axis (test helper; no dependency on the
    /// shape ops).
    fileprivate static func stack2(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try Tensor(a.toDoubles() + b.toDoubles(), shape: [2] + a.shape, dtype: .float64)
    }
}
