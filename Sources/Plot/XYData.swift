import Foundation

// MARK: - Common view of line charts and scatter plots

/// What line charts and scatter plots share; both renderers draw from this.
struct XYSpec {
    var title: String?
    var series: [Series]
    var x: Axis
    var y: Axis
    var referenceLines: [ReferenceLine]
    var legend: LegendPosition
    var drawLines: Bool
    var markerSize: Double
}

extension LineChart {
    var spec: XYSpec {
        XYSpec(title: title, series: series, x: x, y: y, referenceLines: referenceLines,
               legend: legend, drawLines: true, markerSize: 3)
    }
}

extension ScatterPlot {
    var spec: XYSpec {
        XYSpec(title: title, series: series, x: x, y: y, referenceLines: referenceLines,
               legend: legend, drawLines: false, markerSize: markerSize)
    }
}

/// A point in data coordinates.
struct DataPoint {
    var x: Double
    var y: Double
}

/// One series with gaps resolved: runs of consecutive drawable points.
struct PreparedSeries {
    var legendLabel: String
    var color: Color
    /// The series' style with `.auto` markers resolved for this chart.
    var style: SeriesStyle
    var segments: [[DataPoint]]
    /// Band runs: (x, lower, upper) with all three drawable. On a log axis a lower edge ≤ 0 is
    /// clipped to the bottom of the axis (`clippedBand` counts them).
    var bandSegments: [[(x: Double, lo: Double, hi: Double)]]
    var skippedNonPositive: Int
    var clippedBand: Int
    var hasBand: Bool { bandSegments.contains { !$0.isEmpty } }
}

/// A chart ready to draw: series split at gaps, limits decided.
struct PreparedXY {
    var spec: XYSpec
    var series: [PreparedSeries]
    var xLimits: (Double, Double)
    var yLimits: (Double, Double)
    var referenceLines: [ReferenceLine]
    /// False when no series has a single drawable point.
    var hasData: Bool

    /// Padding: scatter plots pad both axes; line charts pad y only (curves reach the x edges).
    init(_ spec: XYSpec) {
        self.spec = spec
        func usable(_ v: Double, _ s: AxisScale) -> Bool { v.isFinite && (s == .linear || v > 0) }
        var xs = Extent(), ys = Extent()
        var out: [PreparedSeries] = []
        for (i, s) in spec.series.enumerated() {
            var segments: [[DataPoint]] = []
            var current: [DataPoint] = []
            var skipped = 0
            for j in 0..<s.count {
                let x = s.xs[j], y = s.ys[j]
                let badLog = (spec.x.scale == .log && x.isFinite && x <= 0) || (spec.y.scale == .log && y.isFinite && y <= 0)
                if badLog { skipped += 1 }
                if usable(x, spec.x.scale) && usable(y, spec.y.scale) {
                    current.append(DataPoint(x: x, y: y))
                    xs.add(x)
                    ys.add(y)
                } else if !current.isEmpty {
                    segments.append(current)
                    current = []
                }
            }
            if !current.isEmpty { segments.append(current) }

            var bands: [[(x: Double, lo: Double, hi: Double)]] = []
            var clipped = 0
            if let lower = s.lower, let upper = s.upper {
                var run: [(x: Double, lo: Double, hi: Double)] = []
                for j in 0..<min(s.xs.count, lower.count, upper.count) {
                    let x = s.xs[j], lo = lower[j], hi = upper[j]
                    if usable(x, spec.x.scale) && usable(hi, spec.y.scale) && lo.isFinite {
                        if usable(lo, spec.y.scale) {
                            run.append((x, lo, hi))
                            ys.add(lo)
                        } else {
                            // mean − std below zero on a log axis: the band reaches down off the
                            // axis; -inf is replaced by the axis bottom once limits are known.
                            clipped += 1
                            run.append((x, -.infinity, hi))
                        }
                        ys.add(hi)
                    } else if !run.isEmpty {
                        bands.append(run)
                        run = []
                    }
                }
                if !run.isEmpty { bands.append(run) }
            }
            var label = s.name
            if let b = s.bandLabel, !b.isEmpty, !bands.isEmpty, !label.isEmpty { label += " " + b }
            var notes: [String] = []
            if skipped > 0 { notes.append("\(skipped) ≤ 0 not shown") }
            if clipped > 0 { notes.append("band ≤ 0 at \(clipped) \(clipped == 1 ? "point" : "points"), clipped") }
            if !notes.isEmpty, !label.isEmpty { label += " (" + notes.joined(separator: "; ") + ")" }
            var style = s.style
            if style.color == nil && i >= Palette.categorical.count && style.dash == .solid {
                // Past the palette colours repeat; a dash keeps the repeats apart.
                style.dash = i / Palette.categorical.count % 2 == 1 ? .dashed : .dotted
            }
            if style.marker == .auto {
                let points = segments.reduce(0) { $0 + $1.count }
                style.marker = !spec.drawLines || points <= Marker.autoLimit ? .circle : .none
            }
            out.append(PreparedSeries(legendLabel: label, color: s.style.color ?? Palette.color(i), style: style,
                                      segments: segments, bandSegments: bands, skippedNonPositive: skipped,
                                      clippedBand: clipped))
        }
        hasData = xs.isValid
        // Reference lines that can be placed widen the range so they are always visible.
        let refs = spec.referenceLines.filter {
            usable($0.value, $0.orientation == .horizontal ? spec.y.scale : spec.x.scale)
        }
        if hasData {
            for r in refs {
                if r.orientation == .horizontal { ys.add(r.value) } else { xs.add(r.value) }
            }
        }
        let xPad = spec.drawLines ? 0 : 0.05
        xLimits = PreparedXY.limits(xs, axis: spec.x, pad: xPad, keepSign: spec.drawLines)
        yLimits = PreparedXY.limits(ys, axis: spec.y, pad: 0.05, keepSign: spec.drawLines)
        let bottom = yLimits.0
        for k in out.indices where out[k].clippedBand > 0 {
            out[k].bandSegments = out[k].bandSegments.map { run in run.map { ($0.x, $0.lo.isFinite ? $0.lo : bottom, $0.hi) } }
        }
        series = out
        referenceLines = refs
    }

    private static func limits(_ e: Extent, axis: Axis, pad: Double, keepSign: Bool) -> (Double, Double) {
        var (lo, hi) = e.isValid ? AxisRange.padded(lower: e.lo, upper: e.hi, scale: axis.scale, fraction: pad, keepSign: keepSign)
                                 : (axis.scale == .log ? (1, 10) : (0, 1))
        if let l = axis.lower, l.isFinite, axis.scale == .linear || l > 0 { lo = l }
        if let u = axis.upper, u.isFinite, axis.scale == .linear || u > 0 { hi = u }
        if !(hi > lo) {
            // Fixed limits that conflict with each other or the data: fall back to a widened range.
            (lo, hi) = AxisRange.padded(lower: min(lo, hi), upper: min(lo, hi), scale: axis.scale, fraction: 0)
        }
        return (lo, hi)
    }
}

/// Running min/max of finite values.
struct Extent {
    var lo = Double.infinity
    var hi = -Double.infinity
    mutating func add(_ v: Double) {
        guard v.isFinite else { return }
        lo = min(lo, v)
        hi = max(hi, v)
    }
    var isValid: Bool { lo <= hi }
}

/// Maps data values on one axis to pixel positions.
struct AxisMap {
    var lower: Double
    var upper: Double
    var scale: AxisScale
    var start: Double
    var end: Double

    private func t(_ v: Double) -> Double { scale == .log ? log10(v) : v }

    func callAsFunction(_ v: Double) -> Double {
        let a = t(lower), b = t(upper)
        guard b != a else { return (start + end) / 2 }
        let p = start + (t(v) - a) / (b - a) * (end - start)
        // Far-off points (fixed limits) are clamped so coordinates stay printable; clipping hides them.
        let span = abs(end - start) * 20 + 1000
        return min(max(p, min(start, end) - span), max(start, end) + span)
    }
}
