import Testing
import Tensors
import Foundation

// MARK: - Helpers (file-local so other test files may use the same names)

/// A well-conditioned random f64 matrix stack: Gaussian entries plus `shift` on the diagonal.
private func wellConditioned(_ batch: [Int], _ n: Int, seed: UInt64, shift: Double = 4) throws -> Tensor {
    let g = try RandomGenerator(seed: seed).normal(batch + [n, n], dtype: .float64)
    return try g + Tensor.eye(n, dtype: .float64) * Tensor(scalar: shift, dtype: .float64)
}

private func gaussian(_ shape: [Int], seed: UInt64) throws -> Tensor {
    try RandomGenerator(seed: seed).normal(shape, dtype: .float64)
}

/// The transpose of the last two axes, computed from values (independent of the code under test).
private func transposed(_ t: Tensor) throws -> Tensor {
    let r = t.shape[t.rank - 2], c = t.shape[t.rank - 1]
    let v = t.toDoubles()
    var out = [Double](repeating: 0, count: v.count)
    for b in 0..<(v.count / max(1, r * c)) {
        for i in 0..<r { for j in 0..<c { out[b * r * c + j * r + i] = v[b * r * c + i * c + j] } }
    }
    return try Tensor(out, shape: Array(t.shape.dropLast(2)) + [c, r], dtype: t.dtype)
}

private func maxDiff(_ a: Tensor, _ b: Tensor) throws -> Double {
    let shape = try Shape.broadcast(a.shape, b.shape, op: "test")
    let x = try a.expanded(to: shape).toDoubles(), y = try b.expanded(to: shape).toDoubles()
    return zip(x, y).map { abs($0 - $1) }.max() ?? 0
}

/// `m` with column j multiplied by `v[j]` (m @ diag(v)), for 2-D m.
private func timesDiag(_ m: Tensor, _ v: Tensor) throws -> Tensor {
    try m * v.expanded(to: m.shape)
}

@Suite struct LinalgTests {
    // MARK: inv, solve, det

    @Test func inverseTimesMatrixIsIdentity() throws {
        let a = try wellConditioned([], 5, seed: 1)
        let i5 = try Tensor.eye(5, dtype: .float64)
        #expect(try maxDiff(Tensor.matmul(Tensor.inv(a), a), i5) < 1e-12)
        #expect(try maxDiff(Tensor.matmul(a, Tensor.inv(a)), i5) < 1e-12)
        // A batch, and float32 in gives float32 out.
        let batch = try wellConditioned([3], 4, seed: 2).cast(to: .float32)
        let inv = try Tensor.inv(batch)
        #expect(inv.dtype == .float32 && inv.shape == [3, 4, 4])
        #expect(try maxDiff(Tensor.matmul(inv, batch), Tensor.eye(4, dtype: .float32)) < 1e-5)
    }

    @Test func inverseOfKnownMatrix() throws {
        let a = try Tensor([4, 7, 2, 6], shape: [2, 2], dtype: .float64)
        #expect(try maxDiff(Tensor.inv(a), Tensor([0.6, -0.7, -0.2, 0.4], shape: [2, 2], dtype: .float64)) < 1e-14)
    }

    @Test func solveLeavesNoResidual() throws {
        let a = try wellConditioned([], 6, seed: 3)
        let b = try gaussian([6, 2], seed: 4)
        let x = try Tensor.solve(a, b)
        #expect(x.shape == [6, 2])
        #expect(try maxDiff(Tensor.matmul(a, x), b) < 1e-12)
        // A vector right-hand side gives a vector.
        let v = try gaussian([6], seed: 5)
        let y = try Tensor.solve(a, v)
        #expect(y.shape == [6])
        #expect(try maxDiff(Tensor.matmul(a, y), v) < 1e-12)
    }

    @Test func solveBroadcastsBatchDimensions() throws {
        let a = try wellConditioned([2, 1], 3, seed: 6)
        let b = try gaussian([4, 3, 2], seed: 7)
        let x = try Tensor.solve(a, b)
        #expect(x.shape == [2, 4, 3, 2])
        #expect(try maxDiff(Tensor.matmul(a, x), b.expanded(to: [2, 4, 3, 2])) < 1e-12)
        // A vector against a stack of matrices.
        let v = try gaussian([3], seed: 8)
        let y = try Tensor.solve(a, v)
        #expect(y.shape == [2, 1, 3])
    }

    @Test func determinantsOfKnownMatrices() throws {
        #expect(try Tensor.det(Tensor([1, 2, 3, 4], shape: [2, 2], dtype: .float64)).item() == -2)
        let a = try Tensor([6, 1, 1, 4, -2, 5, 2, 8, 7], shape: [3, 3], dtype: .float64)
        #expect(abs(try Tensor.det(a).item() - -306) < 1e-10)
        let (sign, logabs) = try Tensor.slogdet(a)
        #expect(try sign.item() == -1)
        #expect(abs(try logabs.item() - log(306)) < 1e-12)
        #expect(try Tensor.logdet(a).item().isNaN)
        // A permutation matrix (odd) and a batch.
        let p = try Tensor([0, 1, 0, 1, 0, 0, 0, 0, 1], shape: [3, 3], dtype: .float64)
        #expect(try Tensor.det(p).item() == -1)
        let stack = try Tensor([2, 0, 0, 3, 1, 2, 3, 4], shape: [2, 2, 2], dtype: .float32)
        let d = try Tensor.det(stack)
        #expect(d.shape == [2] && d.dtype == .float32 && d.toDoubles() == [6, -2])
        // Singular matrices have determinant 0, not an error.
        let s = try Tensor([1, 2, 2, 4], shape: [2, 2], dtype: .float64)
        #expect(try Tensor.det(s).item() == 0)
        #expect(try Tensor.slogdet(s).logabsdet.item() == -.infinity)
    }

    // MARK: decompositions

    @Test func eighReconstructsTheMatrix() throws {
        let m = try gaussian([5, 5], seed: 9)
        let a = try (m + transposed(m)) * Tensor(scalar: 0.5, dtype: .float64)
        let (w, v) = try Tensor.eigh(a)
        #expect(w.shape == [5] && v.shape == [5, 5])
        let ws = w.toDoubles()
        #expect(zip(ws, ws.dropFirst()).allSatisfy { $0 <= $1 }, "eigenvalues ascend")
        #expect(try maxDiff(Tensor.matmul(timesDiag(v, w), transposed(v)), a) < 1e-12)
        #expect(try maxDiff(Tensor.matmul(transposed(v), v), Tensor.eye(5, dtype: .float64)) < 1e-12)
        // A known case.
        let (w2, v2) = try Tensor.eigh(Tensor([2, 1, 1, 2], shape: [2, 2], dtype: .float64))
        #expect(try maxDiff(w2, Tensor([1, 3], dtype: .float64)) < 1e-14)
        let r = 0.5.squareRoot()
        #expect(try maxDiff(v2, Tensor([r, r, -r, r], shape: [2, 2], dtype: .float64)) < 1e-14)
    }

    @Test func eighOnABatch() throws {
        let m = try gaussian([3, 4, 4], seed: 10)
        let a = try m + transposed(m)
        let (w, v) = try Tensor.eigh(a)
        #expect(w.shape == [3, 4] && v.shape == [3, 4, 4])
        let wd = try Tensor.eye(4, dtype: .float64) * w.viewing(as: [3, 1, 4])
        #expect(try maxDiff(Tensor.matmul(Tensor.matmul(v, wd), transposed(v)), a) < 1e-12)
    }

    @Test(arguments: [[5, 3], [3, 5], [4, 4], [2, 3, 2]])
    func svdReconstructsTheMatrix(shape: [Int]) throws {
        let a = try gaussian(shape, seed: 11)
        let (u, s, vt) = try Tensor.svd(a)
        let m = shape[shape.count - 2], n = shape[shape.count - 1], k = min(m, n)
        let batch = Array(shape.dropLast(2))
        #expect(u.shape == batch + [m, k] && s.shape == batch + [k] && vt.shape == batch + [k, n])
        let sd = try Tensor.eye(k, dtype: .float64) * s.viewing(as: batch + [1, k])
        #expect(try maxDiff(Tensor.matmul(Tensor.matmul(u, sd), vt), a) < 1e-12)
        #expect(try maxDiff(Tensor.matmul(transposed(u), u), Tensor.eye(k, dtype: .float64)) < 1e-12)
        #expect(try maxDiff(Tensor.matmul(vt, transposed(vt)), Tensor.eye(k, dtype: .float64)) < 1e-12)
        let sv = s.toDoubles()
        for b in 0..<(sv.count / k) {
            let row = sv[(b * k)..<(b * k + k)]
            #expect(zip(row, row.dropFirst()).allSatisfy { $0 >= $1 } && row.allSatisfy { $0 >= 0 })
        }
    }

    @Test func svdOfAKnownMatrix() throws {
        let (_, s, _) = try Tensor.svd(Tensor([0, 2, 3, 0], shape: [2, 2], dtype: .float64))
        #expect(try maxDiff(s, Tensor([3, 2], dtype: .float64)) < 1e-14)
    }

    @Test(arguments: [[6, 4], [4, 4], [3, 5], [2, 5, 3]])
    func qrIsOrthonormalTimesUpperTriangular(shape: [Int]) throws {
        let a = try gaussian(shape, seed: 12)
        let (q, r) = try Tensor.qr(a)
        let m = shape[shape.count - 2], n = shape[shape.count - 1], k = min(m, n)
        let batch = Array(shape.dropLast(2))
        #expect(q.shape == batch + [m, k] && r.shape == batch + [k, n])
        #expect(try maxDiff(Tensor.matmul(q, r), a) < 1e-12)
        #expect(try maxDiff(Tensor.matmul(transposed(q), q), Tensor.eye(k, dtype: .float64)) < 1e-12)
        let rv = r.toDoubles()
        for b in 0..<(rv.count / (k * n)) {
            for i in 0..<k { for j in 0..<min(i, n) { #expect(rv[b * k * n + i * n + j] == 0) } }
        }
    }

    // MARK: least squares

    @Test func lstsqMatchesTheNormalEquations() throws {
        let a = try gaussian([8, 3], seed: 13)
        let b = try gaussian([8, 2], seed: 14)
        let x = try Tensor.lstsq(a, b)
        let at = try transposed(a)
        let normal = try Tensor.solve(Tensor.matmul(at, a), Tensor.matmul(at, b))
        #expect(x.shape == [3, 2])
        #expect(try maxDiff(x, normal) < 1e-12)
        let v = try gaussian([8], seed: 15)
        let y = try Tensor.lstsq(a, v)
        #expect(y.shape == [3])
        #expect(try maxDiff(y, Tensor.solve(Tensor.matmul(at, a), Tensor.matmul(at, v))) < 1e-12)
    }

    @Test func lstsqGivesTheMinimumNormSolutionOfAnUnderdeterminedSystem() throws {
        let a = try gaussian([2, 4], seed: 16)
        let b = try gaussian([2], seed: 17)
        let x = try Tensor.lstsq(a, b)
        #expect(try maxDiff(Tensor.matmul(a, x), b) < 1e-12)
        // The minimum-norm solution is Aᵀ (A Aᵀ)⁻¹ b.
        let at = try transposed(a)
        #expect(try maxDiff(x, Tensor.matmul(at, Tensor.solve(Tensor.matmul(a, at), b))) < 1e-12)
        #expect(try maxDiff(x, Tensor.matmul(Tensor.pinv(a), b)) < 1e-12)
    }

    @Test func lstsqHandlesRankDeficientMatrices() throws {
        // Two equal columns: infinitely many least-squares solutions; the minimum-norm one splits evenly.
        let a = try Tensor([1, 1, 2, 2, 3, 3], shape: [3, 2], dtype: .float64)
        let b = Tensor([2, 4, 6], dtype: .float64)
        #expect(try maxDiff(Tensor.lstsq(a, b), Tensor([1, 1], dtype: .float64)) < 1e-12)
    }

    @Test func pseudoInverseSatisfiesPenroseIdentity() throws {
        for shape in [[5, 3], [3, 5], [2, 4, 3]] {
            let a = try gaussian(shape, seed: 18)
            let p = try Tensor.pinv(a)
            #expect(p.shape == Array(shape.dropLast(2)) + [shape[shape.count - 1], shape[shape.count - 2]])
            #expect(try maxDiff(Tensor.matmul(Tensor.matmul(a, p), a), a) < 1e-12)
        }
    }

    // MARK: errors

    @Test func singularMatricesAreReported() throws {
        let s = try Tensor([1, 2, 2, 4], shape: [2, 2], dtype: .float64)
        for f in [{ try Tensor.inv(s) }, { try Tensor.solve(s, Tensor([1, 1], dtype: .float64)) }] as [() throws -> Tensor] {
            do {
                _ = try f()
                Issue.record("expected an error")
            } catch let e as TensorError {
                #expect(e.kind == .linalg)
                #expect(e.message.contains("matrix is singular"))
            }
        }
        // In a batch, the error says which matrix.
        let stack = try Tensor([1, 0, 0, 1, 1, 2, 2, 4], shape: [2, 2, 2], dtype: .float64)
        #expect { try Tensor.inv(stack) } throws: { ($0 as? TensorError)?.message.contains("matrix 1 of the batch") == true }
    }

    @Test func badShapesAreTypedErrors() throws {
        let rect = try gaussian([2, 3], seed: 19)
        for f in [{ try Tensor.inv(rect) }, { try Tensor.det(rect) }, { try Tensor.eigh(rect).values }] as [() throws -> Tensor] {
            #expect { try f() } throws: { ($0 as? TensorError)?.kind == .shape && "\($0)".contains("[2, 3]") }
        }
        let vec = Tensor([1, 2, 3], dtype: .float64)
        #expect { try Tensor.svd(vec) } throws: { ($0 as? TensorError)?.kind == .shape }
        // A right-hand side of the wrong length names both shapes.
        let a = try wellConditioned([], 3, seed: 20)
        #expect { try Tensor.solve(a, Tensor([1, 2], dtype: .float64)) } throws: {
            let d = "\($0)"
            return ($0 as? TensorError)?.kind == .shape && d.contains("[3, 3]") && d.contains("[2]")
        }
        #expect { try Tensor.lstsq(rect, gaussian([3, 1], seed: 21)) } throws: { "\($0)".contains("[2, 3]") && "\($0)".contains("[3, 1]") }
        // Batch dimensions that do not broadcast.
        #expect { try Tensor.solve(wellConditioned([2], 3, seed: 22), gaussian([3, 3, 1], seed: 23)) } throws: {
            ($0 as? TensorError)?.kind == .shape && "\($0)".contains("[2, 3, 3]")
        }
        // NaN never reaches LAPACK.
        let nan = try Tensor([1, .nan, 0, 1], shape: [2, 2], dtype: .float64)
        #expect { try Tensor.eigh(nan).values } throws: { ($0 as? TensorError)?.kind == .value }
    }

    @Test func emptyMatricesAreFine() throws {
        let e = try Tensor.zeros([0, 0], dtype: .float64)
        #expect(try Tensor.inv(e).shape == [0, 0])
        #expect(try Tensor.det(e).item() == 1)
        #expect(try Tensor.svd(Tensor.zeros([3, 0], dtype: .float64)).s.shape == [0])
        #expect(try Tensor.lstsq(Tensor.zeros([0, 2], dtype: .float64), Tensor.zeros([0], dtype: .float64)).toDoubles() == [0, 0])
    }
}
