import Testing
@testable import Plot

@Suite("Plot colormaps")
struct ColormapTests {
    @Test func viridisEndsAreItsAnchors() {
        #expect(Colormap.viridis.color(at: 0) == Color(hex: "#440154"))
        #expect(Colormap.viridis.color(at: 1) == Color(hex: "#fde725"))
        // Clamped outside [0, 1].
        #expect(Colormap.viridis.color(at: -3) == Color(hex: "#440154"))
        #expect(Colormap.viridis.color(at: 7) == Color(hex: "#fde725"))
    }

    @Test func interpolationIsBetweenNeighbouringAnchors() {
        let a = Colormap(name: "t", anchors: [.black, .white])
        #expect(a.color(at: 0.5) == Color(r: 128, g: 128, b: 128))
    }

    @Test func signedDataGetsDivergingMapWhiteAtZero() {
        let hm = Heatmap(values: [[-1, 0.5], [2, 0]])
        let s = hm.colorScale
        #expect(s.colormap.isDiverging)
        #expect(s.lower == -2 && s.upper == 2)
        #expect(s.color(for: 0) == .white)
        #expect(s.color(for: -2) == Color(hex: "#053061"))
        #expect(s.color(for: 2) == Color(hex: "#67001f"))
        let negative = s.color(for: -1), positive = s.color(for: 1)
        #expect(negative.b > negative.r, "negative values are blue")
        #expect(positive.r > positive.b, "positive values are red")
    }

    @Test func positiveDataGetsSequentialMapOverItsRange() {
        let hm = Heatmap(values: [[0.1, 0.4], [0.9, 0.3]])
        let s = hm.colorScale
        #expect(s.colormap == .viridis)
        #expect(s.color(for: 0.1) == Color(hex: "#440154"))
        #expect(s.color(for: 0.9) == Color(hex: "#fde725"))
    }

    @Test func choiceAndLimitsCanBeOverridden() {
        let seq = Heatmap(values: [[-1, 1]], colormap: .sequential).colorScale
        #expect(seq.colormap == .viridis && seq.lower == -1 && seq.upper == 1)
        let div = Heatmap(values: [[0.2, 0.8]], colormap: .diverging).colorScale
        #expect(div.lower == -0.8 && div.upper == 0.8 && div.color(for: 0) == .white)
        let fixed = Heatmap(values: [[0.2, 0.8]], limits: 0...2).colorScale
        #expect(fixed.color(for: 2) == Color(hex: "#fde725"))
        #expect(fixed.color(for: 5) == Color(hex: "#fde725"), "clamped above the limit")
    }

    @Test func nanAndDegenerateMatrices() {
        let s = Heatmap(values: [[.nan, 1]]).colorScale
        #expect(s.color(for: .nan) == .missing)
        let allNaN = Heatmap(values: [[.nan]]).colorScale
        #expect(allNaN.lower < allNaN.upper)
        let constant = Heatmap(values: [[3, 3], [3, 3]]).colorScale
        #expect(constant.lower < 3 && constant.upper > 3)
        let empty = Heatmap(values: [])
        #expect(empty.rowCount == 0 && empty.columnCount == 0)
        let ragged = Heatmap(values: [[1, 2, 3], [4]])
        #expect(ragged.columnCount == 3 && ragged.value(1, 2).isNaN && ragged.value(-1, 0).isNaN)
    }

    @Test func hexRoundTripAndPaletteCycles() {
        #expect(Color(hex: "#4e79a7")?.hex == "#4e79a7")
        #expect(Color(hex: "zz") == nil)
        #expect(Palette.color(10) == Palette.color(0))
        #expect(Palette.color(-1) == Palette.color(9))
    }

    @Test func xterm256Mapping() {
        #expect(TextGrid.ansi256(Color(r: 255, g: 0, b: 0)) == 196)
        #expect(TextGrid.ansi256(.white) == 231)
        #expect(TextGrid.ansi256(Color(r: 128, g: 128, b: 128)) == 244)
    }
}
