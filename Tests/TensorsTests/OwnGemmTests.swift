import CKernels
import Testing
import Tensors

/// exp's own float32 kernel (`ck_sgemm`, AVX-512) computes the narrow products of small
/// transformers in place of OpenBLAS. These check it against a triple loop in f64 for every
/// layout it accepts (transposed operands, column tails that are not a multiple of 16, row
/// tails below the register block, contractions longer than one chunk, accumulation, C with a
/// row stride wider than its columns), and that Tensor.matmul's float32 routes agree.
@Suite struct OwnGemmTests {
    struct Case {
        var m: Int, n: Int, k: Int
        var transA = false, transB = false, accumulate = false, padC = 0
    }

    /// Values with a few bits each, so float32 products and sums of up to a few hundred terms are exact.
    func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(((($0 &* 7919) &+ seed &* 104_729) % 17) - 8) / 4 }
    }

    func run(_ c: Case) -> (got: [Float], want: [Float]) {
        let a = values(c.m * c.k, seed: 1), b = values(c.k * c.n, seed: 2)
        let ldc = c.n + c.padC
        let start = values(c.m * ldc, seed: 3)
        var got = start
        // A stored m × k (or k × m when transposed), B stored k × n (or n × k).
        let (sai, sak) = c.transA ? (1, c.m) : (c.k, 1)
        let (sbk, sbj) = c.transB ? (1, c.k) : (c.n, 1)
        let handled = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                got.withUnsafeMutableBufferPointer { pc in
                    ck_sgemm(Int64(c.m), Int64(c.n), Int64(c.k), pa.baseAddress, Int64(sai), Int64(sak), pb.baseAddress,
                             Int64(sbk), Int64(sbj), pc.baseAddress, Int64(ldc), c.accumulate ? 1 : 0)
                }
            }
        }
        #expect(handled == 1)
        var want = start
        for i in 0..<c.m {
            for j in 0..<c.n {
                var s = 0.0
                for p in 0..<c.k { s += Double(a[i * sai + p * sak]) * Double(b[p * sbk + j * sbj]) }
                want[i * ldc + j] = Float(s + (c.accumulate ? Double(start[i * ldc + j]) : 0))
            }
        }
        return (got, want)
    }

    @Test(.enabled(if: ck_sgemm_available() != 0, "the kernel needs AVX-512"))
    func matchesTripleLoopForEveryLayout() {
        var cases: [Case] = []
        for (m, n, k) in [(1, 1, 1), (6, 64, 64), (7, 17, 5), (13, 33, 129), (25, 100, 64), (64, 128, 300), (31, 48, 256), (5, 200, 3)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    cases.append(Case(m: m, n: n, k: k, transA: transA, transB: transB))
                }
            }
            cases.append(Case(m: m, n: n, k: k, accumulate: true))
            cases.append(Case(m: m, n: n, k: k, transB: true, accumulate: true, padC: 5))
        }
        for c in cases {
            let (got, want) = run(c)
            // Padding columns of C must be left alone, so compare every element.
            #expect(got == want, "\(c)")
        }
    }

    @Test func float32ProductsAgreeWithTripleLoop() throws {
        // n ≤ 128 runs on the own kernel where available, wider C on OpenBLAS; both must agree
        // with the f64 product of the same float32 values.
        let g = RandomGenerator(seed: 11)
        for (m, k, n) in [(4096, 64, 64), (300, 64, 32), (37, 129, 100), (50, 40, 300)] {
            let a = try Tensor.normal([m, k], dtype: .float32, generator: g)
            let b = try Tensor.normal([k, n], dtype: .float32, generator: g)
            for (x, y) in [(a, b), (try a.transposed(0, 1).contiguous().transposed(0, 1), try b.transposed(0, 1).contiguous().transposed(0, 1))] {
                let got = try Tensor.matmul(x, y).toDoubles()
                let xd = x.contiguous().toDoubles(), yd = y.contiguous().toDoubles()
                var worst = 0.0
                for i in stride(from: 0, to: m, by: max(1, m / 97)) {
                    for j in 0..<n {
                        var s = 0.0
                        for p in 0..<k { s += xd[i * k + p] * yd[p * n + j] }
                        worst = max(worst, abs(got[i * n + j] - s))
                    }
                }
                #expect(worst < 1e-4 * Double(k).squareRoot(), "\(m)x\(k)x\(n): worst error \(worst)")
            }
        }
    }

    @Test func float32StacksAgreeWithTripleLoop() throws {
        // Stacks run item by item on the own kernel in one call per core, including broadcast
        // batch axes and transposed items.
        let g = RandomGenerator(seed: 13)
        let cases: [([Int], [Int], Bool)] = [([64, 32, 32], [64, 32, 64], false), ([2, 1, 37, 20], [1, 3, 20, 48], false),
                                             ([40, 20, 33], [40, 20, 48], true)]
        for (sa, sb, transposeA) in cases {
            var a = try Tensor.normal(sa, dtype: .float32, generator: g)
            let b = try Tensor.normal(sb, dtype: .float32, generator: g)
            if transposeA { a = try a.transposed(a.rank - 2, a.rank - 1) }
            let batch = try Shape.broadcast(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "test")
            let wa = try a.expanded(to: batch + Array(a.shape.suffix(2))).contiguous().toDoubles()
            let wb = try b.expanded(to: batch + Array(b.shape.suffix(2))).contiguous().toDoubles()
            let got = try Tensor.matmul(a, b).toDoubles()
            let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
            var worst = 0.0
            for t in 0..<Shape.count(batch) {
                for i in 0..<m {
                    for j in 0..<n {
                        var s = 0.0
                        for p in 0..<k { s += wa[(t * m + i) * k + p] * wb[(t * k + p) * n + j] }
                        worst = max(worst, abs(got[(t * m + i) * n + j] - s))
                    }
                }
            }
            #expect(worst < 1e-4 * Double(k).squareRoot(), "\(sa) @ \(sb): worst error \(worst)")
        }
    }

    @Test func rowsOfAProductDoNotDependOnTheOtherRows() throws {
        // A prompt's activations must not change with the batch it is in: the first rows of a
        // product split over the cores equal, bit for bit, the product of those rows alone.
        let g = RandomGenerator(seed: 12)
        let a = try Tensor.normal([4096, 64], dtype: .float32, generator: g)
        let w = try Tensor.normal([64, 64], dtype: .float32, generator: g)
        let whole = try Tensor.matmul(a, w).toDoubles()
        let head = try Tensor.matmul(a.sliced(axis: 0, start: 0, stop: 5), w).toDoubles()
        #expect(Array(whole.prefix(5 * 64)) == head)
        let tail = try Tensor.matmul(a.sliced(axis: 0, start: 4090), w).toDoubles()
        #expect(Array(whole.suffix(6 * 64)) == tail)
    }
}
