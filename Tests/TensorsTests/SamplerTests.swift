import Foundation
import Testing
@testable import Tensors

/// Raw bit patterns, so equality means bit-identical.
private func bits(_ t: Tensor) -> [UInt64] { t.toDoubles().map(\.bitPattern) }

private func meanAndVariance(_ xs: [Double]) -> (Double, Double) {
    let mean = xs.reduce(0, +) / Double(xs.count)
    let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)
    return (mean, variance)
}

@Suite struct SamplerTests {
    // MARK: golden values

    @Test func goldenFirstValuesForSeedZero() throws {
        // Pinned so that a change to any sampler's use of the stream is noticed: saved
        // experiments would otherwise silently change their numbers.
        func g() -> RandomGenerator { RandomGenerator(seed: 0) }
        #expect(try Tensor.gamma(2.0, shape: [4], dtype: .float64, generator: g()).toDoubles()
                == [0.966342835010579, 4.455869400660134, 4.012138903702206, 2.3659271068961742])
        #expect(try Tensor.gamma(0.5, shape: [4], dtype: .float64, generator: g()).toDoubles()
                == [0.05625714793647476, 2.699545678721801, 0.010874492602354001, 0.19192609896618198])
        let perElement = Tensor([0.1, 1.0, 7.5, 1000.0], dtype: .float64)
        #expect(try Tensor.gamma(perElement, dtype: .float64, generator: g()).toDoubles()
                == [2.3807616601552217e-06, 2.799534385898581, 6.02457838154212, 1011.1362300968001])
        #expect(try Tensor.beta(Tensor(scalar: 2), Tensor(scalar: 3), shape: [4], dtype: .float64, generator: g()).toDoubles()
                == [0.1397328375550865, 0.5320094727228746, 0.12401171273986127, 0.3720035692275938])
        #expect(try Tensor.dirichlet(Tensor([1, 1, 1], dtype: .float64), shape: [2], dtype: .float64, generator: g()).toDoubles()
                == [0.04865738995365595, 0.5097658651795346, 0.44157674486680937,
                    0.21447550504061452, 0.0566369962622988, 0.7288874986970867])
        let probs = try Tensor([Double](repeating: 0, count: 8).flatMap { _ in [0.1, 0.2, 0.3, 0.4] }, shape: [8, 4], dtype: .float64)
        #expect(try Tensor.categorical(probs, generator: g()).toInts() == [2, 3, 3, 3, 0, 1, 3, 3])
    }

    @Test func sameSeedGivesBitIdenticalDrawsInBothPrecisions() throws {
        let alpha = Tensor([0.3, 1, 4], dtype: .float64)
        let a = try Tensor.dirichlet(alpha, shape: [50], dtype: .float64, generator: RandomGenerator(seed: 9))
        let b = try Tensor.dirichlet(alpha, shape: [50], dtype: .float64, generator: RandomGenerator(seed: 9))
        #expect(bits(a) == bits(b))
        // Float32 is the float64 draw rounded: the same stream underneath.
        let f = try Tensor.gamma(0.7, shape: [200], dtype: .float32, generator: RandomGenerator(seed: 4)).toDoubles()
        let d = try Tensor.gamma(0.7, shape: [200], dtype: .float64, generator: RandomGenerator(seed: 4)).toDoubles()
        #expect(d.map { Double(Float($0)) } == f)
        // Another thread, with its own generator from the same seed, gets the same bits.
        final class Box: @unchecked Sendable { var t: [UInt64] = []; var error: Error? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                box.t = bits(try Tensor.beta(Tensor(scalar: 0.5), Tensor(scalar: 2), shape: [300], dtype: .float64,
                                             generator: RandomGenerator(seed: 21)))
            } catch { box.error = error }
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(box.error == nil)
        #expect(box.t == bits(try Tensor.beta(Tensor(scalar: 0.5), Tensor(scalar: 2), shape: [300], dtype: .float64,
                                              generator: RandomGenerator(seed: 21))))
    }

    // MARK: statistics

    @Test(arguments: [0.05, 0.3, 1.0, 2.5, 10.0, 1000.0])
    func gammaMeanAndVarianceEqualAlpha(alpha: Double) throws {
        let n = 100_000
        let x = try Tensor.gamma(alpha, shape: [n], dtype: .float64, generator: RandomGenerator(seed: 31)).toDoubles()
        #expect(x.allSatisfy { $0 >= 0 && $0.isFinite })
        let (m, v) = meanAndVariance(x)
        // Five standard errors: sd(mean) = √(α/n); sd(var) ≈ α·√((2 + 6/α)/n) (excess kurtosis 6/α).
        #expect(abs(m - alpha) < 5 * (alpha / Double(n)).squareRoot(), "mean \(m) for alpha \(alpha)")
        #expect(abs(v - alpha) < 5 * alpha * ((2 + 6 / alpha) / Double(n)).squareRoot(), "variance \(v) for alpha \(alpha)")
    }

    @Test func gammaOfOneIsExponential() throws {
        // Gamma(1) is Exp(1): P(X > 1) = 1/e.
        let x = try Tensor.gamma(1.0, shape: [100_000], dtype: .float64, generator: RandomGenerator(seed: 32)).toDoubles()
        let tail = Double(x.filter { $0 > 1 }.count) / 100_000
        #expect(abs(tail - exp(-1.0)) < 0.005)
    }

    @Test func betaMomentsMatch() throws {
        for (a, b) in [(2.0, 6.0), (0.5, 0.5), (0.2, 3.0)] {
            let x = try Tensor.beta(Tensor(scalar: a), Tensor(scalar: b), shape: [100_000], dtype: .float64,
                                    generator: RandomGenerator(seed: 33)).toDoubles()
            #expect(x.allSatisfy { $0 >= 0 && $0 <= 1 })
            let (m, v) = meanAndVariance(x)
            let s = a + b
            #expect(abs(m - a / s) < 0.005, "beta(\(a), \(b)) mean \(m)")
            #expect(abs(v - a * b / (s * s * (s + 1))) < 0.003, "beta(\(a), \(b)) variance \(v)")
        }
    }

    @Test func dirichletRowsSumToOneWithTheRightMeans() throws {
        let alpha = Tensor([1, 2, 7], dtype: .float64)
        let d = try Tensor.dirichlet(alpha, shape: [100_000], dtype: .float64, generator: RandomGenerator(seed: 34))
        #expect(d.shape == [100_000, 3])
        let x = d.toDoubles()
        var means = [0.0, 0.0, 0.0], worst = 0.0
        for r in 0..<100_000 {
            worst = max(worst, abs(x[3 * r] + x[3 * r + 1] + x[3 * r + 2] - 1))
            for j in 0..<3 { means[j] += x[3 * r + j] / 100_000 }
        }
        #expect(worst < 1e-14)
        for (j, want) in [0.1, 0.2, 0.7].enumerated() { #expect(abs(means[j] - want) < 0.003, "\(means)") }
        // Float32 rows too, and a uniform random transition matrix.
        let p = try Tensor.dirichlet(Tensor([1, 1, 1, 1, 1], dtype: .float64), shape: [5], dtype: .float32, generator: RandomGenerator(seed: 35))
        #expect(p.shape == [5, 5] && p.dtype == .float32)
        #expect(try p.sum(axes: [1]).toDoubles().allSatisfy { abs($0 - 1) < 1e-6 })
    }

    @Test func dirichletWithTinyConcentrationsIsNearlyOneHot() throws {
        // Every gamma draw underflows here; the log-space normalization still gives rows.
        let d = try Tensor.dirichlet(Tensor([1e-4, 1e-4, 1e-4], dtype: .float64), shape: [1000], dtype: .float64,
                                     generator: RandomGenerator(seed: 36)).toDoubles()
        #expect(d.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        var spread = 0
        for r in 0..<1000 {
            let row = d[(3 * r)..<(3 * r + 3)]
            #expect(abs(row.reduce(0, +) - 1) < 1e-14)
            if row.max()! < 0.99 { spread += 1 }
        }
        // A row is not within 0.01 of a vertex with probability about 1e-3 here (the gap
        // between the two largest log-gammas must be below ln 100 while they are ~1e4 apart).
        #expect(spread <= 6, "\(spread) of 1000 rows not near a vertex")
        let b = try Tensor.beta(Tensor(scalar: 1e-200, dtype: .float64), Tensor(scalar: 1e-200, dtype: .float64), shape: [100], dtype: .float64,
                                generator: RandomGenerator(seed: 37)).toDoubles()
        #expect(b.allSatisfy { $0 == 0 || $0 == 1 })
    }

    @Test func alphaBroadcastsPerElementAndPerRow() throws {
        let g = RandomGenerator(seed: 38)
        let alpha = Tensor([0.5, 50], dtype: .float64)
        let x = try Tensor.gamma(alpha, shape: [20_000, 2], dtype: .float64, generator: g).toDoubles()
        let col0 = stride(from: 0, to: x.count, by: 2).map { x[$0] }, col1 = stride(from: 1, to: x.count, by: 2).map { x[$0] }
        #expect(abs(meanAndVariance(col0).0 - 0.5) < 0.03 && abs(meanAndVariance(col1).0 - 50) < 0.3)
        // A different concentration vector per row of a Dirichlet: alpha [2, 3] to shape [n, 2].
        let rows = try Tensor([100, 1, 1, 1, 1, 100], shape: [2, 3], dtype: .float64)
        let perRow = try Tensor.dirichlet(rows, shape: [5000, 2], dtype: .float64, generator: g)
        #expect(perRow.shape == [5000, 2, 3])
        let m = try perRow.mean(axes: [0]).toDoubles()
        #expect(abs(m[0] - 100.0 / 102) < 0.01 && abs(m[5] - 100.0 / 102) < 0.01, "\(m)")
    }

    @Test func categoricalFrequenciesMatchTheWeights() throws {
        let weights = [1.0, 0, 3, 6]
        let n = 100_000
        let probs = try Tensor(Array([[Double]](repeating: weights, count: n).joined()), shape: [n, 4], dtype: .float64)
        let draws = try Tensor.categorical(probs, generator: RandomGenerator(seed: 39)).toInts()
        var counts = [0, 0, 0, 0]
        for d in draws { counts[d] += 1 }
        #expect(counts[1] == 0)
        for j in [0, 2, 3] {
            let p = weights[j] / 10, expected = p * Double(n)
            #expect(abs(Double(counts[j]) - expected) < 5 * (Double(n) * p * (1 - p)).squareRoot(), "\(counts)")
        }
        // Batched rows, int and float32 weights, a one-category row.
        let batched = try Tensor.categorical(Tensor([0, 1, 1, 0, 0, 1, 1, 0], shape: [2, 2, 2], dtype: .float32))
        #expect(batched.shape == [2, 2] && batched.toInts() == [1, 0, 1, 0])
        #expect(try Tensor.categorical(Tensor(ints: [0, 0, 5])).toInts() == [2])
        #expect(try Tensor.categorical(Tensor([2], dtype: .float64)).toInts() == [0])
        #expect(try Tensor.categorical(Tensor.zeros([0, 3])).shape == [0])
        // Weights near the largest double: the row's sum overflows, the draw does not.
        let huge = try Tensor.categorical(Tensor([1.7e308, 1.7e308], dtype: .float64), generator: RandomGenerator(seed: 40))
        #expect([0, 1].contains(huge.toInts()[0]))
        // Subnormal weights: u·total can round onto the total; a zero weight is still never drawn.
        let tiny = Double.leastNonzeroMagnitude
        let sub = try Tensor(Array([[Double]](repeating: [3 * tiny, 0], count: 2000).joined()), shape: [2000, 2], dtype: .float64)
        #expect(try Tensor.categorical(sub, generator: RandomGenerator(seed: 41)).toInts().allSatisfy { $0 == 0 })
    }

    // MARK: errors

    @Test func badConcentrationsAndProbabilitiesThrow() throws {
        for bad in [0.0, -1, .nan, .infinity, 1e-301] {
            expectError(.value, mentioning: ["alpha"]) { try Tensor.gamma(bad, shape: [2]) }
        }
        expectError(.value, mentioning: ["flat index 1"]) { try Tensor.gamma(Tensor([1, 0], dtype: .float64)) }
        expectError(.value, mentioning: ["b must be"]) { try Tensor.beta(Tensor(scalar: 1), Tensor(scalar: -2)) }
        expectError(.shape, mentioning: ["scalar"]) { try Tensor.dirichlet(Tensor(scalar: 1)) }
        expectError(.shape, mentioning: ["at least one"]) { try Tensor.dirichlet(Tensor([], dtype: .float64)) }
        expectError(.shape, mentioning: ["broadcast"]) { try Tensor.dirichlet(Tensor([1, 1, 1, 1], shape: [2, 2], dtype: .float64), shape: [3]) }
        expectError(.shape, mentioning: ["broadcast"]) { try Tensor.gamma(Tensor([1, 1, 1], dtype: .float64), shape: [2]) }
        expectError(.dtype) { try Tensor.gamma(1, shape: [2], dtype: .int64) }
        expectError(.size) { try Tensor.gamma(1, shape: [1 << 40, 1 << 20]) }
        expectError(.value, mentioning: ["row [1]", "-1"]) { try Tensor.categorical(Tensor([1, 1, 1, -1], shape: [2, 2], dtype: .float64)) }
        expectError(.value, mentioning: ["nan"]) { try Tensor.categorical(Tensor([1, .nan], dtype: .float64)) }
        expectError(.value, mentioning: ["inf"]) { try Tensor.categorical(Tensor([1, .infinity], dtype: .float64)) }
        expectError(.value, mentioning: ["row [0, 1]", "sums to 0"]) { try Tensor.categorical(Tensor([1, 0, 0, 0], shape: [1, 2, 2], dtype: .float64)) }
        expectError(.shape, mentioning: ["scalar"]) { try Tensor.categorical(Tensor(scalar: 1)) }
        expectError(.shape, mentioning: ["at least one category"]) { try Tensor.categorical(Tensor.zeros([3, 0])) }
    }

    // MARK: portable exponential

    @Test func portableExpMatchesExp() {
        var worst = 0.0
        var x = -745.0
        while x < 709.7 {
            let want = Foundation.exp(x), got = portableExp(x)
            if want >= Double.leastNormalMagnitude { worst = max(worst, abs(got - want) / want) }
            x += 0.0137
        }
        #expect(worst < 2.5e-16, "worst relative error \(worst)")
        #expect(portableExp(0) == 1)
        #expect(abs(portableExp(1) - Foundation.exp(1.0)) <= Foundation.exp(1.0).ulp)
        #expect(portableExp(710) == .infinity && portableExp(-746) == 0 && portableExp(.nan).isNaN)
        // Subnormal results are still close (a few units of the last subnormal place).
        #expect(abs(portableExp(-740) - Foundation.exp(-740.0)) <= 4 * Double.leastNonzeroMagnitude)
        #expect(portableExp(-.infinity) == 0 && portableExp(.infinity) == .infinity)
    }
}
