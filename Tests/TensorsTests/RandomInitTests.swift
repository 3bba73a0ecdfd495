import Testing
import Tensors

@Suite struct RandomInitTests {
    @Test func boundsArePyTorchsToTheLastBit() {
        // Values of Python's math: sqrt(3.0) * (sqrt(2.0 / (1 + sqrt(5)**2)) / sqrt(fan)),
        // which is what torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5)) uses for nn.Linear.
        let a = 5.0.squareRoot()
        #expect(Tensor.kaimingUniformBound(fanIn: 4, a: a) == 0.49999999999999994)
        #expect(Tensor.kaimingUniformBound(fanIn: 16, a: a) == 0.24999999999999997)
        #expect(Tensor.kaimingUniformBound(fanIn: 1000, a: a) == 0.03162277660168379)
        // The default a = 0 is He init: sqrt(6 / fan_in).
        #expect(Tensor.kaimingUniformBound(fanIn: 64) == 0.3061862178478973)
        #expect(Tensor.kaimingUniformBound(fanIn: 9, nonlinearity: .relu) == Tensor.kaimingUniformBound(fanIn: 9, a: 0))
        #expect(Tensor.kaimingUniformBound(fanIn: 3, a: 7, nonlinearity: .linear) == 1.0)
        #expect(InitNonlinearity.tanh.gain(negativeSlope: 0) == 5.0 / 3)
    }

    @Test func drawsFillTheIntervalUniformly() throws {
        let g = RandomGenerator(seed: 3)
        let w = try Tensor.kaimingUniform([400, 250], fanIn: 400, a: 5.0.squareRoot(), dtype: .float64, generator: g).toDoubles()
        let bound = Tensor.kaimingUniformBound(fanIn: 400, a: 5.0.squareRoot())
        #expect(w.allSatisfy { abs($0) < bound })
        #expect(w.map(abs).max()! > 0.999 * bound)
        let mean = w.reduce(0, +) / Double(w.count)
        let variance = w.reduce(0) { $0 + $1 * $1 } / Double(w.count) - mean * mean
        #expect(abs(mean) < 0.001 && abs(variance - bound * bound / 3) < 0.01 * bound * bound)
        let b = try Tensor.linearBias([1000], fanIn: 25, dtype: .float64, generator: g).toDoubles()
        #expect(b.allSatisfy { abs($0) < 0.2 } && b.map(abs).max()! > 0.19)
    }

    @Test func zeroSizesAndBadInput() throws {
        #expect(try Tensor.kaimingUniform([0, 5], fanIn: 0).shape == [0, 5])
        #expect(try Tensor.linearBias([3], fanIn: 0).toDoubles() == [0, 0, 0])
        expectError(.value, mentioning: ["fan_in"]) { try Tensor.kaimingUniform([2, 2], fanIn: 0) }
        expectError(.value, mentioning: ["finite"]) { try Tensor.kaimingUniform([2, 2], fanIn: 2, a: .nan) }
        expectError(.dtype) { try Tensor.kaimingUniform([2, 2], fanIn: 2, dtype: .int64) }
        expectError(.size) { try Tensor.kaimingUniform([-1, 2], fanIn: 2) }
        expectError(.value) { try Tensor.linearBias([2], fanIn: -1) }
    }
}
