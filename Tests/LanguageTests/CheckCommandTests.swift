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
