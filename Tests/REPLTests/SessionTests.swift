import Foundation
import Testing
@testable import REPL
import Language

/// A session whose output is collected, writing its run files to a temporary directory.
final class CapturedSession {
    let session: Session
    private let box: Captured

    init() throws {
        let dir = try makeTemporaryDirectory()
        let box = Captured()
        session = Session(options: Session.Options(outDirectory: dir.path, quiet: true),
                          output: { box.out += $0 }, errorOutput: { box.err += $0 })
        self.box = box
    }

    var output: String { box.out }
    var errors: String { box.err }
    func clear() { box.out = ""; box.err = "" }

    /// Feeds lines as the prompt would, running each complete input.
    @discardableResult
    func type(_ text: String) -> [Session.Outcome] {
        var collector = InputCollector(blankLineEnds: true)
        var outcomes: [Session.Outcome] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if case .complete(let input) = collector.add(String(line)) { outcomes.append(session.handle(input)) }
        }
        if let rest = collector.finish() { outcomes.append(session.handle(rest)) }
        return outcomes
    }
}

private final class Captured {
    var out = ""
    var err = ""
}

/// A small model that learns to copy a token, for sessions that train.
let copyTaskSource = """
seed 1
let V = 8
let d = 4
task pairs {
  sample(batch) {
    let x = randint(0, V, [batch, 1])
    return {input: x, target: x[:, 0]}
  }
}
model lin {
  let E = randn([V, d]) / sqrt(d)
  param W = zeros([d, V])
  forward(x) = E[x[:, 0]] @ W
}
optimizer gd = sgd(lr: 0.5)
"""

@Suite("InputCollector")
struct InputCollectorTests {
    @Test("a model block stays open until its closing brace")
    func multiLineModel() {
        var c = InputCollector()
        #expect(c.add("model m {") == .needMore)
        #expect(c.isContinuing)
        #expect(c.add("  param W = zeros([2, 2])") == .needMore)
        #expect(c.add("  forward(x) = x @ W") == .needMore)
        #expect(c.add("}") == .complete("model m {\n  param W = zeros([2, 2])\n  forward(x) = x @ W\n}"))
        #expect(!c.isContinuing)
    }

    @Test("an open bracket or trailing operator asks for more; a complete line does not")
    func continuation() {
        var c = InputCollector()
        #expect(c.add("let x = [1,") == .needMore)
        #expect(c.add("2]") == .complete("let x = [1,\n2]"))
        #expect(c.add("let y = 1 +") == .needMore)
        #expect(c.add("2") == .complete("let y = 1 +\n2"))
        #expect(c.add("x") == .complete("x"))
        #expect(c.add("   ") == .empty)
    }

    @Test("a blank line ends an open input in a terminal, not in piped input")
    func blankLine() {
        var terminal = InputCollector(blankLineEnds: true)
        #expect(terminal.add("fn f(x) {") == .needMore)
        #expect(terminal.add("") == .complete("fn f(x) {"))
        var piped = InputCollector(blankLineEnds: false)
        #expect(piped.add("fn f(x) {") == .needMore)
        #expect(piped.add("") == .needMore)
        #expect(piped.add("  x }") == .complete("fn f(x) {\n\n  x }"))
    }

    @Test("a syntax error does not wait for more lines; :commands are one line")
    func errorsAndCommands() {
        var c = InputCollector()
        #expect(c.add("let = 3") == .complete("let = 3"))
        #expect(c.add(":help sum") == .complete(":help sum"))
        #expect(c.add("fn f(x) {") == .needMore)
        c.reset()
        #expect(!c.isContinuing)
        #expect(c.finish() == nil)
    }
}

@Suite("Session")
struct SessionTests {
    @Test("expression values print in the interpreter's format; a trailing ; hides them")
    func autoPrint() throws {
        let s = try CapturedSession()
        s.type("let x = 3\nx * 2\nx * 2;\nones([2, 2])\nprint(\"hi\")\n\"quoted\"")
        #expect(s.output == "6\ntensor([[1.0, 1.0],\n        [1.0, 1.0]], shape: [2, 2], dtype: float32)\nhi\n\"quoted\"\n")
        #expect(s.errors.isEmpty)
    }

    @Test("a large tensor prints summarised with its shape and dtype")
    func largeTensor() throws {
        let s = try CapturedSession()
        s.type("zeros([50, 50])")
        #expect(s.output.contains("..."))
        #expect(s.output.contains("shape: [50, 50], dtype: float32"))
        #expect(s.output.split(separator: "\n").count < 12)
    }

    @Test("errors carry <repl>:line:col and the source line")
    func errors() throws {
        let s = try CapturedSession()
        #expect(s.type("let a = 1\nlet b = a +\n  undefined_name") == [.ok, .failed])
        #expect(s.errors.contains("<repl>:2:3: error: unknown name `undefined_name`"))
        #expect(s.errors.contains("  undefined_name\n  ^~~~~~~~~~~~~~"))
    }

    @Test("a failed input leaves no half-made definition behind")
    func failedInputRollsBack() throws {
        let s = try CapturedSession()
        s.type("let a = 1")
        // `a` is rebound, then the shape error stops the input before `b` gets a value.
        #expect(s.type("a = 5; let b = ones([2, 3]) @ ones([2, 3])") == [.failed])
        s.clear()
        #expect(s.type("a") == [.ok])
        #expect(s.output == "1\n")
        #expect(s.type("b") == [.failed])
        #expect(s.errors.contains("unknown name `b`"))
        #expect(!s.session.definedNames.contains("b"))
        // Defining it properly afterwards works.
        s.clear()
        s.type("let b = 2\nb + a")
        #expect(s.output == "3\n")
        #expect(s.errors.isEmpty)
    }

    @Test(":save writes the successful inputs; echoed values become prints")
    func transcript() throws {
        let s = try CapturedSession()
        s.type("let x = 2\nx +\n 1\nundefined + 1\nx * 10;\nx * 10")
        let script = s.session.transcript.script()
        #expect(script.contains("let x = 2\n"))
        #expect(script.contains("x +\n 1\n") == false)
        #expect(script.contains("print(x +\n 1)\n"))
        #expect(!script.contains("undefined"))
        #expect(script.contains("x * 10;\nprint(x * 10)\n"))
    }

    @Test(":type, :vars, :time and :help")
    func commands() throws {
        let s = try CapturedSession()
        s.type("let w = randn([3, 4])\nfn f(x, scale: 2.0) = x * scale")
        s.type(":type w\n:type f\n:type w.sum(axis: 0)")
        #expect(s.output == "tensor [3, 4] float32\nfunction f(x, scale: 2.0)\ntensor [4] float32\n")
        s.clear()
        s.type(":vars")
        #expect(s.output.contains("w  tensor [3, 4] float32"))
        #expect(s.output.contains("f  function f(x, scale: 2.0)"))
        s.clear()
        s.type(":help linspac")
        #expect(s.output.contains("did you mean `linspace`?"))
        s.clear()
        s.type(":help sum\n:help train\n:help")
        #expect(s.output.contains("sum(x, axis: none, keepdims: false)"))
        #expect(s.output.contains("train — keyword:"))
        #expect(s.output.contains(":save file.exp"))
        s.clear()
        s.type(":time\n1 + 1")
        #expect(s.output.hasPrefix("timing on\n2\ntime: "))
        s.clear()
        #expect(s.type(":sav x") == [.failed])
        #expect(s.errors.contains("did you mean `:save`?"))
        #expect(s.type(":quit") == [.quit])
    }

    @Test(":reset forgets definitions and the transcript")
    func reset() throws {
        let s = try CapturedSession()
        s.type("let x = randn([2])\n:reset")
        #expect(!s.session.definedNames.contains("x"))
        #expect(s.session.transcript.entries.isEmpty)
        s.clear()
        #expect(s.type("x") == [.failed])
    }

    @Test(":load runs a file in the session and inlines it in :save")
    func load() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("defs.exp")
        try "let k = 7\nfn twice(x) = 2 * x\n".write(to: file, atomically: true, encoding: .utf8)
        let s = try CapturedSession()
        #expect(s.type(":load \(file.path)\ntwice(k)") == [.ok, .ok])
        #expect(s.output == "14\n")
        #expect(s.session.transcript.script().contains("# :load \(file.path)\nlet k = 7\nfn twice(x) = 2 * x\nprint(twice(k))\n"))
        #expect(s.type(":load \(dir.path)/missing.exp") == [.failed])
        #expect(s.errors.contains("cannot read"))
    }

    @Test("training in a session keeps the model and its metrics")
    func training() throws {
        let s = try CapturedSession()
        s.type(copyTaskSource)
        s.type("train lin on pairs with gd {\n  steps 30\n  batch 8\n  loss cross_entropy(output, target)\n  every 10 {\n    log train_loss = loss\n  }\n}")
        #expect(s.errors.isEmpty)
        s.type("train_loss.count\nlin.W.shape")
        #expect(s.output == "4\n[4, 8]\n")
    }
}
