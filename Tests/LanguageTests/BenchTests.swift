@testable import Experiments
import Foundation
import Language
import Testing

/// `exp bench`: a tiny training script yields one parseable JSON line with its speed and losses.
@Suite struct BenchTests {
    static let script = """
    seed 0
    let steps = 12
    task line {
      sample(batch) {
        let x = randn([batch, 3])
        return {input: x, target: x @ tensor([1.0, -2.0, 0.5])}
      }
    }
    model lin {
      param w = zeros([3])
      forward(x) = x @ w
    }
    optimizer opt = sgd(lr: 0.1)
    train lin on line with opt {
      steps steps
      batch 32
      loss mean((output - target) ** 2)
      every 5 { log mse = loss }
    }
    print("done")
    """

    static func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "exp-bench-test-\(UUID().uuidString).exp"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func object(_ line: String?) throws -> [String: Any] {
        let data = Data(try #require(line).utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func printsOneJSONLine() throws {
        var bench = ScriptBench()
        bench.overrides["steps"] = .int(20)
        bench.warmup = 3
        let path = try Self.file(Self.script)
        let result = bench.measure(path: path)
        #expect(result.code == .ok)
        let line = try #require(bench.json(file: "tiny.exp", result))
        #expect(!line.contains("\n"))
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let json = try #require(object)
        #expect(json["file"] as? String == "tiny.exp")
        #expect(json["steps"] as? Int == 20)
        let median = try #require(json["ms_per_step_median"] as? Double)
        let minimum = try #require(json["ms_per_step_min"] as? Double)
        #expect(median >= minimum && minimum >= 0)
        let first = try #require(json["init_loss"] as? Double)
        let last = try #require(json["final_loss"] as? Double)
        #expect(last < first / 10)
        // The tail mean covers the last steps only: below the first loss, above the last one
        // (the loss still falls), and equal to the last loss when the tail is one step.
        bench.tailSteps = 5
        let tail = try #require(try Self.object(bench.json(file: "tiny.exp", result))["tail_loss"] as? Double)
        #expect(tail < first / 10 && tail >= last)
        bench.tailSteps = 1
        #expect(try Self.object(bench.json(file: "tiny.exp", result))["tail_loss"] as? Double == last)
        #expect(json["output"] as? [String] == ["done"])
    }

    @Test func scriptWithoutTrainingHasNoLine() throws {
        let bench = ScriptBench()
        let result = bench.measure(path: try Self.file("print(1)"))
        #expect(result.code == .ok)
        #expect(bench.json(file: "x.exp", result) == nil)
    }

    @Test func scriptErrorsKeepTheirExitCode() throws {
        var bench = ScriptBench()
        bench.errorOutput = { _ in }
        let result = bench.measure(path: try Self.file("print(nope)"))
        #expect(result.code == .scriptError)
    }
}
