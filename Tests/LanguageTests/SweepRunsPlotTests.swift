import Foundation
import Testing

/// `plot s.runs` after a sweep draws one curve per run, labelled with its combination, the
/// same with any `--jobs`.
@Suite struct SweepRunsPlotTests {
    static let script = """
    sweep lr in [0.05, 0.1, 0.2] {
      model q { param w = ones([1]) }
      train q with gd(lr: lr) { steps 20; loss sum(q.w ** 2); every 5 { log l = loss } }
    }
    print(len(l.runs), l.runs[2].last < l.runs[0].last)
    plot l.runs, y: "log", to: "runs.svg"
    """

    @Test(arguments: ["1", "2"])
    func everyRunIsACurveWithItsCombination(_ jobs: String) throws {
        let dir = try ExperimentRunTests.tempDir()
        let path = dir.appendingPathComponent("runs.exp")
        try Self.script.write(to: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let (p, stdout, stderr) = try ExperimentRunTests.launch(["run", path.path, "--out", out.path, "--quiet", "--jobs", jobs])
        p.waitUntilExit()
        let printed = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0, "\(errors)")
        #expect(printed == "3 true\n")
        let svg = try String(contentsOf: out.appendingPathComponent("runs.svg"), encoding: .utf8)
        for label in ["lr = 0.05", "lr = 0.1", "lr = 0.2"] { #expect(svg.contains(">\(label)<"), "legend lacks \(label)") }
    }
}
