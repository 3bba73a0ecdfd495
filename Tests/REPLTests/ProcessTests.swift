import Foundation
import Testing

/// The `exp` binary driven as a user would: piped stdin, and a pseudo-terminal for line
/// editing, completion, history and Ctrl-C.
@Suite("REPL process", .serialized, .enabled(if: ExpBinary.url != nil, "build the exp product first"))
struct ProcessTests {
    static let trainBlock = """
    train lin on pairs with gd {
      steps 40
      batch 8
      loss cross_entropy(output, target)
      every 10 {
        log train_loss = loss
      }
    }
    """

    // MARK: Piped

    @Test("piped: a multi-line model trains; values print without prompts; errors name <repl>")
    func piped() throws {
        let dir = try makeTemporaryDirectory()
        let input = copyTaskSource + "\n" + Self.trainBlock + "\ntrain_loss.count\nlin.W.shape\nlin.W.shape;\nlin.nope\n"
        let r = try runExp(["--quiet"], input: input, in: dir)
        #expect(r.stdout == "5\n[4, 8]\n")
        #expect(r.stderr.contains("<repl>:1:5: error: model has no member `nope`"))
        #expect(r.status == 1)
        let clean = try runExp([], input: "1 + 1\n", in: dir)
        #expect(clean.stdout == "2\n")
        #expect(clean.status == 0)
    }

    @Test("piped: :save writes a script that exp run accepts and that prints the same numbers")
    func saveReproduces() throws {
        let dir = try makeTemporaryDirectory()
        let input = copyTaskSource + "\n" + Self.trainBlock + """

        train_loss.last
        undefined_name * 2
        let probe = lin.forward(ones([2, 1], dtype: "int64"))
        probe.sum()
        print(mean(randn([5])))
        :save session.exp
        """
        let r = try runExp(["repl", "--quiet"], input: input, in: dir)
        #expect(r.stderr.contains("unknown name `undefined_name`"))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.last == "saved 11 inputs to session.exp")
        let script = try String(contentsOf: dir.appendingPathComponent("session.exp"), encoding: .utf8)
        #expect(!script.contains("undefined_name"))
        let run = try runExp(["run", "--quiet", "session.exp"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        // The REPL echoes a one-number tensor with its dtype; `print` in the saved script shows the number.
        let echoed = lines.dropLast().map { $0.replacingOccurrences(of: #"^tensor\((.*), dtype: \w+\)$"#, with: "$1", options: .regularExpression) }
        #expect(run.stdout.split(separator: "\n").map(String.init) == echoed)
    }

    // MARK: Terminal

    @Test("terminal: multi-line input under a continuation prompt, completion of a builtin and of a field")
    func terminalEditing() throws {
        let dir = try makeTemporaryDirectory()
        let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": ""])
        #expect(t.expect("exp> "))
        t.type("model m {\r")
        #expect(t.expect("...> "))
        t.type("  param W = ones([2, 3])\r")
        #expect(t.expect("...> "))
        t.type("  forward(x) = x @ W\r")
        t.type("}\r")
        #expect(t.expect("exp> "))
        // A builtin: Tab completes `linsp` to `linspace(`.
        t.type("linsp\t")
        #expect(t.expect("linspace("))
        t.type("0, 1, 3)\r")
        #expect(t.expect("tensor([0.0, 0.5, 1.0], shape: [3], dtype: float32)"))
        // A field of a model.
        t.type("m.fo\t")
        #expect(t.expect("m.forward"))
        t.type("(ones([1, 2])).shape\r")
        #expect(t.expect("[1, 3]"))
        // A record field, and the list of choices on a second Tab.
        t.type("let cfg = {learning_rate: 0.25, width: 4}\r")
        t.type("cfg.\t")
        #expect(t.expect("learning_rate  width"))
        t.type("lea\t\r")
        #expect(t.expect("0.25"))
        // Ctrl-C at the prompt drops the line.
        t.type("this is not code\u{3}")
        #expect(t.expect("^C"), "\(t.all)")
        t.type("6 * 7\r")
        #expect(t.expect("42"))
        #expect(!t.all.contains("unknown name `this`"))
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
    }

    @Test("terminal: history is kept in EXP_HISTORY across two sessions")
    func history() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("history").path
        do {
            let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": file])
            #expect(t.expect("exp> "))
            t.type("let remembered = 1234\r")
            t.type("remembered + 1\r")
            #expect(t.expect("1235"))
            t.type("\u{4}")
            #expect(t.waitForExit() == 0)
        }
        #expect(FileManager.default.fileExists(atPath: file))
        let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": file])
        #expect(t.expect("exp> "))
        // Up arrow twice recalls the `let`, once more the sum; Ctrl-R finds by substring.
        t.type("\u{1b}[A\u{1b}[A\r")
        #expect(t.expect("exp> "))
        t.type("\u{12}+ 1\r")
        #expect(t.expect("1235"), "\(t.all)")
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
    }

    @Test("terminal: Ctrl-C pauses a long training run, :stop ends it; the model and metrics stay")
    func interruptTraining() throws {
        let dir = try makeTemporaryDirectory()
        let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": ""])
        #expect(t.expect("exp> "))
        for line in copyTaskSource.split(separator: "\n") { t.type(line + "\r") }
        t.type("train lin on pairs with gd {\r  steps 10000000\r  batch 8\r  loss cross_entropy(output, target)\r")
        t.type("  every 10 {\r    log train_loss = loss\r  }\r}\r")
        #expect(t.expect("train lin "))
        t.type("\u{3}")
        #expect(t.expect("paused `train lin` after step"), "\(t.all.suffix(3000))")
        t.type(":stop\r")
        #expect(t.expect("exp> "))
        t.type("train_loss.count > 0\r")
        #expect(t.expect("true"))
        t.type("lin.W.abs().sum() > 0\r")
        #expect(t.expect("true"))
        t.type(":save s.exp\r")
        #expect(t.expect("saved"))
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
        let script = try String(contentsOf: dir.appendingPathComponent("s.exp"), encoding: .utf8)
        #expect(script.contains("was stopped with :stop at step"))
    }
}
