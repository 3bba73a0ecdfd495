import Testing
@testable import Tensors
import Autodiff

/// When a loss reads a product at a few rows only (the last token's logits), the matmul
/// pullback multiplies just the rows of the cotangent that are nonzero. The gradients must be
/// the same as the full products give: checked against finite differences in f64 and against
/// the same loss read through every row with zero weights elsewhere.
@Suite struct ZeroRowGradTests {
    /// `product(x, w)[..., rows, :]`, flattened to a vector so gradcheck weights every element.
    func readingRows(_ rows: [Int], _ product: @escaping (Variable, Variable) throws -> Variable) -> ([Variable]) throws -> Variable {
        { v in
            let y = try product(v[0], v[1])
            let picked = try indexSelect(y, axis: y.rank - 2, index: Tensor(ints: rows, shape: [rows.count]))
            return try reshape(picked, [picked.value.count])
        }
    }

    /// Gradients of `x @ w` for the cotangent `g`.
    func productGradients(_ x: Tensor, _ w: Tensor, cotangent g: Tensor) throws -> [Tensor] {
        let saved = Tape.current
        let tape = Tape()
        Tape.current = tape
        defer { Tape.current = saved }
        let vars = [tape.variable(x), tape.variable(w)]
        return try tape.gradients(of: matmul(vars[0], vars[1]), wrt: vars, seed: g)
    }

    @Test func stackTimesMatrixReadAtSomeRows() throws {
        // 32-row items, 16-wide contraction: large enough for the row-restricted path.
        let x = sample([2, 32, 16], seed: 1), w = sample([16, 64], seed: 2)
        for rows in [[31], [3, 17], [0, 1, 2]] {
            let r = try gradcheck(readingRows(rows) { try matmul($0, $1) }, inputs: [x, w])
            #expect(r.passed, "rows \(rows): \(r)")
        }
    }

    @Test func stackTimesStackAndMatrixTimesStack() throws {
        let a = sample([2, 32, 16], seed: 3), b = sample([2, 16, 64], seed: 4)
        let r1 = try gradcheck(readingRows([31]) { try matmul($0, $1) }, inputs: [a, b])
        #expect(r1.passed, "stack @ stack: \(r1)")
        let w = sample([32, 16], seed: 5)
        let r2 = try gradcheck(readingRows([5, 31]) { try matmul($0, $1) }, inputs: [w, b])
        #expect(r2.passed, "matrix @ stack: \(r2)")
    }

    @Test func agreesWithTheFullProducts() throws {
        // A cotangent nonzero only in each item's last row, against the plain formulas
        // dA = G Bᵀ, dB = Aᵀ G computed over every row.
        let x = try Tensor.normal([4, 32, 24], dtype: .float32, generator: RandomGenerator(seed: 6))
        let w = try Tensor.normal([24, 64], dtype: .float32, generator: RandomGenerator(seed: 7))
        var gv = [Double](repeating: 0, count: 4 * 32 * 64)
        for t in 0..<4 { for j in 0..<64 { gv[(t * 32 + 31) * 64 + j] = Double(j % 7) - 3 } }
        let g = try Tensor(gv, shape: [4, 32, 64], dtype: .float32)
        let grads = try productGradients(x, w, cotangent: g)
        let dx = try Tensor.matmul(g, w.matrixTranspose).toDoubles()
        let dw = try Tensor.matmul(x.reshaped([128, 24]).matrixTranspose, g.reshaped([128, 64])).toDoubles()
        func worst(_ got: [Double], _ want: [Double]) -> Double {
            got.count == want.count ? zip(got, want).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0 : .infinity
        }
        #expect(worst(grads[0].toDoubles(), dx) < 1e-5)
        #expect(worst(grads[1].toDoubles(), dw) < 1e-5)
        // Rows without gradient get exact zeros.
        #expect(grads[0].toDoubles().enumerated().allSatisfy { ($0.offset / 24) % 32 == 31 || $0.element == 0 })
    }

    @Test func aCotangentOfZerosGivesZeroGradients() throws {
        let x = sample([2, 32, 16], seed: 8), w = sample([16, 64], seed: 9)
        let g = try Tensor.zeros([2, 32, 64], dtype: .float64)
        let grads = try productGradients(x, w, cotangent: g)
        #expect(grads[0].shape == [2, 32, 16] && grads[0].toDoubles().allSatisfy { $0 == 0 })
        #expect(grads[1].shape == [16, 64] && grads[1].toDoubles().allSatisfy { $0 == 0 })
    }

    @Test func findsTheRowsThatHoldNonzeros() throws {
        var v = [Double](repeating: 0, count: 3 * 8 * 4)
        v[(0 * 8 + 2) * 4 + 1] = 1
        v[(2 * 8 + 6) * 4 + 3] = .nan
        let t = try Tensor(v, shape: [3, 8, 4], dtype: .float64)
        #expect(t.rowsWithNonzeros(atMost: 2) == [2, 6])
        #expect(t.rowsWithNonzeros(atMost: 1) == nil)
        #expect(try Tensor.ones([8, 4], dtype: .float32).rowsWithNonzeros(atMost: 3) == nil)
        let part = try Tensor([1, 2, 3, 4], shape: [2, 1, 2], dtype: .float64)
        #expect(part.placingRows([2], inMatricesOf: 3).toDoubles() == [0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 3, 4])
        #expect(try t.selectingRows([2, 6]).shape == [3, 2, 4])
    }
}
