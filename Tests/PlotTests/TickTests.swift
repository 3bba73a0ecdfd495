import Testing
@testable import Plot

@Suite("Plot ticks")
struct TickTests {
    @Test func unitRangeUsesTwoTenthsSteps() {
        let t = TickGenerator.linear(lower: 0, upper: 1, target: 5)
        #expect(t.values == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(t.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test func stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        for (lo, hi) in [(0.0, 7.3), (-3.7, 2.2), (1e-7, 3), (123.0, 9876.0), (0.0013, 0.0021), (-5e6, 1e5)] {
            let v = TickGenerator.linear(lower: lo, upper: hi, target: 5).values
            #expect(v.count >= 3 && v.count <= 10, "\(lo)…\(hi): \(v)")
            let step = v[1] - v[0]
            let mantissa = step / pow10(floor(log10(step)))
            #expect([1, 2, 5, 10].contains { abs(mantissa - $0) < 1e-6 }, "\(lo)…\(hi): step \(step)")
            #expect(v.first! >= lo - 1e-12 && v.last! <= hi + 1e-12)
        }
    }

    @Test func negativeToPositiveIncludesZeroLabelledPlainly() {
        let t = TickGenerator.linear(lower: -3.7, upper: 2.2, target: 5)
        #expect(t.values == [-3, -2, -1, 0, 1, 2])
        #expect(t.labels == ["-3", "-2", "-1", "0", "1", "2"])
    }

    @Test func noFloatingPointNoiseInLabels() {
        let t = TickGenerator.linear(lower: 0.1, upper: 0.7, target: 6)
        #expect(t.labels == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
        #expect(t.values.contains(0.3))
    }

    @Test func tinyValuesUseCompactENotation() {
        let t = TickGenerator.linear(lower: 0, upper: 3e-7, target: 6)
        #expect(t.labels == ["0", "5e-8", "1e-7", "1.5e-7", "2e-7", "2.5e-7", "3e-7"])
    }

    @Test func largeValuesUseSISuffixes() {
        // One unit per axis (0.5M next to 1M, not 500k), chosen from the largest tick.
        #expect(TickGenerator.linear(lower: 0, upper: 2.5e6, target: 5).labels == ["0", "0.5M", "1M", "1.5M", "2M", "2.5M"])
        #expect(TickGenerator.linear(lower: 0, upper: 20_000, target: 4).labels == ["0", "5k", "10k", "15k", "20k"])
        // Below ten thousand plain integers read better than suffixes.
        #expect(TickGenerator.linear(lower: 0, upper: 2000, target: 4).labels == ["0", "500", "1000", "1500", "2000"])
    }

    @Test func hugeOffsetStillGivesDistinctLabels() {
        let t = TickGenerator.linear(lower: 1e9, upper: 1e9 + 1, target: 5)
        #expect(t.values.count >= 3)
        #expect(Set(t.labels).count == t.labels.count, "\(t.labels)")
    }

    /// One format per axis: when some power of ten needs e-notation, all are written so.
    @Test func logAxisOverManyDecadesLabelsPowersOfTen() {
        let t = TickGenerator.log(lower: 1e-7, upper: 3, target: 10)
        #expect(t.labels == ["1e-7", "1e-6", "1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1e0"])
        #expect(t.minor.contains { abs($0 - 2e-7) < 1e-20 })
        // With room for fewer labels every second decade is labelled, the others become minor ticks.
        let sparse = TickGenerator.log(lower: 1e-7, upper: 3, target: 5)
        #expect(sparse.labels == ["1e-6", "1e-4", "1e-2", "1e0"])
        #expect(sparse.minor.contains { abs($0 - 1e-5) < 1e-18 })
    }

    @Test func logAxisUnderTwoDecadesAlsoLabelsTwoAndFive() {
        let t = TickGenerator.log(lower: 0.5, upper: 30, target: 8)
        #expect(t.labels == ["0.5", "1", "2", "5", "10", "20"])
    }

    @Test func logAxisWithinHalfADecadeFallsBackToLinearSteps() {
        let t = TickGenerator.log(lower: 0.3, upper: 0.9, target: 6)
        #expect(t.labels == ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"])
    }

    @Test func largeAndSmallLogLabels() {
        #expect(TickGenerator.log(lower: 1, upper: 1e8, target: 9).labels
                == ["1e0", "1e1", "1e2", "1e3", "1e4", "1e5", "1e6", "1e7", "1e8"])
        #expect(TickGenerator.log(lower: 1, upper: 1000, target: 9).labels == ["1", "10", "100", "1000"])
    }

    @Test func badLimitsGiveNoTicksInsteadOfTrapping() {
        #expect(TickGenerator.linear(lower: .nan, upper: 1, target: 5).major.isEmpty)
        #expect(TickGenerator.linear(lower: 2, upper: 1, target: 5).major.isEmpty)
        #expect(TickGenerator.log(lower: -1, upper: 10, target: 5).major.isEmpty)
        #expect(TickGenerator.linear(lower: 0, upper: .infinity, target: 5).major.isEmpty)
        #expect(TickGenerator.linear(lower: 0, upper: 1, target: 0).values.count >= 2)
    }

    @Test func constantSeriesIsPaddedAroundItsValue() {
        let p = PreparedXY(LineChart(series: [Series("c", ys: [5, 5, 5])]).spec)
        #expect(p.yLimits.0 < 5 && p.yLimits.1 > 5)
        let t = TickGenerator.linear(lower: p.yLimits.0, upper: p.yLimits.1, target: 5)
        #expect(t.labels.contains("5.0"))
        let zero = PreparedXY(LineChart(series: [Series("z", ys: [0, 0])]).spec)
        #expect(zero.yLimits == (-1, 1))
        let logConst = PreparedXY(LineChart(series: [Series("c", ys: [0.2, 0.2])], y: Axis(scale: .log)).spec)
        #expect(logConst.yLimits.0 < 0.2 && logConst.yLimits.1 > 0.2)
    }

    @Test func singlePointGetsARangeOnBothAxes() {
        let p = PreparedXY(LineChart(series: [Series("one", xs: [3], ys: [7])]).spec)
        #expect(p.hasData)
        #expect(p.xLimits.0 < 3 && p.xLimits.1 > 3)
        #expect(p.yLimits.0 < 7 && p.yLimits.1 > 7)
    }

    @Test func nanMakesGapsAndAllNaNMeansNoData() {
        let p = PreparedXY(LineChart(series: [Series("g", ys: [1, 2, .nan, 4, 5, .infinity, 7])]).spec)
        #expect(p.series[0].segments.map(\.count) == [2, 2, 1])
        let none = PreparedXY(LineChart(series: [Series("n", ys: [.nan, .nan])]).spec)
        #expect(!none.hasData)
        #expect(none.yLimits == (0, 1))
    }

    @Test func lossCurvesAreNotPaddedBelowZero() {
        let p = PreparedXY(LineChart(series: [Series("loss", ys: [2, 1, 0.5, 0])]).spec)
        #expect(p.yLimits.0 == 0)
    }

    @Test func nonPositiveValuesOnLogAxisAreSkippedAndCounted() {
        let p = PreparedXY(LineChart(series: [Series("l", ys: [1, 0, -1, 0.1])], y: Axis(scale: .log)).spec)
        #expect(p.series[0].skippedNonPositive == 2)
        #expect(p.series[0].legendLabel == "l (2 ≤ 0 not shown)")
        #expect(p.series[0].segments.map(\.count) == [1, 1])
    }

    @Test func referenceLinesWidenTheRange() {
        let p = PreparedXY(LineChart(series: [Series("s", ys: [1, 2])], referenceLines: [.horizontal(0.611)]).spec)
        #expect(p.yLimits.0 <= 0.611)
    }

    @Test func compactNumbers() {
        #expect(NumberFormat.compact(2500) == "2500")
        #expect(NumberFormat.compact(25_000) == "25k")
        #expect(NumberFormat.compact(1.5e6) == "1.5M")
        #expect(NumberFormat.compact(1e-7) == "1e-7")
        #expect(NumberFormat.compact(-2.5e-5) == "-2.5e-5")
        #expect(NumberFormat.compact(0.001) == "0.001")
        #expect(NumberFormat.compact(0.611) == "0.611")
        #expect(NumberFormat.compact(0) == "0")
        #expect(NumberFormat.compact(.nan) == "NaN")
    }

    private func pow10(_ e: Double) -> Double { Foundation.pow(10, e) }
}

import Foundation
