@testable import Experiments
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

    @Test func aFileOfManyErrorsShowsTheFirstHundred() throws {
        let sink = Sink()
        let r = try Self.runner(sink)
        let names = (0..<20_000).map { "print(zz\($0))" }.joined(separator: "\n")
        #expect(r.check(path: try Self.file(names)) == .scriptError)
        #expect(sink.err.components(separatedBy: "unknown name").count - 1 == 100)
        #expect(sink.err.contains("19900 more errors not shown"))
        let syntax = Sink()
        let r2 = try Self.runner(syntax)
        #expect(r2.check(path: try Self.file((0..<20_000).map { "let x\($0) = (]" }.joined(separator: "\n"))) == .scriptError)
        #expect(syntax.err.contains("stopped after 100 syntax errors"))
        #expect(syntax.err.components(separatedBy: "error:").count - 1 == 101)
    }

    @Test func importingAFileThatIsNotAScriptShowsOneLine() throws {
        let sink = Sink()
        let r = try Self.runner(sink)
        let other = try Self.file((0..<50).map { "user\($0):x:\($0):\($0)::/home:/bin/sh" }.joined(separator: "\n"))
        #expect(r.check(path: try Self.file("import \"\(other)\"\nprint(1)")) == .scriptError)
        #expect(sink.err.contains("does not parse as an exp script"))
        #expect(!sink.err.contains("user1:"), "no line of the imported file is echoed: \(sink.err)")
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

/// `--set` values must be of the kind the script's literal is.
@Suite struct OverrideKindTests {
    func code(_ script: String, _ overrides: [String]) throws -> (ExitCode, String) {
        let sink = CLITests.Sink()
        let r = try CLITests.runner(sink, overrides: overrides)
        return (r.run(path: try CLITests.file(script)), sink.err + sink.out.joined(separator: "\n"))
    }

    @Test func aWordForANumberIsAUsageError() throws {
        let (c, text) = try code("let steps = 1000\nprint(steps)", ["steps=abc"])
        #expect(c == .usage)
        #expect(text.contains("--set steps=\"abc\": the script's `steps` is a number (`1000`), not a string"))
    }

    @Test func matchingKindsRun() throws {
        #expect(try code("let lr = 0.1\nprint(lr)", ["lr=1"]).0 == .ok)
        #expect(try code("let lr = -0.1\nprint(lr)", ["lr=2e-3"]).0 == .ok)
        #expect(try code("let name = \"a\"\nprint(name)", ["name=plain_word"]).0 == .ok)
        #expect(try code("let ns = [1, 2]\nprint(ns)", ["ns=[3, 4, 5]"]).0 == .ok)
        // A computed value takes anything: the script's code decides.
        #expect(try code("let n = 2 * 3\nprint(n)", ["n=\"x\""]).0 == .ok)
    }

    @Test func aListForABoolAndABadSeedAreUsageErrors() throws {
        #expect(try code("let flag = true\nprint(flag)", ["flag=[1]"]).0 == .usage)
        #expect(try code("print(1)", ["seed=abc"]).0 == .usage)
        #expect(try code("print(1)", ["seed=-1"]).0 == .usage)
    }
}
