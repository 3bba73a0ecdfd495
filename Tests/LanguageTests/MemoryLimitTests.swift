import Foundation
import Testing

/// Keeping too many tensors alive is an error at the script's line, not an out-of-memory kill.
/// (On the binary: the limit is one per process, and tests run side by side.)
@Suite struct MemoryLimitTests {
    static func run(_ script: String, _ extra: [String]) throws -> (code: Int32, err: String, out: String) {
        let dir = try ExperimentRunTests.tempDir()
        let file = dir.appendingPathComponent("grow.exp")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let (p, out, err) = try ExperimentRunTests.launch(["run", file.path, "--out", dir.appendingPathComponent("run").path, "--quiet"] + extra)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text, printed)
    }

    @Test func aGrowingListOfNewTensorsStopsAtTheLimit() throws {
        // 40 MB each: the eighth passes 300 MB.
        let r = try Self.run("""
        let xs = []
        for i in 0..1000 {
          xs = append(xs, randn([10000000]))
        }
        print("never")

        """, ["--max-memory", "300M"])
        #expect(r.code == 70)
        #expect(r.err.contains("grow.exp:3:"), "located: \(r.err)")
        #expect(r.err.contains("of the 300.0 MB memory limit"), "\(r.err)")
        #expect(r.err.contains("--max-memory"))
        #expect(!r.out.contains("never"))
    }

    @Test func sameSizeResultsAreCountedToo() throws {
        // `x * 2` has x's size, so it is not checked when made; the loop stops at its next turn.
        let r = try Self.run("""
        let x = randn([10000000])
        let xs = []
        for i in 0..1000 {
          xs = append(xs, x * 2)
        }

        """, ["--max-memory", "200M"])
        #expect(r.code == 70)
        #expect(r.err.contains("grow.exp:"), "located: \(r.err)")
        #expect(r.err.contains("memory limit of 200.0 MB") || r.err.contains("of the 200.0 MB memory limit"), "\(r.err)")
    }

    @Test func aScriptUnderTheLimitRuns() throws {
        let r = try Self.run("let x = randn([1000000])\nprint(x.shape)\n", ["--max-memory", "64M"])
        #expect(r.code == 0, "\(r.err)")
    }

    @Test func aLimitThatIsNotASizeIsAUsageError() throws {
        for bad in ["lots", "-1G", "0", "200%"] {
            let r = try Self.run("print(1)\n", ["--max-memory=\(bad)"])
            #expect(r.code == 64, "\(bad)")
            #expect(r.err.contains("--max-memory \(bad): give a size"), "\(r.err)")
        }
    }
}
