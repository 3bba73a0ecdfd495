@testable import Experiments
import Foundation
import Language
import Plot
import Testing

/// The figures and report a script leaves, looked at as a person would: every SVG rendered to
/// PNG by rsvg-convert shows a real picture, and report.html renders in headless Chromium.
@Suite struct RunFiguresTests {
    static let chromium: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { name -> String? in
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }.first

    static let script = """
    seed 1
    let d = 6
    task reg {
      let w = randn([d, 1])
      sample(batch) {
        let x = randn([batch, d])
        return {input: x, target: x @ w}
      }
    }
    model lin {
      param W = zeros([d, 1])
      param M = randn([d, d]) * 0.1
      forward(x) = x @ (W + M @ W * 0)
    }
    optimizer opt = adam(lr: 0.05)
    train lin on reg with opt {
      steps 150
      batch 32
      loss mean((output - target) ** 2)
      every 10 {
        log train_loss = loss
        log err = norm(lin.W - reg.w)
      }
    }
    plot train_loss, err, y: "log", title: "training", hline: 0.01, hline_label: "target"
    heatmap lin.M, title: "M"
    heatmap randn([4, 5, 5]), titles: ["a", "b", "c", "d"], to: "grid.svg"
    scatter linspace(0, 1, 30), linspace(0, 1, 30) ** 2
    plot train_loss, to: "paper/loss.pdf"
    plot err, to: "err"
    expect train_loss.last < train_loss.first

    """

    /// Runs the script in-process into a fresh run directory and returns it.
    static func run(overrides: [String: Value] = [:]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("figures.exp")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        var config = ExperimentRuntime.Config(scriptPath: path.path, scriptText: script, outDirectory: out.path)
        config.quiet = true
        var options = Interpreter.Options()
        options.overrides = overrides
        config.overrides = overrides.mapValues(Format.repr)
        var runner = ScriptRunner(options: options, output: { _ in }, errorOutput: { _ in })
        runner.makeExperiments = { ExperimentRuntime(config) }
        let code = runner.run(path: path.path)
        #expect(code == .ok)
        return out
    }

    @Test func toWritesPDFAndAddsSVGToBareNames() throws {
        let out = try Self.run()
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("err.svg").path))
        guard PNGExport.findConverter() != nil else { return }  // the PNG tests say when rsvg-convert is missing
        let pdf = try Data(contentsOf: out.appendingPathComponent("paper/loss.pdf"))
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("paper/loss.pdf.svg").path))
    }

    /// Fraction of pixels that are not (near) white.
    static func inkedFraction(_ png: DecodedPNG) -> Double {
        var inked = 0
        for y in 0..<png.height {
            for x in 0..<png.width {
                if let (r, g, b) = png.rgb(x, y), r + g + b < 3 * 235 { inked += 1 }
            }
        }
        return Double(inked) / Double(max(png.width * png.height, 1))
    }

    @Test(.enabled(if: PNGExport.findConverter() != nil)) func everyFigureRendersToANonBlankPNG() throws {
        let out = try Self.run()
        let svgs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".svg") }.sorted()
        #expect(svgs.count == 5, "figures: \(svgs)")
        for name in svgs {
            let png = out.appendingPathComponent(name + ".png")
            try PNGExport.convert(svgPath: out.appendingPathComponent(name).path, to: png.path)
            let image = try DecodedPNG(Data(contentsOf: png))
            let ink = Self.inkedFraction(image)
            #expect(image.width >= 300 && image.height >= 200, "\(name): \(image.width)x\(image.height)")
            #expect(ink > 0.02 && ink < 0.95, "\(name): \(ink) of the pixels are inked")
        }
    }

    /// A headless Chromium screenshot of `page`, 1200x1800.
    static func screenshot(_ page: URL) throws -> DecodedPNG {
        let shot = page.deletingPathExtension().appendingPathExtension("png")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(Self.chromium))
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,1800",
                       "--screenshot=\(shot.path)", page.absoluteString]
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
        return try DecodedPNG(Data(contentsOf: shot))
    }

    @Test(.enabled(if: chromium != nil)) func reportRendersInHeadlessChromium() throws {
        let out = try Self.run()
        let image = try Self.screenshot(out.appendingPathComponent("report.html"))
        #expect(image.width == 1200 && image.height == 1800)
        let ink = Self.inkedFraction(image)
        #expect(ink > 0.03, "the report screenshot is nearly blank (\(ink) inked)")
    }

    /// `exp compare` of two runs differing in one `--set`: its report renders with its figures.
    @Test(.enabled(if: chromium != nil)) func compareReportRendersInHeadlessChromium() throws {
        let a = try Self.run(overrides: ["d": .int(4)])
        let b = try Self.run(overrides: ["d": .int(8)])
        let report = try CompareReport(directories: [a.path, b.path])
        #expect(report.differing == ["d"] && report.labels == ["d=4", "d=8"], "\(report.differing) \(report.labels)")
        let page = try report.write(out: a.deletingLastPathComponent().appendingPathComponent("compare").path)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.components(separatedBy: "<figure>").count - 1 == 2, "a figure per shared metric")
        let image = try Self.screenshot(page)
        #expect(image.width == 1200 && image.height == 1800)
        if let png = ProcessInfo.processInfo.environment["EXP_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: png)  // a screenshot kept from an earlier run is replaced
            try FileManager.default.copyItem(at: page.deletingPathExtension().appendingPathExtension("png"), to: URL(fileURLWithPath: png))
        }
        let ink = Self.inkedFraction(image)
        #expect(ink > 0.01, "the compare report screenshot is nearly blank (\(ink) inked)")
        // The two runs' curves are drawn: there are pixels of colour, not only grey text and grid.
        var coloured = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                if let (r, g, b) = image.rgb(x, y), max(r, g, b) - min(r, g, b) > 80 { coloured += 1 }
            }
        }
        #expect(coloured > 1000, "the figures' curves should show in colour (\(coloured) coloured pixels)")
    }
}
