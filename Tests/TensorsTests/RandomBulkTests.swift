import Foundation
import Testing
@testable import Tensors

/// Large normal tensors are drawn in parallel: they must equal the one-pair-at-a-time stream
/// bit for bit, leave the generator where the sequential draws would, and be portable.
@Suite struct RandomBulkTests {
    /// The sequential reference: `count` values from `nextNormalPair`, the odd last one dropped.
    static func sequential(_ g: RandomGenerator, _ count: Int) -> [Double] {
        var out: [Double] = []
        while out.count < count {
            let (a, b) = g.nextNormalPair()
            out.append(a)
            if out.count < count { out.append(b) }
        }
        return out
    }

    @Test(arguments: [0, 1, 2, 3])
    func bulkEqualsSequential(offsetWords: Int) throws {
        for n in [5, 4095, 40_001, 100_000] {
            let g1 = RandomGenerator(seed: 7), g2 = RandomGenerator(seed: 7)
            for _ in 0..<offsetWords { _ = g1.nextUInt32(); _ = g2.nextUInt32() }
            let bulk = try Tensor.normal([n], dtype: .float64, generator: g1).toDoubles()
            let reference = Self.sequential(g2, n)
            #expect(bulk == reference, "n = \(n), offset \(offsetWords)")
            // The stream continues at the same place.
            #expect(g1.nextUInt64() == g2.nextUInt64())
        }
    }

    @Test func float32RoundsTheSameDraws() throws {
        let a = try Tensor.normal([30_000], mean: 1, std: 2, dtype: .float32, generator: RandomGenerator(seed: 3)).toDoubles()
        let b = Self.sequential(RandomGenerator(seed: 3), 30_000).map { Double(Float(1 + 2 * $0)) }
        #expect(a == b)
    }

    /// The SIMD path against the scalar loop: every size class (scalar below 32 pairs, one
    /// thread, both threads), odd counts, stream positions that are not multiples of 4, both
    /// precisions, a non-trivial mean and std, and the stream position afterwards.
    @Test(arguments: [0, 1, 2, 3, 5, 6, 7, 10])
    func fastPathMatchesScalarLoop(offsetWords: Int) throws {
        for n in [1, 2, 3, 62, 63, 64, 65, 66, 127, 1000, 4097, 8191, 8192, 8193, 16_385, 65_537, 215_040] {
            for dtype in [DType.float32, .float64] {
                let g1 = RandomGenerator(seed: 1234), g2 = RandomGenerator(seed: 1234)
                for _ in 0..<offsetWords { _ = g1.nextUInt32(); _ = g2.nextUInt32() }
                let fast = try Tensor.normal([n], mean: -0.5, std: 3, dtype: dtype, generator: g1).toDoubles()
                let reference = Self.sequential(g2, n).map { dtype == .float32 ? Double(Float(-0.5 + 3 * $0)) : -0.5 + 3 * $0 }
                #expect(fast == reference, "n = \(n), offset \(offsetWords), \(dtype)")
                #expect(g1.wordPosition == g2.wordPosition, "n = \(n), offset \(offsetWords), \(dtype)")
                #expect(g1.nextUInt64() == g2.nextUInt64())
            }
        }
    }

    /// Batches that fall short (forced here by tiny batch sizes, in one part and in two) continue
    /// in the next round at the right place.
    @Test(arguments: [3, 1100])
    func shortBatchesContinueTheStream(groups: Int) {
        for offsetWords in [0, 3] {
            let n = 20_001
            let g = RandomGenerator(seed: 99), reference = RandomGenerator(seed: 99)
            for _ in 0..<offsetWords { _ = g.nextUInt32(); _ = reference.nextUInt32() }
            var out = [Float](repeating: .nan, count: n)
            var position = g.wordPosition, written = 0, pairs = (n + 1) / 2
            out.withUnsafeMutableBufferPointer { out in
                while pairs > 0 {
                    let r = NormalSampler.round(key: g.key, start: position, pairs: pairs, out: out.baseAddress! + written,
                                                capacity: n - written, mean: 0, std: 1, groups: groups)
                    written = min(n, written + 2 * r.pairs)
                    pairs -= r.pairs
                    position = r.next
                }
            }
            g.seek(toWord: position)
            #expect(out == Self.sequential(reference, n).map { Float($0) }, "groups \(groups), offset \(offsetWords)")
            #expect(g.wordPosition == reference.wordPosition)
        }
    }

    @Test func normalPairsMatchesScalarLoop() {
        let g1 = RandomGenerator(seed: 5), g2 = RandomGenerator(seed: 5)
        _ = g1.nextUInt32(); _ = g2.nextUInt32()
        var pairs: [Double] = []
        g1.normalPairs(5000) { i, a, b in
            #expect(i == pairs.count / 2)
            pairs += [a, b]
        }
        #expect(pairs == Self.sequential(g2, 10_000))
        #expect(g1.nextUInt64() == g2.nextUInt64())
    }

    @Test func portableLogMatchesLog() {
        for x in [1e-300, Double.leastNonzeroMagnitude, 1e-10, 0.25, 0.5, 0.7071, 0.99999, 1, 1.5, 2, 1e10, 1.7e308] {
            let l = portableLog(x)
            #expect(abs(l - Foundation.log(x)) <= 4 * abs(Foundation.log(x)).ulp + 1e-300, "log(\(x))")
        }
    }
}
