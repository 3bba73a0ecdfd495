import Foundation
@testable import Plot

/// Charts shared by the tests; they mirror what the examples will plot.
enum Samples {
    static let steps = (0..<200).map { Double($0) * 10 }

    static var trainingCurves: LineChart {
        let train = steps.map { 2.3 * exp(-$0 / 400) + 0.05 }
        let reverse = steps.map { 2.3 * (1 - 0.05 * $0 / 2000) }
        return LineChart(title: "reversal curse", series: [
            Series("train_loss", xs: steps, ys: train),
            Series("reverse_loss", xs: steps, ys: reverse, style: SeriesStyle(dash: .dashed)),
        ], x: Axis(label: "step"), y: Axis(label: "loss", scale: .log),
        referenceLines: [.horizontal(0.611, label: "Bayes risk 0.611")])
    }

    static var sweepWithBand: LineChart {
        let xs = (0..<50).map(Double.init)
        let mean = xs.map { 1 / (1 + $0 / 5) }
        let std = xs.map { 0.05 + 0.1 / (1 + $0 / 10) }
        var gap = mean
        gap[20] = .nan
        gap[21] = .nan
        return LineChart(title: "ICL regression: sweep over 8 seeds", series: [
            .meanStd("d = 8", xs: xs, mean: mean, std: std, style: SeriesStyle(marker: .circle)),
            Series("d = 16 (with gap)", xs: xs, ys: gap.map { $0 * 1.3 }, style: SeriesStyle(marker: .square)),
        ], x: Axis(label: "context length"), y: Axis(label: "excess risk"),
        referenceLines: [.vertical(25, label: "n = d")])
    }

    static var attention: [[Double]] {
        (0..<12).map { r in (0..<12).map { c in c <= r ? exp(-Double(r - c) / 2) : 0 } }
    }

    static var signed: [[Double]] {
        (0..<10).map { r in (0..<16).map { c in sin(Double(r) / 2) * cos(Double(c) / 3) * 2 } }
    }

    static var scatter: ScatterPlot {
        var rng = SystemRandomNumberGenerator()
        _ = rng
        let xs = (0..<80).map { Double($0) / 8 }
        let ys = xs.map { 0.5 * $0 + sin($0 * 3) }
        return ScatterPlot(title: "weights vs. gradient", series: [
            Series("layer 1", xs: xs, ys: ys),
            Series("layer 2", xs: xs, ys: ys.map { -$0 + 4 }, style: SeriesStyle(marker: .triangle)),
        ], x: Axis(label: "|w|"), y: Axis(label: "|g|"))
    }

    static var awkward: LineChart {
        LineChart(title: "awkward: 1e-7 … 3 on log y, zeros and NaN", series: [
            Series("tiny", xs: [0, 1, 2, 3, 4, 5, 6], ys: [3, 0.1, 1e-3, 0, 1e-5, .nan, 1e-7]),
        ], x: Axis(label: "step"), y: Axis(scale: .log))
    }
}
