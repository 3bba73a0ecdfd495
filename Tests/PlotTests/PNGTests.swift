import Foundation
import Testing
@testable import Plot

@Suite("Plot PNG")
struct PNGTests {
    static let hasConverter = PNGExport.findConverter() != nil

    private func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "plot-png-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Width and height from the IHDR chunk, nil when the bytes are not a PNG.
    private func pngSize(_ data: Data) -> (Int, Int)? {
        let bytes = [UInt8](data)
        guard bytes.count > 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
              String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else { return nil }
        func be(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    @Test func missingConverterSaysHowToInstallIt() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Figure(Samples.trainingCurves).writeSVG(to: dir + "/a.svg")
        do {
            try PNGExport.convert(svgPath: dir + "/a.svg", to: dir + "/a.png", environment: ["PATH": "/nonexistent"])
            Issue.record("expected an error")
        } catch let e as PlotError {
            #expect(e.kind == .missingTool)
            #expect(e.description.contains("rsvg-convert") && e.description.contains("librsvg2-bin"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/a.png"))
    }

    /// Compressed PNG size tracks image content: a chart must compress far worse than a blank page
    /// of the same size, and different charts must give different images. (Decoding pixels would
    /// need an inflate implementation; the size comparison is the honest check we can make.)
    @Test(.enabled(if: hasConverter)) func chartsRenderToNonBlankPNGs() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let blank = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"420\"><rect width=\"640\" height=\"420\" fill=\"white\"/></svg>"
        try blank.write(toFile: dir + "/blank.svg", atomically: true, encoding: .utf8)
        try PNGExport.convert(svgPath: dir + "/blank.svg", to: dir + "/blank.png")
        let blankSize = try Data(contentsOf: URL(fileURLWithPath: dir + "/blank.png")).count

        let figures: [(String, Figure)] = [
            ("curves", Figure(Samples.trainingCurves)), ("band", Figure(Samples.sweepWithBand)),
            ("heatmap", Figure(Heatmap(title: "attention", values: Samples.attention))),
            ("scatter", Figure(Samples.scatter)),
        ]
        var images: [Data] = []
        for (name, fig) in figures {
            let path = "\(dir)/\(name).png"
            try fig.writePNG(to: path)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let size = try #require(pngSize(data), "\(name) is not a PNG")
            #expect(size == (640, 420), "\(name)")
            #expect(data.count > 5 * blankSize, "\(name): \(data.count) bytes vs blank \(blankSize)")
            images.append(data)
        }
        #expect(Set(images).count == images.count, "every chart gives a different image")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/curves.png.tmp-\(ProcessInfo.processInfo.processIdentifier).svg"))
    }

    /// Decodes the PNG and looks at pixels: the heatmap cells carry the colormap's colours
    /// (blue end, white at zero, red end) and the line chart's series colour appears on the page.
    @Test(.enabled(if: hasConverter)) func pixelsShowTheColormapAndTheSeries() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hm = Heatmap(values: [[-2, 0, 2]], showColorbar: false)
        try Figure(hm).writePNG(to: dir + "/hm.png")
        let img = try DecodedPNG(Data(contentsOf: URL(fileURLWithPath: dir + "/hm.png")))
        #expect(img.width == 640 && img.height == 420)
        // Find the cells along the middle row: the three runs of non-white, non-ink colour.
        let y = img.height / 2
        func close(_ p: (Int, Int, Int)?, _ c: Color, tol: Int = 6) -> Bool {
            guard let p else { return false }
            return abs(p.0 - Int(c.r)) <= tol && abs(p.1 - Int(c.g)) <= tol && abs(p.2 - Int(c.b)) <= tol
        }
        let lo = Colormap.blueWhiteRed.color(at: 0), hi = Colormap.blueWhiteRed.color(at: 1)
        let xsLo = (0..<img.width).filter { close(img.rgb($0, y), lo) }
        let xsHi = (0..<img.width).filter { close(img.rgb($0, y), hi) }
        #expect(xsLo.count > 50 && xsHi.count > 50, "cells of both end colours: \(xsLo.count), \(xsHi.count)")
        if let l = xsLo.max(), let h = xsHi.min() {
            #expect(l < h, "negative cell left of positive cell")
            #expect(close(img.rgb((l + h) / 2, y), .white, tol: 2), "the zero cell between them is white")
        }

        let chart = LineChart(series: [Series("s", ys: [0, 1, 0, 1], style: SeriesStyle(color: Color(r: 255, g: 0, b: 0), lineWidth: 3))])
        try Figure(chart).writePNG(to: dir + "/line.png")
        let line = try DecodedPNG(Data(contentsOf: URL(fileURLWithPath: dir + "/line.png")))
        var red = 0, nonWhite = 0
        for yy in 0..<line.height { for xx in 0..<line.width {
            guard let p = line.rgb(xx, yy) else { continue }
            if p.0 > 200 && p.1 < 60 && p.2 < 60 { red += 1 }
            if p != (255, 255, 255) { nonWhite += 1 }
        } }
        #expect(red > 500, "the red series is drawn (\(red) red pixels)")
        #expect(nonWhite < line.width * line.height / 2, "the page is mostly white")
    }

    @Test(.enabled(if: hasConverter)) func scaleAndGridSizes() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Figure(Samples.trainingCurves).writePNG(to: dir + "/x2.png", scale: 2)
        #expect(pngSize(try Data(contentsOf: URL(fileURLWithPath: dir + "/x2.png")))! == (1280, 840))
        let grid = Figure(title: "overview", panels: [.line(Samples.trainingCurves), .scatter(Samples.scatter), .heatmap(Heatmap(values: Samples.signed))], columns: 2)
        try grid.writePNG(to: dir + "/grid.png")
        #expect(pngSize(try Data(contentsOf: URL(fileURLWithPath: dir + "/grid.png")))! == (1280, 876))
    }

    @Test(.enabled(if: hasConverter)) func brokenSVGReportsConversionFailure() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "<svg".write(toFile: dir + "/bad.svg", atomically: true, encoding: .utf8)
        #expect(throws: PlotError.self) { try PNGExport.convert(svgPath: dir + "/bad.svg", to: dir + "/bad.png") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.png"))
        #expect(throws: PlotError.self) { try PNGExport.convert(svgPath: dir + "/missing.svg", to: dir + "/m.png") }
    }
}
