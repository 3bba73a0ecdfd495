import Foundation
import Testing

/// `plot`'s look and grouping options as a script uses them: the files written, what they
/// hold, the warnings printed and the errors for bad values.
@Suite struct PlotOptionsTests {
    /// Runs `script` with `exp run`; returns the exit code, stdout, stderr and the run directory.
    static func run(_ script: String) throws -> (code: Int32, out: String, err: String, dir: URL) {
        let dir = try ExperimentRunTests.tempDir()
        let path = dir.appendingPathComponent("figs.exp")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let outDir = dir.appendingPathComponent("run")
        let (p, stdout, stderr) = try ExperimentRunTests.launch(["run", path.path, "--out", outDir.path, "--quiet"])
        let o = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, o, e, outDir)
    }

    static func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    static let sweep = """
    sweep lr in [0.05, 0.2], seed in [1, 2, 3] {
      model q { param w = randn([1]) + 2 }
      train q with gd(lr: lr) { steps 20; loss sum(q.w ** 2); every 5 { log mse = loss } }
    }

    """

    /// After a sweep over lr and seed, `by: "lr"` gives one curve and one band per lr (the band
    /// over the three seeds), not one band mixing both rates.
    @Test func byGroupsASweepIntoOneCurvePerValue() throws {
        let r = try Self.run(Self.sweep + """
        plot mse, to: "all.svg"
        plot mse, by: "lr", y: "log", to: "by.svg"
        plot mse, by: "lr", x: fn(t, lr) = t * lr, to: "time.svg"
        """)
        #expect(r.code == 0, "\(r.err)")
        let all = try String(contentsOf: r.dir.appendingPathComponent("all.svg"), encoding: .utf8)
        #expect(Self.count("<polyline", in: all) == 1 && Self.count("<polygon", in: all) == 1)
        let by = try String(contentsOf: r.dir.appendingPathComponent("by.svg"), encoding: .utf8)
        #expect(Self.count("<polyline", in: by) == 2, "one curve per lr")
        #expect(Self.count("<polygon", in: by) == 2, "one band per lr")
        #expect(by.contains(">lr = 0.05 ± std</text>") && by.contains(">lr = 0.2 ± std</text>"))
        let time = try String(contentsOf: r.dir.appendingPathComponent("time.svg"), encoding: .utf8)
        #expect(time.contains(">t * lr</text>"), "the x label is the function's body")
        #expect(time.contains(">4</text>"), "lr 0.2 × step 20 reaches x = 4")
    }

    @Test func byNamesASettingTheSweepVaries() throws {
        let r = try Self.run(Self.sweep + "plot mse, by: \"rl\"\n")
        #expect(r.code != 0)
        #expect(r.err.contains("`by:` names `rl`, which the sweep of `mse` does not vary"), "\(r.err)")
        #expect(r.err.contains("lr"))
    }

    @Test func stylesMarkersColoursAndAPDF() throws {
        let r = try Self.run("""
        let t = linspace(0, 1, 50)
        plot t ** 2, t ** 2 + 0.01, styles: ["solid", "dashed"], markers: ["none", "square"], colors: ["green", "#000000"], size: [480, 320], font_size: 14, to: "fig.pdf"
        """)
        #expect(r.code == 0, "\(r.err)")
        let pdf = try Data(contentsOf: r.dir.appendingPathComponent("fig.pdf"))
        #expect(pdf.starts(with: Array("%PDF".utf8)), "a PDF file")
        let svg = try String(contentsOf: r.dir.appendingPathComponent("fig.svg"), encoding: .utf8)
        #expect(svg.contains("width=\"480\" height=\"320\""))
        #expect(svg.contains("stroke=\"#59a14f\"") && svg.contains("stroke=\"#000000\""))
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.contains("font-size=\"14\""))
    }

    @Test func aMisspeltStyleIsALocatedErrorWithDidYouMean() throws {
        let r = try Self.run("plot [1, 2, 3], styles: \"dashd\"\n")
        #expect(r.code != 0)
        #expect(r.err.contains("figs.exp:1:25"), "\(r.err)")
        #expect(r.err.contains("has no line style \"dashd\"") && r.err.contains("dashed"), "\(r.err)")
    }

    @Test func aDegenerateScatterWarns() throws {
        let r = try Self.run("scatter tensor([1.0, 1.0, 1.0]), tensor([1.0, 2.0, 3.0]), to: \"s.svg\"\n")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("figs.exp:1:1: warning: all 3 points of the scatter"), "\(r.err)")
        #expect(r.err.contains("vertical line"))
        #expect(FileManager.default.fileExists(atPath: r.dir.appendingPathComponent("s.svg").path), "the figure is still written")
    }

    /// A logged vector draws one curve per component; a label keeps its colour in later figures.
    @Test func vectorSeriesAndColoursAcrossFigures() throws {
        let r = try Self.run("""
        model q { param w = tensor([1.0, 2.0, 3.0]) }
        train q with gd(lr: 0.1) { steps 30; loss sum(q.w ** 2); every 3 { log u = q.w; log a = loss; log b = loss * 2; log loss_free = loss * 3 } }
        plot u, to: "u.svg"
        plot a, b, to: "ab.svg"
        plot b, to: "b.svg"
        plot loss_free, b, to: "new.svg"
        heatmap [eye(2), eye(2)], xlabel: "key", ylabel: "query", to: "grid.svg"
        """)
        #expect(r.code == 0, "\(r.err)")
        let u = try String(contentsOf: r.dir.appendingPathComponent("u.svg"), encoding: .utf8)
        #expect(Self.count("<polyline", in: u) == 3)
        for k in 0..<3 { #expect(u.contains(">u[\(k)]</text>")) }
        #expect(u.contains(">step</text>"))
        let ab = try String(contentsOf: r.dir.appendingPathComponent("ab.svg"), encoding: .utf8)
        let b = try String(contentsOf: r.dir.appendingPathComponent("b.svg"), encoding: .utf8)
        // A new figure starts at the first colour (blue, orange); b keeps orange when drawn alone
        // or beside a new curve, which takes the first colour free in that figure.
        #expect(ab.contains("stroke=\"#4e79a7\"") && ab.contains("stroke=\"#f28e2b\""))
        #expect(b.contains("stroke=\"#f28e2b\"") && !b.contains("stroke=\"#4e79a7\""), "b keeps its colour when drawn alone")
        let new = try String(contentsOf: r.dir.appendingPathComponent("new.svg"), encoding: .utf8)
        #expect(new.contains("stroke=\"#4e79a7\"") && new.contains("stroke=\"#f28e2b\""))
        let grid = try String(contentsOf: r.dir.appendingPathComponent("grid.svg"), encoding: .utf8)
        #expect(Self.count(">key</text>", in: grid) == 2 && Self.count(">query</text>", in: grid) == 2)
    }
}
