import Foundation
import Testing

/// `exp check` is exact: every shipped script passes it, and vocabulary mistakes fail it with
/// exit 65 at their place, before anything runs (the goldens `check_*.exp` pin each message).
@Suite struct CheckCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var shippedScripts: [String] {
        ["examples", "Benchmarks"].flatMap { dir -> [String] in
            let url = root.appendingPathComponent(dir)
            // A missing folder gives an empty list, which the count check below turns into a failure.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { $0.hasSuffix(".exp") }.sorted().map { url.appendingPathComponent($0).path }
        }
    }

    static func check(_ path: String) throws -> (code: Int32, out: String, err: String) {
        let (p, out, err) = try ExperimentRunTests.launch(["check", path])
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func everyShippedScriptPasses() throws {
        let scripts = Self.shippedScripts
        #expect(scripts.count >= 15)
        for path in scripts {
            let r = try Self.check(path)
            #expect(r.code == 0, "exp check \(path): \(r.err)")
        }
    }

    @Test func vocabularyMistakesFailBeforeAnythingRuns() throws {
        let path = NSTemporaryDirectory() + "exp-check-\(UUID().uuidString).exp"
        try """
        print("ran")
        let x = randn([4, 1])
        optimizer opt = sgd(lr: 0.1, momentom: 0.9)
        model m { param w = zeros([1, 1]); forward(x) = x @ w }
        task data = {train: {input: x, target: x}}
        train m on data with opt { stepz 10; loss mean(output) }
        plot x, titel: "a"
        heatmap x, cmapp: "auto"
        let y = zeros([2], "float32", 4)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try Self.check(path)
        #expect(r.code == 65)
        #expect(r.out.isEmpty)
        for (place, text) in [("3:30", "sgd has no parameter named `momentom`"), ("6:28", "unknown train setting `stepz`"),
                              ("7:9", "plot has no option `titel`"), ("8:12", "heatmap has no option `cmapp`"),
                              ("9:31", "zeros takes at most 2 arguments, got 3")] {
            #expect(r.err.contains("\(path):\(place): error: \(text)"), "\(text) at \(place) in: \(r.err)")
        }
        #expect(r.err.contains("hint: did you mean `steps`?"))
        // `exp run` stops at the same errors, with the same code, and prints nothing.
        let (p, out, _) = try ExperimentRunTests.launch(["run", path, "--quiet", "--out", NSTemporaryDirectory() + "exp-check-run-\(UUID().uuidString)"])
        let printed = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 65)
        #expect(printed.isEmpty)
    }

    /// A builtin call whose arguments cannot match fails `exp check` at the argument, with the
    /// words and hint the run would give; the same call through a variable (not known before
    /// running) fails when it runs, in those same words.
    @Test func builtinCallMistakesFailAtTheirArgumentInTheRunsWords() throws {
        let cases: [(call: String, column: Int, caret: String, message: String, hint: String)] = [
            ("sgd(lr: 0.1, momentun: 0.9)", 14, "^~~~~~~~", "sgd has no parameter named `momentun`", "did you mean `momentum`?"),
            ("constant(every: 2)", 10, "^~~~~", "constant has no parameter named `every`", "constant takes no keyword arguments"),
            ("reshape([1, 2])", 1, "^~~~~~~~~~~~~~~", "reshape is missing argument `shape`", "call it as reshape(x, shape)"),
            ("cosine(10, 0.5, 3)", 17, "^", "cosine takes at most 2 arguments, got 3", "parameters: total, floor"),
        ]
        let path = NSTemporaryDirectory() + "exp-check-args-\(UUID().uuidString).exp"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (["print(\"ran\")"] + cases.map { "let v = " + $0.call }).joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Self.check(path)
        #expect(r.code == 65)
        #expect(r.out.isEmpty)
        for (i, c) in cases.enumerated() {
            let source = "let v = " + c.call
            #expect(r.err.contains("\(path):\(i + 2):\(c.column + 8): error: \(c.message)\n\(source)\n"
                                   + String(repeating: " ", count: c.column + 7) + c.caret + "\nhint: \(c.hint)"),
                    "\(c.call) in: \(r.err)")
        }
        for c in cases {
            let callee = String(c.call.prefix { $0 != "(" })
            try "print(\"ran\")\nlet f = \(callee)\nlet v = f\(c.call.dropFirst(callee.count))\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try Self.check(path).code == 0, "a call through a variable is not checked before running: \(c.call)")
            let (p, out, err) = try ExperimentRunTests.launch(["run", path, "--quiet", "--out", NSTemporaryDirectory() + "exp-check-args-run-\(UUID().uuidString)"])
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 70 && printed == "ran\n", "\(c.call): \(text)")
            #expect(text.contains("error: \(c.message)") && text.contains("hint: \(c.hint)"), "\(c.call) at run time: \(text)")
        }
    }

    @Test func aScriptPathRunsItAndAMisspeltCommandGetsADidYouMean() throws {
        let path = NSTemporaryDirectory() + "exp-direct-\(UUID().uuidString).exp"
        try "print(1 + 1)\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (p, out, _) = try ExperimentRunTests.launch([path, "--quiet", "--out", NSTemporaryDirectory() + "exp-direct-run-\(UUID().uuidString)"])
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0 && printed == "2\n")
        let (q, _, err) = try ExperimentRunTests.launch(["rnu", path])
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        q.waitUntilExit()
        #expect(q.terminationStatus == 64)
        #expect(text.contains("unknown command `rnu`; did you mean `exp run`?"))
    }
}
