import Foundation
import Testing

/// `sweep` with `--jobs 2` runs its combinations in child processes and aggregates exactly what
/// the sequential sweep does.
@Suite struct SweepProcessTests {
    static let script = """
    seed 11
    let lrs = [0.05, 0.1]
    task reg {
      let w = randn([3, 1])
      sample(batch) {
        let x = randn([batch, 3])
        return {input: x, target: x @ w}
      }
    }
    sweep lr in lrs, seed in 1..3 {
      model lin {
        param W = zeros([3, 1])
        forward(x) = x @ W
      }
      optimizer opt = sgd(lr: lr)
      train lin on reg with opt {
        steps 30
        batch 8
        loss mean((output - target) ** 2)
        every 10 { log l = loss }
      }
    }
    print(len(l.runs), l.steps.tolist(), l.last, l.std.tolist()[0])

    """

    func run(jobs: Int) throws -> (String, Int32) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-sweep-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sweep.exp")
        try Self.script.write(to: path, atomically: true, encoding: .utf8)
        let (p, out, _) = try ExperimentRunTests.launch(["run", path.path, "--quiet", "--jobs", "\(jobs)", "--out", dir.appendingPathComponent("run").path])
        p.waitUntilExit()
        return (String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), p.terminationStatus)
    }

    @Test func parallelSweepMatchesTheSequentialOne() throws {
        let sequential = try run(jobs: 1), parallel = try run(jobs: 2)
        #expect(sequential.1 == 0 && parallel.1 == 0)
        #expect(sequential.0.hasPrefix("4 [0.0, 10.0, 20.0, 30.0]"))
        #expect(parallel.0 == sequential.0)
    }
}
