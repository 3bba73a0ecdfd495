@testable import Experiments
import Foundation
import Language
import Testing

/// Every paper example in examples/ runs at its default sizes and its `expect` checks hold.
/// (The examples train real models: run the suite in release, as the README says.)
@Suite struct ExampleTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".exp") }.sorted()
    }

    @Test(arguments: files)
    func exampleRunsAndItsChecksHold(_ name: String) throws {
        final class Sink: @unchecked Sendable { var out = ""; var err = "" }
        let sink = Sink()
        let path = Self.directory.appendingPathComponent(name).path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("exp-example-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var config = ExperimentRuntime.Config(scriptPath: path, scriptText: try String(contentsOfFile: path, encoding: .utf8), outDirectory: out)
        config.quiet = true
        var runner = ScriptRunner(output: { sink.out += $0 + "\n" }, errorOutput: { sink.err += $0 })
        runner.makeExperiments = { ExperimentRuntime(config) }
        let code = runner.run(path: path)
        #expect(code == .ok, "\(name) exited with \(code): \(sink.err)\n\(sink.out)")
        // Each example leaves its figures and report.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(files.contains("report.html") && files.contains { $0.hasSuffix(".svg") }, "\(name) left \(files)")
    }
}
