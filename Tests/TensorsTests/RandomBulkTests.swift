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

    @Test func portableLogMatchesLog() {
        for x in [1e-300, 5e-324, 1e-10, 0.25, 0.5, 0.7071, 0.99999, 1, 1.5, 2, 1e10, 1.7e308] {
            let l = portableLog(x)
            #expect(abs(l - Foundation.log(x)) <= 4 * abs(Foundation.log(x)).ulp + 1e-300, "log(\(x))")
        }
    }
}
