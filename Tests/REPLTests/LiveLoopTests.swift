import Foundation
import Testing

/// The live loop through a real pseudo-terminal: Ctrl-C ends any input and keeps the session,
/// and pauses a training that `:resume` continues bit for bit or `:stop` ends.
@Suite("REPL live loop", .serialized, .enabled(if: ExpBinary.url != nil, "build the exp product first"))
struct LiveLoopTests {
    /// The copy task with Adam (its moments make a wrong resume show in the numbers).
    static let setup = """
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
    optimizer gd = adam(lr: 0.05)

    """

    static func train(steps: Int) -> String {
        "train lin on pairs with gd {\n  steps \(steps)\n  batch 8\n  loss cross_entropy(output, target)\n  every 10 {\n    log train_loss = loss\n  }\n}\n"
    }

    static func typeLines(_ t: TerminalSession, _ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { t.type(line + "\r") }
    }

    @Test("terminal: Ctrl-C in a 10^9-iteration loop is back at the prompt within a second; names and the generator are as before")
    func interruptLoop() throws {
        let dir = try makeTemporaryDirectory()
        // What the session draws next when the interrupted inputs never ran.
        let clean = try runExp(["--quiet"], input: "let x = 5\nlet g = randn(2)\nrandn(3)\n", in: dir)
        let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": ""])
        #expect(t.expect("exp> "))
        t.type("let x = 5\r")
        t.type("let g = randn(2)\r")
        // An interpreted loop that draws random numbers and changes a global.
        t.type("for i in 0..1000000000 { x = x + 1; let r = randn(1) }\r")
        usleep(500_000)
        t.type("\u{3}")
        let sent = Date()
        #expect(t.expect("interrupted at <repl>:1:", timeout: 5), "\(t.all)")
        #expect(Date().timeIntervalSince(sent) < 1.0)
        #expect(t.expect("exp> "))
        // Recursion (calls, no loop) and a comprehension.
        t.type("fn f(n) = if n == 0 { 0 } else { f(n - 1) + f(n - 1) }\r")
        t.type("f(60)\r")
        usleep(500_000)
        t.type("\u{3}")
        #expect(t.expect("interrupted at", timeout: 2), "\(t.all)")
        t.type("let big = [randn(4).sum() for i in 0..1000000000]\r")
        usleep(500_000)
        t.type("\u{3}")
        #expect(t.expect("interrupted at", timeout: 2), "\(t.all)")
        t.type("x\r")
        #expect(t.expect("\n5\n"), "\(t.all)")
        t.type("big\r")
        #expect(t.expect("unknown name `big`"), "\(t.all)")
        // The generator is where it was before the loops: the same numbers as a session without them.
        t.type("randn(3)\r")
        let expected = clean.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!expected.isEmpty && t.expect(expected), "\(t.all)\nwanted \(expected)")
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
    }

    @Test("terminal: a training paused with Ctrl-C and :resume'd ends with the same loss bits and parameters as an uninterrupted one")
    func pauseResume() throws {
        let dir = try makeTemporaryDirectory()
        try Self.setup.write(to: dir.appendingPathComponent("setup.exp"), atomically: true, encoding: .utf8)
        let steps = 100_000
        let finish = "print(\"final\", train_loss.last, train_loss.count)\nsave lin to \"w.safetensors\"\n"
        let reference = try runExp(["--quiet", "--out", "ref"], input: ":load setup.exp\n" + Self.train(steps: steps) + finish, in: dir)
        #expect(reference.status == 0, "\(reference.stderr)")
        let finalLine = reference.stdout.split(separator: "\n").first { $0.hasPrefix("final ") }.map(String.init) ?? "?"

        let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": ""], arguments: ["--out", "live"])
        #expect(t.expect("exp> "))
        t.type(":load setup.exp\r")
        Self.typeLines(t, Self.train(steps: steps))
        #expect(t.expect("train lin "), "\(t.all)")
        t.type("\u{3}")
        #expect(t.expect("paused `train lin` after step"), "\(t.all.suffix(2000))")
        #expect(t.expect("paused> "))
        // Inspect, plot and draw random numbers: none of it may change the training.
        t.type("step > 0\r")
        #expect(t.expect("true"), "\(t.all.suffix(2000))")
        t.type("train_loss.count > 0\r")
        #expect(t.expect("true"))
        t.type("randn(3);\r")
        t.type("plot train_loss\r")
        t.type(":resume\r")
        #expect(t.expect("resuming `train lin` at step"))
        #expect(t.expect("trained lin: \(steps) steps", timeout: 120), "\(t.all.suffix(2000))")
        #expect(t.expect("exp> "))
        Self.typeLines(t, finish)
        #expect(t.expect(finalLine), "\(t.all.suffix(2000))\nwanted \(finalLine)")
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
        let a = try Data(contentsOf: dir.appendingPathComponent("ref/w.safetensors"))
        let b = try Data(contentsOf: dir.appendingPathComponent("live/w.safetensors"))
        #expect(a == b, "the final parameters differ")
    }

    @Test("terminal: a change at a pause (opt.lr = 0) takes effect on :resume; :stop ends the training as if finished there")
    func pauseChangeStop() throws {
        let dir = try makeTemporaryDirectory()
        try Self.setup.write(to: dir.appendingPathComponent("setup.exp"), atomically: true, encoding: .utf8)
        let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": ""])
        #expect(t.expect("exp> "))
        t.type(":resume\r")
        #expect(t.expect("no training is paused"))
        t.type(":load setup.exp\r")
        Self.typeLines(t, Self.train(steps: 100_000_000))
        #expect(t.expect("train lin "), "\(t.all)")
        t.type("\u{3}")
        #expect(t.expect("paused> "), "\(t.all.suffix(2000))")
        t.type("let w_pause = lin.W\r")
        t.type("gd.lr = 0.0\r")
        t.type(":resume\r")
        #expect(t.expect("resuming"))
        usleep(700_000)
        t.type("\u{3}")
        #expect(t.expect("paused `train lin` after step"), "\(t.all.suffix(2000))")
        #expect(t.expect("paused> "))
        // With lr 0 Adam moves nothing: the steps after the first pause left W as it was.
        t.type("(lin.W - w_pause).abs().max() == 0\r")
        #expect(t.expect("true"), "\(t.all.suffix(2000))")
        t.type(":stop\r")
        #expect(t.expect("stopping `train lin` at step"))
        #expect(t.expect("trained lin: "))
        #expect(t.expect("exp> "))
        #expect(!t.all.contains("(interrupted at"), "a :stop is an end, not an interrupt")
        t.type("train_loss.last == train_loss.last\r")
        #expect(t.expect("true"))
        t.type("step\r")
        #expect(t.expect("unknown name `step`"))
        t.type(":save s.exp\r")
        #expect(t.expect("saved"))
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
        let script = try String(contentsOf: dir.appendingPathComponent("s.exp"), encoding: .utf8)
        #expect(script.contains("was stopped with :stop at step"))
        #expect(script.contains("# gd.lr = 0.0"), "inputs at a pause are kept as comments:\n\(script)")
    }

    @Test("terminal: a multi-line input is one history entry; Up recalls and runs all of it")
    func multiLineHistory() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("history").path
        let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": file])
        #expect(t.expect("exp> "))
        t.type("let s = 0\r")
        Self.typeLines(t, "for i in 0..4 {\n  s = s + i\n}")
        t.type("s\r")
        #expect(t.expect("\n6\n"), "\(t.all)")
        // Up twice: past `s` to the whole loop.
        t.type("\u{1b}[A\u{1b}[A\r")
        t.type("s\r")
        #expect(t.expect("\n12\n"), "\(t.all)")
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
    }

    @Test("piped: a failed input leaves no trace in models, optimizers or closures' variables")
    func failedInputRollsBackObjects() throws {
        let dir = try makeTemporaryDirectory()
        let input = """
        model lin {
          param W = zeros([2])
        }
        optimizer o = sgd(lr: 0.1)
        fn counter() {
          let n = 0
          fn inc() {
            n = n + 1
            return n
          }
          return inc
        }
        let c = counter()
        c()
        lin.W = ones([2]); o.lr = 5; c(); let z = [1][3]
        lin.W
        o.lr
        c()

        """
        let r = try runExp(["--quiet"], input: input, in: dir)
        #expect(r.stdout == "1\ntensor([0.0, 0.0], shape: [2], dtype: float32)\n0.1\n2\n", "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("index 3 is out of range"))
    }

    @Test("piped: :save reproduces the numbers when failed inputs drew random numbers")
    func saveAfterFailedRandomInputs() throws {
        let dir = try makeTemporaryDirectory()
        let input = "let a = randn(2)\nlet bad = randn(1000) + \"text\"\nfor i in 0..3 { let r = randn(5) }\nlet e = randn(2)[5]\nlet c = randn(3)\nc\n:save s.exp\n"
        let session = try runExp(["--quiet"], input: input, in: dir)
        let shown = session.stdout.split(separator: "\n").first { $0.hasPrefix("tensor(") }.map(String.init)
        let run = try runExp(["run", "s.exp", "--quiet"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(shown != nil && run.stdout.contains(shown!), "session: \(session.stdout)\nscript: \(run.stdout)")
    }
}
