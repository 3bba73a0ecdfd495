import Foundation
import Testing
@testable import Plot

/// Per-series styles, legend and label placement, log bands, label markup, tick formats and
/// figure size: what a reader of the figure sees, checked in the SVG and, where drawing
/// matters, in the PNG that rsvg-convert makes of it.
@Suite("Figure styles")
struct FigureStyleTests {
    static let hasConverter = PNGExport.findConverter() != nil

    /// Attribute values of every `<tag …>` element in `svg`, in document order.
    static func elements(_ tag: String, in svg: String) -> [[String: String]] {
        var out: [[String: String]] = []
        var rest = Substring(svg)
        while let r = rest.range(of: "<\(tag) ") {
            let end = rest[r.upperBound...].firstIndex(of: ">") ?? rest.endIndex
            let body = rest[r.upperBound..<end]
            var attrs: [String: String] = [:]
            var scan = body
            while let eq = scan.range(of: "=\"") {
                let name = scan[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                let valueEnd = scan[eq.upperBound...].firstIndex(of: "\"") ?? scan.endIndex
                attrs[name] = String(scan[eq.upperBound..<valueEnd])
                scan = valueEnd < scan.endIndex ? scan[scan.index(after: valueEnd)...] : ""
            }
            out.append(attrs)
            rest = end < rest.endIndex ? rest[end...] : ""
        }
        return out
    }

    static func points(_ s: String) -> [(Double, Double)] {
        s.split(separator: " ").compactMap { p in
            let xy = p.split(separator: ",").compactMap { Double($0) }
            return xy.count == 2 ? (xy[0], xy[1]) : nil
        }
    }

    /// The legend's box (the translucent white rectangle).
    static func legendBox(_ svg: String) -> Rect? {
        elements("rect", in: svg).first { $0["fill-opacity"] == "0.88" }.flatMap { a in
            guard let x = Double(a["x"] ?? ""), let y = Double(a["y"] ?? ""), let w = Double(a["width"] ?? ""),
                  let h = Double(a["height"] ?? "") else { return nil }
            return Rect(x: x, y: y, w: w, h: h)
        }
    }

    /// The plot area (the clip rectangle).
    static func plotArea(_ svg: String) -> Rect? {
        guard let r = svg.range(of: "<clipPath") else { return nil }
        let a = elements("rect", in: String(svg[r.lowerBound...])).first!
        return Rect(x: Double(a["x"]!)!, y: Double(a["y"]!)!, w: Double(a["width"]!)!, h: Double(a["height"]!)!)
    }

    /// Points every 1 px along every polyline of the SVG.
    static func curvePixels(_ svg: String) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        for a in elements("polyline", in: svg) {
            let pts = points(a["points"] ?? "")
            for (p, q) in zip(pts, pts.dropFirst()) {
                let n = max(1, Int(hypot(q.0 - p.0, q.1 - p.1)))
                for k in 0...n {
                    let t = Double(k) / Double(n)
                    out.append((p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t))
                }
            }
        }
        return out
    }

    @Test func stylesAndMarkersPerSeries() {
        let xs = (0..<100).map(Double.init)
        let chart = LineChart(series: [
            Series("learned", xs: xs, ys: xs.map { 1 / (1 + $0) }),
            Series("closed form", xs: xs, ys: xs.map { 1 / (1 + $0) }, style: SeriesStyle(dash: .dashed)),
            Series("eval", xs: [0, 25, 50, 75, 99], ys: [1, 0.04, 0.02, 0.013, 0.01]),
            Series("dotted squares", xs: xs, ys: xs.map { 0.5 / (1 + $0) }, style: SeriesStyle(dash: .dotted, marker: .square)),
        ])
        let svg = Figure(chart).svg()
        let lines = Self.elements("polyline", in: svg)
        #expect(lines.count == 4)
        #expect(lines[0]["stroke-dasharray"] == nil, "solid by default")
        #expect(lines[1]["stroke-dasharray"] != nil, "dashed where asked")
        #expect(lines[3]["stroke-dasharray"] != nil)
        let markerPaths = Self.elements("path", in: svg)
        // Circles on the 5-point eval series (default for ≤ 20 points), squares where asked;
        // none on the long solid curves.
        #expect(markerPaths.contains { ($0["d"] ?? "").contains("a") && $0["fill"] == Palette.color(2).hex })
        #expect(markerPaths.contains { ($0["d"] ?? "").contains("h") && $0["fill"] == Palette.color(3).hex })
        #expect(!markerPaths.contains { $0["fill"] == Palette.color(0).hex }, "a 100-point curve has no markers")
    }

    /// A dashed red line across a PNG alternates red and white along its row; a solid one does not.
    @Test(.enabled(if: hasConverter)) func dashedLineIsDashedInThePNG() throws {
        let dir = NSTemporaryDirectory() + "fig-style-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let red = Color(r: 255, g: 0, b: 0)
        func runs(_ dash: Dash) throws -> Int {
            let chart = LineChart(series: [Series("s", xs: [0, 1], ys: [1, 1], style: SeriesStyle(color: red, dash: dash, lineWidth: 3))],
                                  legend: .none)
            let figure = Figure(chart)
            try figure.writePNG(to: dir + "/\(dash).png")
            let img = try DecodedPNG(Data(contentsOf: URL(fileURLWithPath: dir + "/\(dash).png")))
            let plot = try #require(Self.plotArea(figure.svg()))
            // The line sits at y = 1 of a range padded around 1: the middle of the plot.
            let y = Int(plot.midY)
            var count = 0, inRed = false
            for x in Int(plot.x + 5)..<Int(plot.maxX - 5) {
                guard let p = img.rgb(x, y) else { continue }
                let isRed = p.0 > 200 && p.1 < 90 && p.2 < 90
                if isRed && !inRed { count += 1 }
                inRed = isRed
            }
            return count
        }
        #expect(try runs(.solid) == 1)
        #expect(try runs(.dashed) > 20)
    }

    /// The curve runs from top left to bottom right; the legend goes to an empty corner.
    @Test func legendAvoidsTheData() throws {
        let xs = (0..<200).map { Double($0) / 199 }
        let chart = LineChart(series: [Series("falling", xs: xs, ys: xs.map { 1 - $0 }),
                                       Series("also falling", xs: xs, ys: xs.map { 0.9 - 0.9 * $0 })])
        let svg = Figure(chart).svg()
        let box = try #require(Self.legendBox(svg))
        let covered = Self.curvePixels(svg).filter { box.contains($0.0, $0.1) }
        #expect(covered.isEmpty, "legend covers \(covered.count) curve pixels")
    }

    /// A curve through every corner: no inside corner is free, so the legend goes outside,
    /// right of the plot, and covers nothing.
    @Test func legendGoesOutsideWhenEveryCornerHasData() throws {
        let xs = (0..<400).map { Double($0) / 399 }
        let chart = LineChart(series: [Series("zigzag", xs: xs, ys: xs.map { sin($0 * 80) }),
                                       Series("other", xs: xs, ys: xs.map { cos($0 * 60) })])
        let svg = Figure(chart).svg()
        let box = try #require(Self.legendBox(svg)), plot = try #require(Self.plotArea(svg))
        #expect(box.x >= plot.maxX, "legend at x \(box.x), plot ends at \(plot.maxX)")
        #expect(box.maxX <= 640)
        #expect(Self.curvePixels(svg).filter { box.contains($0.0, $0.1) }.isEmpty)
    }

    /// Long legend entries leave no room right of the plot: the legend goes below it, in
    /// columns, and still covers no curve.
    @Test func wideLegendGoesBelowThePlot() throws {
        let xs = (0..<400).map { Double($0) / 399 }
        let chart = LineChart(series: [
            Series("a rather long description of the first curve", xs: xs, ys: xs.map { sin($0 * 80) }),
            Series("and an equally long one for the second curve", xs: xs, ys: xs.map { cos($0 * 60) })])
        let svg = Figure(chart).svg()
        let box = try #require(Self.legendBox(svg)), plot = try #require(Self.plotArea(svg))
        #expect(box.y > plot.maxY, "legend at y \(box.y), plot ends at \(plot.maxY)")
        #expect(box.maxY <= 420 && box.x >= 0 && box.maxX <= 640)
        #expect(Self.curvePixels(svg).filter { box.contains($0.0, $0.1) }.isEmpty)
        #expect(svg.contains(">a rather long description of the first curve</text>"), "labels kept whole")
    }

    /// A reference label has no opaque box, so the curve under it stays drawn; and it sits
    /// where it covers no curve when such a place exists.
    @Test func referenceLabelsDoNotEraseCurves() throws {
        let xs = (0..<100).map(Double.init)
        let chart = LineChart(series: [Series("loss", xs: xs, ys: xs.map { 1 + 0.3 * exp(-$0 / 5) })],
                              referenceLines: [.horizontal(1, label: "Bayes risk")])
        let svg = Figure(chart).svg()
        #expect(!Self.elements("rect", in: svg).contains { $0["fill-opacity"] == "0.8" })
        #expect(svg.contains(">Bayes risk</text>"))
        let end = try #require(svg.range(of: ">Bayes risk</text>"))
        let start = try #require(svg[..<end.lowerBound].range(of: "<text ", options: .backwards))
        let label = Self.elements("text", in: String(svg[start.lowerBound..<end.lowerBound]) + ">")[0]
        let x = try #require(Double(label["x"] ?? "")), y = try #require(Double(label["y"] ?? ""))
        let near = Self.curvePixels(svg).filter { abs($0.0 - (x + 20)) < 20 && abs($0.1 - (y - 5)) < 6 }
        #expect(near.isEmpty, "label at \(x),\(y) sits on the curve")
    }

    /// mean − std below zero on a log axis: the band is clipped to the axis bottom (finite
    /// coordinates, inside the plot), the legend says so and shows the band's swatch.
    @Test func logBandsAreClippedAndInTheLegend() throws {
        let steps = (1...50).map(Double.init)
        let mean = steps.map { 1 / $0 }
        let std = steps.map { 1.5 / $0 }  // lower edge = −0.5 / step < 0 everywhere
        let chart = LineChart(series: [.meanStd("loss", xs: steps, mean: mean, std: std)], y: Axis(scale: .log))
        let svg = Figure(chart).svg()
        let polygons = Self.elements("polygon", in: svg)
        #expect(polygons.count == 1)
        let plot = try #require(Self.plotArea(svg))
        let pts = Self.points(polygons[0]["points"] ?? "")
        #expect(pts.count == 100)
        #expect(pts.allSatisfy { $0.1.isFinite && $0.1 <= plot.maxY + 0.01 })
        #expect(pts.contains { abs($0.1 - plot.maxY) < 0.01 }, "the clipped edge runs along the axis bottom")
        #expect(svg.contains("loss ± std (band ≤ 0 at 50 points, clipped)"))
        let box = try #require(Self.legendBox(svg))
        #expect(Self.elements("rect", in: svg).contains { a in
            a["fill-opacity"] == "0.2" && (Double(a["x"] ?? "") ?? -1) > box.x && (Double(a["y"] ?? "") ?? -1) > box.y
        }, "band swatch inside the legend")
    }

    @Test func subAndSuperscriptsInLabels() {
        let chart = LineChart(title: "W_{KQ} and x^2", series: [Series("train_loss", ys: [1, 2, 3])],
                              x: Axis(label: "e^-3 · t"), y: Axis(label: "max_{j≠y} ξ"))
        let svg = Figure(chart).svg()
        #expect(svg.contains(">W<tspan dy=\"4.2\" font-size=\"10.8\">KQ</tspan><tspan dy=\"-4.2\">\u{00A0}and x</tspan><tspan dy=\"-6.3\" font-size=\"10.8\">2</tspan></text>"))
        #expect(svg.contains("font-size=\"9.36\">−3</tspan>"))
        #expect(svg.contains("max<tspan"))
        #expect(svg.contains(">train_loss</text>"), "a lone underscore is literal")
    }

    @Test func ticksUseUnicodeMinusAndOneFormatPerAxis() {
        let chart = LineChart(series: [Series("s", xs: [-2, -1, 0, 1], ys: [1e-5, 1e-3, 0.1, 1])], y: Axis(scale: .log))
        let svg = Figure(chart).svg()
        #expect(svg.contains(">−1.0</text>") || svg.contains(">−1</text>"), "a true minus sign")
        #expect(!svg.contains(">-"), "no hyphen-minus in any label")
        // 1e-5 … 1 on a log axis: every label a power of ten, none as a decimal.
        #expect(svg.contains(">10<tspan dy=\"-4.83\" font-size=\"8.28\">−5</tspan>"))
        #expect(svg.contains(">10<tspan dy=\"-4.83\" font-size=\"8.28\">0</tspan>"))
        #expect(!svg.contains(">0.001</text>") && !svg.contains(">1</text>"))
        let ticks = TickGenerator.log(lower: 1e-4, upper: 1, target: 6)
        #expect(ticks.labels.allSatisfy { $0.contains("e") }, "\(ticks.labels)")
        let short = TickGenerator.log(lower: 0.01, upper: 100, target: 6)
        #expect(short.labels.allSatisfy { !$0.contains("e") }, "\(short.labels)")
    }

    @Test func sizeAndFontSize() {
        var figure = Figure(LineChart(title: "t", series: [Series("s", ys: [1, 2])]))
        figure.panelWidth = 400
        figure.panelHeight = 300
        figure.fontSize = 18
        let svg = figure.svg()
        #expect(svg.contains("width=\"400\" height=\"300\""))
        #expect(svg.contains("font-size=\"18\">s</text>"), "legend text at the base size")
        #expect(svg.contains("font-size=\"22.5\""), "title scaled with it")
    }

    @Test func heatmapGridKeepsAxisLabels() {
        let grid = Figure.heatmapGrid([[[1, 2], [3, 4]], [[4, 3], [2, 1]]], xLabel: "key", yLabel: "query")
        let svg = grid.svg()
        #expect(svg.components(separatedBy: ">key</text>").count == 3)
        #expect(svg.components(separatedBy: ">query</text>").count == 3)
    }
}
