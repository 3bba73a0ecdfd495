import Testing
@testable import Tensors

/// Every normal-sampler kernel this machine runs (AVX-512, AVX2, the Swift lanes) must give the
/// bits of the one-pair-at-a-time `nextNormalPair` loop, whichever the sampler picks by default.
@Suite struct NormalKernelTests {
    /// `count` values through `NormalSampler.round` with `kernel`, as `fillNormals` drives it,
    /// and the stream word afterwards. `groups` forces short batches.
    static func draw<T: NormalOutput>(_ g: RandomGenerator, _ count: Int, mean: Double, std: Double,
                                      kernel: NormalKernel, groups: Int? = nil, as: T.Type) -> ([T], UInt64) {
        var out = [T](repeating: T.rounded(.nan), count: count)
        var position = g.wordPosition, written = 0, pairs = (count + 1) / 2
        out.withUnsafeMutableBufferPointer { out in
            while pairs > 0 {
                let r = NormalSampler.round(key: g.key, start: position, pairs: pairs, out: out.baseAddress! + written,
                                            capacity: count - written, mean: mean, std: std, groups: groups, kernel: kernel)
                written = min(count, written + 2 * r.pairs)
                pairs -= r.pairs
                position = r.next
            }
        }
        return (out, position)
    }

    static func reference(seed: UInt64, offset: Int, _ count: Int) -> ([Double], UInt64) {
        let g = RandomGenerator(seed: seed)
        for _ in 0..<offset { _ = g.nextUInt32() }
        return (RandomBulkTests.sequential(g, count), g.wordPosition)
    }

    @Test func swiftIsAlwaysAvailable() {
        #expect(NormalKernel.available.first == .swift)
        #expect(NormalKernel.available.contains(NormalKernel.best))
    }

    @Test(arguments: NormalKernel.allCases)
    func kernelMatchesScalarLoop(kernel: NormalKernel) {
        guard NormalKernel.available.contains(kernel) else { return }
        for offset in [0, 1, 2, 3, 5, 6, 7, 9] {
            for n in [1, 31, 64, 65, 66, 127, 1000, 4097, 8193, 16_385, 65_537, 215_040] {
                let seed = UInt64(77 + offset)
                let (ref, refEnd) = Self.reference(seed: seed, offset: offset, n)
                for (mean, std) in [(0.0, 1.0), (-0.5, 3.0)] {
                    let g64 = RandomGenerator(seed: seed), g32 = RandomGenerator(seed: seed)
                    for _ in 0..<offset { _ = g64.nextUInt32(); _ = g32.nextUInt32() }
                    let (d, end64) = Self.draw(g64, n, mean: mean, std: std, kernel: kernel, as: Double.self)
                    let (f, end32) = Self.draw(g32, n, mean: mean, std: std, kernel: kernel, as: Float.self)
                    #expect(d == ref.map { mean + std * $0 }, "\(kernel) f64 n = \(n), offset \(offset)")
                    #expect(f == ref.map { Float(mean + std * $0) }, "\(kernel) f32 n = \(n), offset \(offset)")
                    #expect(end64 == refEnd && end32 == refEnd, "\(kernel) n = \(n), offset \(offset)")
                }
            }
        }
    }

    /// Tiny batches make the kernel hand over to the Swift lanes mid-part, at every remainder.
    @Test(arguments: NormalKernel.allCases)
    func kernelHandsOverInShortBatches(kernel: NormalKernel) {
        guard NormalKernel.available.contains(kernel) else { return }
        for groups in [1, 2, 3, 5, 1100] {
            for offset in [0, 3] {
                let n = 20_001
                let (ref, refEnd) = Self.reference(seed: 99, offset: offset, n)
                let g = RandomGenerator(seed: 99)
                for _ in 0..<offset { _ = g.nextUInt32() }
                let (f, end) = Self.draw(g, n, mean: 0, std: 1, kernel: kernel, groups: groups, as: Float.self)
                #expect(f == ref.map { Float($0) }, "\(kernel) groups \(groups), offset \(offset)")
                #expect(end == refEnd)
            }
        }
    }

    /// Many seeds, so rare lanes (s just below 1, m just above √2) are exercised in every kernel.
    @Test(arguments: NormalKernel.allCases)
    func kernelMatchesAcrossSeeds(kernel: NormalKernel) {
        guard NormalKernel.available.contains(kernel) else { return }
        for seed: UInt64 in [0, 1, 0xFFFF_FFFF, 0x1234_5678_9ABC_DEF0, .max] {
            let (ref, _) = Self.reference(seed: seed, offset: 1, 100_000)
            let g = RandomGenerator(seed: seed)
            _ = g.nextUInt32()
            let (d, _) = Self.draw(g, 100_000, mean: 0, std: 1, kernel: kernel, as: Double.self)
            #expect(d == ref, "\(kernel) seed \(seed)")
        }
    }
}
