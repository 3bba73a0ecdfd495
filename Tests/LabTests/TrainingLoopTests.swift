import Autodiff
import Foundation
import Testing
import Tensors
@testable import Lab

/// One parameter vector θ, bound to a tape leaf while the loop evaluates the loss.
final class VectorModel: ParameterStore {
    var theta: Variable
    init(_ start: [Double]) { theta = Variable(Tensor(start, dtype: .float64)) }
    var values: [Double] { theta.value.toDoubles() }
    func trainableParameters() -> [Tensor] { [theta.value] }
    func setTrainableParameters(_ values: [Tensor]) throws { theta = Variable(values[0]) }
    func setTrainableVariables(_ leaves: [Variable]) throws { theta = leaves[0] }
}

func scalar(_ x: Double) -> Variable { Variable(Tensor(scalar: x, dtype: .float64)) }

/// ½‖θ − target‖².
func quadraticLoss(_ model: VectorModel, target: [Double]) throws -> Variable {
    let d = try sub(model.theta, Variable(Tensor(target, dtype: .float64)))
    return try mul(scalar(0.5), sum(mul(d, d)))
}

/// A loop over full-batch data (the batch is the step index, which the tests can check).
func quadraticLoop(_ model: VectorModel, _ rule: StepRule, target: [Double]) -> TrainingLoop {
    TrainingLoop(store: model, rule: rule, objective: Objective(batch: { $0 }, loss: { _, _ in try quadraticLoss(model, target: target) }))
}

/// What a run logged: the positions of each log, the losses at every position, and θ there.
final class Logs {
    var everyPosition: [Double] = []
    var losses: [Double] = []
    var thetas: [[Double]] = []
    var intervals: [Double: [Double]] = [:]

    func attach(_ loop: TrainingLoop, _ model: VectorModel, every: [Double]) {
        loop.atEveryLog = { position, loss in
            self.everyPosition.append(position)
            self.losses.append(loss)
            self.thetas.append(model.values)
        }
        loop.intervals = every.map { k in LogInterval(every: k) { position in self.intervals[k, default: []].append(position) } }
    }
}

@Suite struct TrainingLoopTests {
    @Test func twoIntervalsLogAtTheirMultiplesAndAllLogTheFinalParameters() throws {
        let model = VectorModel([4, -2])
        let loop = quadraticLoop(model, OptimizerSteps(try SGD(learningRate: 0.5)), target: [1, 1])
        let logs = Logs()
        logs.attach(loop, model, every: [5, 8])
        let report = try loop.run(to: 20)
        #expect(report.stepsDone == 20 && !report.interrupted)
        #expect(logs.everyPosition == (0...20).map(Double.init))
        #expect(logs.intervals[5] == [0, 5, 10, 15, 20])
        #expect(logs.intervals[8] == [0, 8, 16, 20])  // 20 is no multiple of 8: the final log
        // lr 0.5 halves the error each step, so the loss falls by 4: ½(3² + 3²)/4^i, exactly.
        let expected: [Double] = (0...20).map { i in 9 / pow(4.0, Double(i)) }
        #expect(logs.losses == expected)
        let error: Double = 3 * pow(0.5, 20)
        #expect(model.values == [1 + error, 1 - error])
        #expect(report.stepLosses.count == 20 && report.finalLoss == expected[20])
        #expect(report.medianStepMs != nil)
    }

    @Test func stopRequestEndsAfterTheStepAndLogsThereWithoutTheFinalIntervals() throws {
        let model = VectorModel([1])
        let loop = quadraticLoop(model, OptimizerSteps(try SGD(learningRate: 0.01)), target: [0])
        let logs = Logs()
        logs.attach(loop, model, every: [100])
        loop.shouldStop = { logs.everyPosition.count >= 51 }
        let report = try loop.run(to: 5000)
        #expect(report.interrupted && !report.stoppedAtPause)
        #expect(report.stepsDone == 51)
        // Every position up to the stop is logged, and the stop itself; the interval is due at 0
        // only, since a stopped run did not reach its horizon.
        #expect(logs.everyPosition == (0...51).map(Double.init))
        #expect(logs.intervals[100] == [0])
        #expect(abs(logs.thetas.last![0] - pow(0.99, 51)) < 1e-12)
    }

    @Test func pauseThatResumesGoesOnAndOneThatStopsEndsThere() throws {
        let model = VectorModel([1])
        let loop = quadraticLoop(model, OptimizerSteps(try SGD(learningRate: 0.5)), target: [0])
        var asked: [(Int, Double?)] = []
        loop.shouldStop = { model.values[0] < 0.2 }
        loop.pause = { done, loss in
            asked.append((done, loss))
            return asked.count < 2 ? .resume : .stop
        }
        let report = try loop.run(to: 10)
        // θ halves each step: below 0.2 after 3 steps; the second pause (after 4) stops.
        #expect(asked.map(\.0) == [3, 4])
        let losses: [Double?] = [0.5 * 0.25 * 0.25, 0.5 * 0.125 * 0.125]
        #expect(asked.map(\.1) == losses)
        #expect(report.stepsDone == 4 && report.interrupted && report.stoppedAtPause)
        #expect(report.finalLoss == 0.5 * 0.0625 * 0.0625)
    }

    @Test func nonFiniteLossStopsAtItsStepAndKeepsTheLogs() throws {
        // lr 3 doubles θ and flips its sign each step: ½θ² = 2^(2i−1) overflows at step 512.
        let model = VectorModel([1])
        let loop = quadraticLoop(model, OptimizerSteps(try SGD(learningRate: 3)), target: [0])
        let dir = try tempDir()
        let log = MetricLog(directory: dir)
        loop.atEveryLog = { step, loss in try log.record("loss", step: step, value: loss) }
        do {
            _ = try loop.run(to: 10_000)
            Issue.record("expected a NonFiniteError")
        } catch let e as NonFiniteError {
            #expect(e.step == 512 && e.metric == "loss" && e.value == .infinity)
            #expect(e.description == "loss became inf at step 512; training stopped (metrics logged so far are kept)")
            #expect(log.scalars["loss"]!.count == 512)
            #expect(log.scalars["loss"]!.last == pow(2, 1021))
            try log.flush()
            let csv = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
            #expect(csv.split(separator: "\n").count == 513)
        }
    }

    @Test func globalNormClipScalesTheStepToTheBound() throws {
        // ∇ = θ − target = (3, −3), norm 3√2: clipped to norm 1, lr 1 moves θ by (almost) 1.
        let model = VectorModel([4, -2])
        let rule = OptimizerSteps(try SGD(learningRate: 1))
        rule.clip = .norm(1)
        let loop = quadraticLoop(model, rule, target: [1, 1])
        let logs = Logs()
        logs.attach(loop, model, every: [])
        _ = try loop.run(to: 1)
        // GradientClip's arithmetic: the norm √18, the factor 1/(norm + 1e-6) on each element.
        let scale: Double = 3 * (1 / (18.0.squareRoot() + 1e-6))
        let clipped: [[Double]] = [[4, -2], [4 - scale, -2 + scale]]
        #expect(logs.thetas == clipped)
        let moved = hypot(logs.thetas[1][0] - 4, logs.thetas[1][1] + 2)
        #expect(moved < 1 && moved > 1 - 1e-6)
    }

    @Test func valueClipClampsEveryGradientElement() throws {
        // ∇ = (3, −3) clamped to ±0.5: θ moves by exactly 0.5 per step, the loss is ½(2.5² + 2.5²).
        let model = VectorModel([4, -2])
        let rule = OptimizerSteps(try SGD(learningRate: 1))
        rule.clip = .value(0.5)
        let loop = quadraticLoop(model, rule, target: [1, 1])
        let logs = Logs()
        logs.attach(loop, model, every: [])
        _ = try loop.run(to: 2)
        #expect(logs.thetas == [[4, -2], [3.5, -1.5], [3, -1]])
        #expect(logs.losses == [9, 6.25, 4])
    }

    @Test func stepScheduleScalesTheLearningRateOfEachStep() throws {
        // θ ← θ(1 − 0.5·f(i)) with f = 1, 1, 0.5, 0.5, 0.25: the factors 0.5, 0.5, 0.75, 0.75, 0.875.
        let model = VectorModel([1])
        let rule = OptimizerSteps(try SGD(learningRate: 0.5))
        rule.schedule = .step(every: 2, gamma: 0.5)
        let loop = quadraticLoop(model, rule, target: [0])
        let logs = Logs()
        logs.attach(loop, model, every: [])
        _ = try loop.run(to: 5)
        #expect(logs.thetas.map { $0[0] } == [1, 0.5, 0.25, 0.1875, 0.140625, 0.123046875])
    }

    @Test func afterStepProjectionIsSeenByTheNextStep() throws {
        let model = VectorModel([1, 1])
        let rule = OptimizerSteps(try SGD(learningRate: 0.1))
        rule.afterStep = { _ in try model.setTrainableParameters([Tensor([model.values[0], 0], dtype: .float64)]) }
        let loop = quadraticLoop(model, rule, target: [3, 3])
        let logs = Logs()
        logs.attach(loop, model, every: [])
        _ = try loop.run(to: 5)
        #expect(logs.thetas.dropFirst().allSatisfy { $0[1] == 0 })
        #expect(model.values[0] > 1)
    }

    @Test func eachStepDrawsItsOwnBatchAndTheFinalEvaluationTheNext() throws {
        let model = VectorModel([0])
        var drawn: [Int] = []
        let loop = TrainingLoop(store: model, rule: OptimizerSteps(try SGD(learningRate: 0.1)), objective: Objective(batch: { step in
            drawn.append(step)
            return Double(step)
        }, loss: { target, _ in try quadraticLoss(model, target: [target]) }))
        _ = try loop.run(to: 3)
        #expect(drawn == [0, 1, 2, 3])
    }
}

/// L = ½ Σ a_i θ_i², whose flow is θ_i(t) = θ_i(0) e^{−a_i t}.
func flowLoss(_ model: VectorModel, a: [Double]) throws -> Variable {
    try mul(scalar(0.5), sum(mul(Variable(Tensor(a, dtype: .float64)), mul(model.theta, model.theta))))
}

@Suite struct GradientFlowTests {
    @Test func flowThroughTheLoopLogsAtBothIntervalsAndMatchesTheExponentialSolution() throws {
        let a = [1.0, 3.0]
        let model = VectorModel([1, 2])
        let rule = GradientFlowSteps(try GradientFlow(rtol: 1e-8, atol: 1e-10))
        var drawn: [Int] = []
        let loop = TrainingLoop(store: model, rule: rule, objective: Objective(batch: { drawn.append($0) }, loss: { _, _ in try flowLoss(model, a: a) }))
        let logs = Logs()
        logs.attach(loop, model, every: [0.5, 0.75])
        let report = try loop.run(to: 2)
        #expect(drawn == [0])  // one batch for a deterministic loss
        #expect(logs.everyPosition == [0, 0.5, 0.75, 1, 1.5, 2])
        #expect(logs.intervals[0.5] == [0, 0.5, 1, 1.5, 2])
        #expect(logs.intervals[0.75] == [0, 0.75, 1.5, 2])  // 2 is the horizon: the final log
        for (time, v) in zip(logs.everyPosition, logs.thetas) {
            #expect(abs(v[0] - exp(-a[0] * time)) < 1e-7)
            #expect(abs(v[1] - 2 * exp(-a[1] * time)) < 1e-7)
        }
        #expect(!report.interrupted && report.stepsDone == 5)
        #expect(model.trainableParameters()[0].dtype == .float64)
        #expect(abs(model.values[1] - 2 * exp(-6)) < 1e-7)
        #expect(rule.stats.accepted > 3 && rule.stats.evaluations == 1 + 6 * (rule.stats.accepted + rule.stats.rejected))
    }

    @Test func flowWithoutIntervalsLogsOnlyAtTheHorizon() throws {
        let model = VectorModel([1])
        let loop = TrainingLoop(store: model, rule: GradientFlowSteps(try GradientFlow()), objective: Objective(batch: { _ in () }, loss: { _, _ in try flowLoss(model, a: [1]) }))
        let logs = Logs()
        logs.attach(loop, model, every: [])
        _ = try loop.run(to: 1)
        #expect(logs.everyPosition == [1])
        #expect(abs(logs.thetas[0][0] - exp(-1)) < 1e-5)
    }

    @Test func stopRequestEndsTheFlowBetweenLogTimesWithoutAFinalLog() throws {
        let model = VectorModel([1])
        let rule = GradientFlowSteps(try GradientFlow())
        let loop = TrainingLoop(store: model, rule: rule, objective: Objective(batch: { _ in () }, loss: { _, _ in try flowLoss(model, a: [1]) }))
        let logs = Logs()
        logs.attach(loop, model, every: [1])
        loop.shouldStop = { rule.stats.accepted >= 3 }
        let report = try loop.run(to: 10)
        #expect(report.interrupted)
        #expect(logs.everyPosition == [0])
        // The parameters left in the store are where the flow stopped: after 3 accepted steps.
        #expect(model.values[0] < 1 && model.values[0] > exp(-1))
    }

    @Test func nonFiniteLossStopsTheFlow() throws {
        let model = VectorModel([1])
        let loop = TrainingLoop(store: model, rule: GradientFlowSteps(try GradientFlow()), objective: Objective(batch: { _ in () }, loss: { _, _ in
            try mul(scalar(.nan), sum(model.theta))
        }))
        #expect { _ = try loop.run(to: 1) } throws: { e in
            guard let e = e as? NonFiniteError else { return false }
            return e.step == 0 && e.value.isNaN
        }
    }
}
