import Foundation
import Language
import Testing

/// The run/check logic behind the CLI (`ScriptRunner`): exit codes and `--set` overrides.
@Suite struct CLITests {
    static func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "exp-cli-\(UUID().uuidString).exp"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    final class Sink: @unchecked Sendable { var out: [String] = []; var err = "" }

    static func runner(_ sink: Sink, overrides: [String] = []) throws -> ScriptRunner {
        var options = Interpreter.Options()
        for o in overrides { let (k, v) = try ScriptRunner.parseOverride(o); options.overrides[k] = v }
        return ScriptRunner(options: options, output: { sink.out.append($0) }, errorOutput: { sink.err += $0 })
    }

    @Test func exitCodes() throws {
        let sink = Sink()
        let r = try Self.runner(sink)
        #expect(r.run(path: try Self.file("print(1)")) == .ok)
        #expect(r.run(path: try Self.file("expect 1 == 2")) == .expectFailed)
        #expect(r.run(path: try Self.file("print(nope)")) == .scriptError)
        #expect(r.run(path: try Self.file("let x = (")) == .scriptError)
        #expect(r.run(path: try Self.file("print(1 / 0)")) == .runtimeError)
        #expect(r.run(path: "/nonexistent/x.exp") == .missingInput)
    }

    @Test func checkDoesNotRun() throws {
        let sink = Sink()
        let r = try Self.runner(sink)
        #expect(r.check(path: try Self.file("print(1)\nprint(1 / 0)")) == .ok)
        #expect(sink.out.isEmpty)
        #expect(r.check(path: try Self.file("print(totl)\nlet total = 1")) == .scriptError)
        #expect(sink.err.contains("unknown name `totl`"))
    }

    @Test func setOverridesLetAndSeed() throws {
        let sink = Sink()
        let r = try Self.runner(sink, overrides: ["N=20", "name=\"abc\"", "xs=[1, 2]", "seed=3"])
        #expect(r.run(path: try Self.file("let N = 60\nlet name = \"x\"\nlet xs = []\nseed 1\nprint(N, name, xs)")) == .ok)
        #expect(sink.out == ["20 abc [1, 2]"])
    }

    @Test func setUnknownNameIsUsageError() throws {
        let sink = Sink()
        let r = try Self.runner(sink, overrides: ["M=2"])
        #expect(r.run(path: try Self.file("let N = 1\nprint(N)")) == .usage)
        #expect(sink.err.contains("does not define `M`"))
        #expect(sink.err.contains("N"))
    }
}
