@testable import Experiments
import Foundation
import Language
import Testing

/// Mutated golden scripts and token soup through the whole pipeline (parse, resolve, run):
/// every input must end in success or a diagnostic, never a crash. Loops are bounded by a
/// step budget, sizes by the core's limits.
@Suite struct InterpreterRobustnessTests {
    struct LCG {
        var state: UInt64
        mutating func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let tokens = ["let", "x", "=", "1", "2.5", "(", ")", "[", "]", "{", "}", ",", ":", "+", "-", "*", "/", "//", "%", "**",
                         "@", "==", "<", "and", "or", "not", "fn", "f", "if", "else", "for", "in", "while", "0..3", "return",
                         "break", "tensor", "zeros", "[2, 2]", "sum", "x.T", "x[0]", "\"s\"", "none", "true", "print", "\n", ";",
                         "grad", "randn", "reshape", "expect", "seed", "model", "param", "task", "...", "."]

    static let inserts = Array("()[]{},:+-*/0123456789.x=\n\"@ ".unicodeScalars)

    /// Runs one input with a step budget; returns its exit code.
    static func run(_ text: String) -> Int32 {
        var runner = ScriptRunner(output: { _ in }, errorOutput: { _ in })
        runner.options.stepLimit = 20_000
        runner.options.maxCallDepth = 200
        runner.loadPrelude = false
        return runner.run(SourceFile(name: "fuzz.exp", text: text)).rawValue
    }

    static let allowed: Set<Int32> = [0, 1, 65, 70]

    @Test func mutatedGoldenScripts() throws {
        let dir = GoldenTests.directory
        var rng = LCG(state: 42)
        var sources: [String] = []
        for f in GoldenTests.files {
            if let s = try? String(contentsOfFile: dir.appendingPathComponent(f).path, encoding: .utf8) { sources.append(s) }
        }
        #expect(!sources.isEmpty)
        var runs = 0
        for (i, s) in sources.enumerated() {
            var chars = Array(s.unicodeScalars)
            for _ in 0..<12 {
                var m = chars
                switch rng.below(4) {
                case 0 where !m.isEmpty: m.remove(at: rng.below(m.count))
                case 1: m.insert(Self.inserts[rng.below(Self.inserts.count)], at: rng.below(m.count + 1))
                case 2 where m.count > 2:
                    let a = rng.below(m.count), b = rng.below(m.count)
                    m.swapAt(a, b)
                default:
                    let cut = rng.below(m.count + 1)
                    m = Array(m[0..<cut])
                }
                let code = Self.run(String(String.UnicodeScalarView(m)))
                #expect(Self.allowed.contains(code), "mutation of golden script \(i) ended with \(code)")
                runs += 1
                chars = rng.below(2) == 0 ? m : chars
            }
        }
        #expect(runs > 1000)
    }

    @Test func tokenSoup() {
        var rng = LCG(state: 7)
        for _ in 0..<1500 {
            let n = 1 + rng.below(25)
            let text = (0..<n).map { _ in Self.tokens[rng.below(Self.tokens.count)] }.joined(separator: " ")
            let code = Self.run(text)
            #expect(Self.allowed.contains(code), "token soup ended with \(code): \(text)")
        }
    }

    @Test func randomBytes() {
        var rng = LCG(state: 99)
        for _ in 0..<500 {
            let bytes = (0..<rng.below(80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let code = ScriptRunner(output: { _ in }, errorOutput: { _ in }).run(SourceFile(name: "bytes.exp", bytes: bytes)).rawValue
            #expect(Self.allowed.contains(code))
        }
    }
}

/// Deep recursion is bounded by the stack actually left, not only by a call count: on a thread
/// with a small stack, a recursion far below the call limit ends in a located error, not SIGSEGV.
@Suite struct StackGuardTests {
    @Test func recursionOnASmallStackIsAnErrorNotACrash() throws {
        final class Box: @unchecked Sendable { var message = ""; let done = DispatchSemaphore(value: 0) }
        let box = Box()
        let source = "fn f(n) = if n == 0 { 0 } else { ((((((((1 + f(n - 1))))))))) }\nprint(f(200000))\n"
        let thread = Thread {
            let parsed = Parser.parse(SourceFile(name: "deep.exp", text: source))
            if parsed.hasErrors { box.message = "parse: \(parsed.diagnostics)"; box.done.signal(); return }
            var options = Interpreter.Options()
            options.maxCallDepth = 1_000_000
            let interp = Interpreter(options: options)
            interp.output = { _ in }
            do {
                try interp.run(parsed.program)
                box.message = "no error"
            } catch let e as ScriptError {
                box.message = e.message + " at \(e.span?.start.description ?? "?")"
            } catch { box.message = "other error: \(error)" }
            box.done.signal()
        }
        thread.stackSize = 4 << 20
        thread.start()
        box.done.wait()
        #expect(box.message.contains("deep.exp:1:46: error: recursion too deep (the stack is nearly full)"), "\(box.message)")
    }
}
