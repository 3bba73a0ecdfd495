import Autodiff
import Foundation
import Testing
import Tensors
@testable import Lab

/// One parameter vector θ; loss ½‖θ − target‖².
final class QuadraticModel: ParameterStore {
    var theta: Tensor
    init(_ start: [Double]) { theta = Tensor(start, dtype: .float64) }
    func trainableParameters() -> [Tensor] { [theta] }
    func setTrainableParameters(_ values: [Tensor]) throws { theta = values[0] }
}

func quadraticLoss(_ leaves: [Variable], target: [Double]) throws -> Variable {
    let d = try sub(leaves[0], Variable(Tensor(target, dtype: .float64)))
    return try mul(Variable(Tensor(scalar: 0.5, dtype: .float64)), sum(mul(d, d)))
}

@Suite struct TrainerTests {
    @Test func gradientDescentConvergesAndLogsAtTheRightSteps() throws {
        let model = QuadraticModel([4, -2])
        let trainer = Trainer(store: model, optimizer: try SGD(learningRate: 0.5))
        trainer.logEvery = 5
        var logged: [(Int, Double)] = []
        let report = try trainer.run(steps: 20, loss: { _, p in try quadraticLoss(p, target: [1, 1]) },
                                     log: { step, loss in logged.append((step, loss)) })
        #expect(report.stepsDone == 20 && !report.interrupted)
        #expect(logged.map(\.0) == [0, 5, 10, 15, 20])
        #expect(abs(logged[0].1 - 0.5 * (9 + 9)) < 1e-12)
        // lr 0.5 halves the error each step.
        #expect(abs(model.theta.toDoubles()[0] - (1 + 3 * pow(0.5, 20))) < 1e-12)
        #expect(report.medianStepMs != nil)
    }

    @Test func nonFiniteLossStopsWithTheStepAndKeepsLogs() throws {
        let model = QuadraticModel([1])
        let trainer = Trainer(store: model, optimizer: try SGD(learningRate: 3))  // diverges
        trainer.logEvery = 1
        let dir = try tempDir()
        let log = MetricLog(directory: dir)
        do {
            _ = try trainer.run(steps: 10_000, loss: { _, p in try quadraticLoss(p, target: [0]) }) { step, loss in
                try log.record("loss", step: Double(step), value: loss)
            }
            Issue.record("expected a NonFiniteError")
        } catch let e as NonFiniteError {
            #expect(e.step > 10 && e.metric == "loss")
            #expect(log.scalars["loss"]!.count == e.step)
            try log.flush()
            let csv = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
            #expect(csv.split(separator: "\n").count == e.step + 1)
        }
    }

    @Test func stopRequestEndsTrainingAfterTheCurrentStep() throws {
        // The real SIGINT path is tested on the exp binary (ExperimentRunTests), because a
        // signal reaches every training loop in the process, including other tests'.
        let model = QuadraticModel([1])
        let trainer = Trainer(store: model, optimizer: try SGD(learningRate: 0.01))
        trainer.logEvery = 100
        var seen = 0
        trainer.shouldStop = { seen >= 51 }
        var logs = 0
        let report = try trainer.run(steps: 5000, loss: { _, p in
            seen += 1
            return try quadraticLoss(p, target: [0])
        }, log: { _, _ in logs += 1 })
        #expect(report.interrupted)
        #expect(report.stepsDone == 51)
        #expect(logs == 2)  // step 0 and the final evaluation
    }

    @Test func afterStepProjectionIsSeenByTheNextStep() throws {
        let model = QuadraticModel([1, 1])
        let trainer = Trainer(store: model, optimizer: try SGD(learningRate: 0.1))
        _ = try trainer.run(steps: 5, loss: { _, p in try quadraticLoss(p, target: [3, 3]) },
                            afterStep: { _ in model.theta = Tensor([model.theta.toDoubles()[0], 0], dtype: .float64) })
        #expect(model.theta.toDoubles()[1] == 0)
        #expect(model.theta.toDoubles()[0] > 1)
    }
}
