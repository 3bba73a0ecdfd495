import Foundation
import Testing
@testable import Plot

@Suite("Plot terminal")
struct TerminalTests {
    /// Lines of plain output (ANSI removed).
    private func lines(_ s: String) -> [String] { stripANSI(s).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    private func isBraille(_ c: Character) -> Bool {
        guard let u = c.unicodeScalars.first?.value else { return false }
        return u > 0x2800 && u <= 0x28FF
    }

    @Test(arguments: [(80, 24), (40, 10), (120, 40), (20, 6)])
    func lineChartHasRequestedSize(width: Int, height: Int) {
        for color in [TerminalColorMode.none, .ansi256, .trueColor] {
            let out = TerminalRenderer.render(Samples.trainingCurves, options: TerminalOptions(width: width, height: height, color: color))
            let ls = lines(out)
            #expect(ls.count == height)
            #expect(ls.allSatisfy { TextGrid.displayWidth($0) == width }, "\(color): \(ls.map { TextGrid.displayWidth($0) })")
        }
    }

    @Test func tooSmallSizesAreRaisedToTheMinimum() {
        let ls = lines(TerminalRenderer.render(Samples.trainingCurves, options: TerminalOptions(width: 3, height: -2, color: .none)))
        #expect(ls.count == 6 && ls.allSatisfy { TextGrid.displayWidth($0) == 20 })
    }

    @Test func heatmapAndScatterHaveRequestedSize() {
        let charts: [(String, (TerminalOptions) -> String)] = [
            ("attention", { TerminalRenderer.render(Heatmap(title: "attention", values: Samples.attention), options: $0) }),
            ("big", { TerminalRenderer.render(Heatmap(values: (0..<200).map { r in (0..<300).map { Double($0 * r) } }), options: $0) }),
            ("empty", { TerminalRenderer.render(Heatmap(values: []), options: $0) }),
            ("scatter", { TerminalRenderer.render(Samples.scatter, options: $0) }),
        ]
        for (name, render) in charts {
            for color in [TerminalColorMode.none, .ansi256] {
                let ls = lines(render(TerminalOptions(width: 50, height: 16, color: color)))
                #expect(ls.count == 16, "\(name)")
                #expect(ls.allSatisfy { TextGrid.displayWidth($0) == 50 }, "\(name) \(color)")
            }
        }
    }

    @Test func identityLineRunsThroughTheDiagonalCells() throws {
        let xs = (0...20).map(Double.init)
        let chart = LineChart(series: [Series("y = x", xs: xs, ys: xs)], legend: .none)
        let W = 42, H = 22
        let ls = lines(TerminalRenderer.render(chart, options: TerminalOptions(width: W, height: H, color: .none)))
        let axisRow = try #require(ls.firstIndex { $0.contains("└") })
        let gutter = try #require(Array(ls[axisRow]).firstIndex(of: "└"))
        let rows = axisRow, cols = W - gutter - 1
        #expect(rows == H - 2)  // no title, legend or labels: all but the axis and its labels
        // y runs 0…21 (5 % headroom, not below 0); x runs 0…20 edge to edge.
        let ph = Double(rows * 4 - 1), pw = Double(cols * 2 - 1)
        for c in 0..<cols {
            let column = (0..<rows).filter { isBraille(Array(ls[$0])[gutter + 1 + c]) }
            #expect(!column.isEmpty, "column \(c) has no dots")
            let x = (Double(c * 2) + 0.5) / pw * 20
            let expectedRow = (ph * (1 - x / 21)) / 4
            for r in column { #expect(abs(Double(r) - expectedRow) <= 1.5, "column \(c): dot in row \(r), expected ≈\(expectedRow)") }
        }
        #expect(isBraille(Array(ls[rows - 1])[gutter + 1]), "starts in the bottom-left cell")
        #expect(isBraille(Array(ls[1])[W - 1]) || isBraille(Array(ls[0])[W - 1]), "ends in the top-right cells")
    }

    @Test func legendAxisLabelsAndTicksAreShown() {
        let out = stripANSI(TerminalRenderer.render(Samples.trainingCurves, options: TerminalOptions(width: 80, height: 24, color: .none)))
        for s in ["reversal curse", "train_loss", "reverse_loss", "Bayes risk 0.611", "step", "loss", "500", "1000", "0.1"] {
            #expect(out.contains(s), "missing \(s)")
        }
    }

    @Test func coloursPerSeriesAndAFlagToTurnThemOff() {
        let opts = TerminalOptions(width: 60, height: 16, color: .ansi256)
        let colored = TerminalRenderer.render(Samples.trainingCurves, options: opts)
        let first = TextGrid.ansi256(Palette.color(0)), second = TextGrid.ansi256(Palette.color(1))
        #expect(colored.contains("\u{1B}[38;5;\(first)m") && colored.contains("\u{1B}[38;5;\(second)m"))
        let plain = TerminalRenderer.render(Samples.trainingCurves, options: TerminalOptions(width: 60, height: 16, color: .none))
        #expect(!plain.contains("\u{1B}"))
        let truecolor = TerminalRenderer.render(Samples.trainingCurves, options: TerminalOptions(width: 60, height: 16, color: .trueColor))
        let c = Palette.color(0)
        #expect(truecolor.contains("\u{1B}[38;2;\(c.r);\(c.g);\(c.b)m"))
    }

    @Test func heatmapUsesBackgroundColoursOfTheColormap() {
        let hm = Heatmap(values: [[-1, 0, 1]])
        let out = TerminalRenderer.render(hm, options: TerminalOptions(width: 30, height: 8, color: .trueColor))
        // Zero is white on the diverging map; both ends appear as colours of the map.
        #expect(out.contains("38;2;255;255;255"))
        let lo = Colormap.blueWhiteRed.color(at: 0), hi = Colormap.blueWhiteRed.color(at: 1)
        #expect(out.contains("2;\(lo.r);\(lo.g);\(lo.b)") && out.contains("2;\(hi.r);\(hi.g);\(hi.b)"))
        #expect(out.contains("48;2;"))
        let plain = stripANSI(TerminalRenderer.render(hm, options: TerminalOptions(width: 30, height: 8, color: .none)))
        #expect(plain.contains("█") && plain.contains("-1") && plain.contains("1"))
    }

    @Test func emptyAndNaNChartsSayNoData() {
        let out = TerminalRenderer.render(LineChart(series: [Series("n", ys: [.nan])]), options: TerminalOptions(width: 40, height: 10, color: .none))
        #expect(out.contains("no finite data"))
    }

    @Test func wideAndControlCharactersKeepTheWidth() {
        let chart = LineChart(title: "注意力\tmap\u{07}", series: [Series("λ = 0.1 😀", ys: [1, 2, 3])])
        let ls = lines(TerminalRenderer.render(chart, options: TerminalOptions(width: 30, height: 10, color: .none)))
        #expect(ls.allSatisfy { TextGrid.displayWidth($0) == 30 })
        #expect(!ls.joined().contains("\u{07}"))
    }

    @Test func brailleCanvasDotsAndClipping() {
        var c = BrailleCanvas(columns: 2, rows: 1)
        c.set(0, 0, layer: 0)
        #expect(c.character(column: 0, row: 0) == "\u{2801}")
        c.set(1, 3, layer: 0)
        #expect(c.character(column: 0, row: 0) == "\u{2881}")
        c.line(-100, -100, 1000, 1000, layer: 1)  // clipped, no trap
        c.line(.nan, 0, 1, 1, layer: 1)
        #expect(c.character(column: 1, row: 0) == nil || c.layer(column: 1, row: 0) == 1)
    }
}

@Suite("Plot terminal detection")
struct TerminalDetectionTests {
    @Test func colourModeFollowsTheEnvironment() {
        #expect(TerminalColorMode.detect(environment: ["NO_COLOR": "1", "COLORTERM": "truecolor"], isTerminal: true) == .none)
        #expect(TerminalColorMode.detect(environment: ["COLORTERM": "truecolor"], isTerminal: true) == .trueColor)
        #expect(TerminalColorMode.detect(environment: ["TERM": "xterm-256color"], isTerminal: true) == .ansi256)
        #expect(TerminalColorMode.detect(environment: ["TERM": "dumb"], isTerminal: true) == .none)
        #expect(TerminalColorMode.detect(environment: ["COLORTERM": "truecolor"], isTerminal: false) == .none)
    }

    /// Only meaningful when stdout is not a terminal (as under CI); then COLUMNS/LINES decide.
    @Test(.enabled(if: isatty(STDOUT_FILENO) == 0)) func sizeFallsBackToColumnsAndLines() {
        let o = TerminalOptions.detect(maxHeight: 30, environment: ["COLUMNS": "100", "LINES": "50"])
        #expect(o.width == 100 && o.height == 30)
        let d = TerminalOptions.detect(environment: [:])
        #expect(d.width == 80 && d.height == 22)
    }
}
