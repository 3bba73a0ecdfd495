import Foundation
import Testing
@testable import Plot

/// Odd inputs must render (as gaps, notes or clamped sizes), never trap, and stay valid XML.
@Suite("Plot robustness")
struct RobustnessTests {
    /// A tiny deterministic generator so the "random" inputs are the same on every run.
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static var oddCharts: [Panel] {
        var rng = LCG(state: 42)
        let specials: [Double] = [.nan, .infinity, -.infinity, 0, -1, 1e300, -1e-300, 5e-324]
        var panels: [Panel] = []
        for k in 0..<24 {
            let n = Int(rng.next() * 12)
            let ys = (0..<n).map { _ in rng.next() < 0.3 ? specials[Int(rng.next() * 8)] : (rng.next() - 0.3) * pow(10, rng.next() * 20 - 10) }
            let xs = (0..<(n + k % 3 - 1)).map { _ in rng.next() < 0.2 ? specials[Int(rng.next() * 8)] : rng.next() * 100 }
            let scaleX: AxisScale = k % 4 == 1 ? .log : .linear
            let scaleY: AxisScale = k % 2 == 0 ? .log : .linear
            let s = Series("s\(k)", xs: xs, ys: ys, lower: k % 5 == 0 ? ys.map { $0 - 1 } : nil, upper: k % 5 == 0 ? Array(ys.prefix(2)) : nil,
                           style: SeriesStyle(marker: Marker.allCases[k % Marker.allCases.count], lineWidth: k == 7 ? .nan : 1.8))
            let x = Axis(label: k % 3 == 0 ? "x" : nil, scale: scaleX, lower: k == 5 ? 10 : nil, upper: k == 5 ? 1 : nil)
            let y = Axis(scale: scaleY, lower: k == 9 ? -.infinity : nil)
            let refs: [ReferenceLine] = k % 3 == 0 ? [.horizontal(specials[k % 8], label: "r"), .vertical(50, label: "v")] : []
            panels.append(k % 6 == 3 ? .scatter(ScatterPlot(series: [s], x: x, y: y, referenceLines: refs, markerSize: -3))
                                     : .line(LineChart(title: "odd \(k)", series: [s], x: x, y: y, referenceLines: refs)))
        }
        let matrices: [[[Double]]] = [[], [[]], [[.nan]], [[1e300, -1e300]], [[1, 2, 3], [4]], [[5]],
                                      (0..<3).map { _ in (0..<200).map { _ in rng.next() } }]
        for m in matrices {
            panels.append(.heatmap(Heatmap(values: m, limits: 3...3)))
            panels.append(.heatmap(Heatmap(values: m, rowLabels: ["a"], columnLabels: ["long label \u{0}\u{E000}"], squareCells: false)))
        }
        return panels
    }

    @Test func oddInputsRenderToValidSVGAndSizedTerminalText() throws {
        for (i, panel) in Self.oddCharts.enumerated() {
            let svg = Figure(panels: [panel], panelWidth: i % 2 == 0 ? 640 : -5, panelHeight: .nan).svg()
            #expect(XMLCollector.parse(svg) != nil, "panel \(i) is not well-formed XML")
            #expect(!svg.contains("nan") && !svg.contains("inf"), "panel \(i) has non-finite numbers")
            let term = TerminalRenderer.render(Figure(panels: [panel]), options: TerminalOptions(width: 30, height: 8, color: .ansi256))
            let lines = stripANSI(term).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 8 && lines.allSatisfy { TextGrid.displayWidth(String($0)) == 30 }, "panel \(i)")
        }
    }

    @Test func emptyFigureIsAValidDocument() throws {
        let doc = try #require(XMLCollector.parse(Figure(panels: [], columns: 0).svg()))
        #expect(doc.elements.first == "svg")
    }

    @Test func longSeriesAreThinnedButKeepTheirExtremes() throws {
        let n = 50_000
        let xs = (0..<n).map(Double.init)
        var ys = xs.map { sin($0 / 500) }
        ys[31_337] = 40  // a spike must survive thinning
        let svg = Figure(LineChart(series: [Series("long", xs: xs, ys: ys)])).svg()
        #expect(svg.utf8.count < 80_000, "\(svg.utf8.count) bytes")
        let doc = try #require(XMLCollector.parse(svg))
        let points = try #require(doc.attributes.first { $0["points"] != nil }?["points"])
        let minY = points.split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }.min() ?? 0
        // The spike is the top of the data: its pixel y is near the top of the plot.
        #expect(minY < 60)
    }
}
