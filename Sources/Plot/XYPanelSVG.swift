import Foundation

// MARK: - Line chart / scatter panel

enum XYPanelSVG {
    /// Where one panel's plot area sits and how data maps onto it.
    struct Layout {
        var plot: Rect
        var xm: AxisMap
        var ym: AxisMap
        var xTicks: AxisTicks
        var yTicks: AxisTicks
    }

    /// The plot area inside `frame`, leaving `rightReserve` pixels on the right (for an outside
    /// legend). Vertical layout first: y ticks depend only on the plot height.
    static func layout(_ p: PreparedXY, in frame: Rect, font: FontSize, rightReserve: Double,
                       bottomReserve: Double = 0) -> Layout {
        let spec = p.spec, s = font.scale
        let hasXLabel = spec.x.label?.isEmpty == false
        let hasYLabel = spec.y.label?.isEmpty == false
        let top = frame.y + (spec.title?.isEmpty == false ? 36 * s : 14)
        let bottom = frame.maxY - (24 * s + (hasXLabel ? 22 * s : 0) + 8) - bottomReserve
        let plotH = max(20, bottom - top)
        let yTicks = TickGenerator.ticks(lower: p.yLimits.0, upper: p.yLimits.1, scale: spec.y.scale,
                                         target: max(2, Int(plotH / (55 * s))))
        // No ticks (no data) take no room.
        let yLabelW = yTicks.labels.map { LabelMarkup.width(LabelMarkup.tick($0), fontSize: font.tick) }.max() ?? 0
        let left = frame.x + 10 + (hasYLabel ? 22 * s : 0) + yLabelW + 8
        let right = frame.maxX - 22 - rightReserve
        let plot = Rect(x: left, y: top, w: max(20, right - left), h: plotH)
        let xm = AxisMap(lower: p.xLimits.0, upper: p.xLimits.1, scale: spec.x.scale, start: plot.x, end: plot.maxX)
        let ym = AxisMap(lower: p.yLimits.0, upper: p.yLimits.1, scale: spec.y.scale, start: plot.maxY, end: plot.y)
        let xTicks = fittingXTicks(p, spec: spec, map: xm, width: plot.w, font: font)
        return Layout(plot: plot, xm: xm, ym: ym, xTicks: xTicks, yTicks: yTicks)
    }

    /// Pixel positions of every drawn point plus samples along the lines between them: what a
    /// legend or a label must not cover.
    static func dataPixels(_ p: PreparedXY, _ l: Layout) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        for s in p.series {
            for seg in s.segments {
                let pts = decimated(seg.map { (l.xm($0.x), l.ym($0.y)) })
                out += p.spec.drawLines ? sampled(pts) : pts
            }
        }
        return out
    }

    static func draw(_ spec: XYSpec, in frame: Rect, id: String, into w: inout SVGWriter) {
        let p = PreparedXY(spec)
        let font = w.font
        let s = font.scale

        // Layout, reference labels and legend are decided together: when no inside corner is
        // free of data the legend moves outside, which narrows the plot and moves everything.
        var l = layout(p, in: frame, font: font, rightReserve: 0)
        var pixels = dataPixels(p, l)
        var refLabels = placeReferenceLabels(p, l, pixels: pixels, font: font)
        var legend = LegendSVG.Plan(p, plot: l.plot, font: font, drawLines: spec.drawLines)
        if let plan = legend {
            let position = plan.choose(p.spec.legend, p, plot: l.plot, points: pixels, obstacles: refLabels.map(\.box),
                                       frame: frame)
            if position == .outside {
                l = layout(p, in: frame, font: font, rightReserve: plan.outsideWidth + 4)
                legend = LegendSVG.Plan(p, plot: l.plot, font: font, drawLines: spec.drawLines, mode: .right)
            } else if position == .below, let under = LegendSVG.Plan(p, plot: l.plot, font: font, drawLines: spec.drawLines,
                                                                    mode: .below(frame)) {
                l = layout(p, in: frame, font: font, rightReserve: 0, bottomReserve: under.boxH + 4)
                legend = under
            }
            if position == .outside || position == .below {
                pixels = dataPixels(p, l)
                refLabels = placeReferenceLabels(p, l, pixels: pixels, font: font)
            }
            legend?.position = position
        }
        let plot = l.plot, xm = l.xm, ym = l.ym, xTicks = l.xTicks, yTicks = l.yTicks
        let hasTitle = spec.title?.isEmpty == false
        let hasXLabel = spec.x.label?.isEmpty == false
        let hasYLabel = spec.y.label?.isEmpty == false

        // MARK: grid, axes, ticks
        w.raw("<g stroke-linecap=\"butt\">\n")
        for t in yTicks.major { let y = ym(t.value); w.line(plot.x, y, plot.maxX, y, color: .grid) }
        for t in xTicks.major { let x = xm(t.value); w.line(x, plot.y, x, plot.maxY, color: .grid) }
        w.line(plot.x, plot.maxY, plot.maxX, plot.maxY, color: .ink)
        w.line(plot.x, plot.y, plot.x, plot.maxY, color: .ink)
        for t in yTicks.major { let y = ym(t.value); w.line(plot.x - 4, y, plot.x, y, color: .ink) }
        for v in yTicks.minor { let y = ym(v); w.line(plot.x - 2, y, plot.x, y, color: .ink, width: 0.7) }
        for t in xTicks.major { let x = xm(t.value); w.line(x, plot.maxY, x, plot.maxY + 4, color: .ink) }
        for v in xTicks.minor { let x = xm(v); w.line(x, plot.maxY, x, plot.maxY + 2, color: .ink, width: 0.7) }
        w.raw("</g>\n")
        for t in yTicks.major {
            w.text(LabelMarkup.tick(t.label), x: plot.x - 7, y: ym(t.value) + 4 * s, size: font.tick, anchor: .end, markup: true)
        }
        for t in xTicks.major {
            w.text(LabelMarkup.tick(t.label), x: xm(t.value), y: plot.maxY + 6 + 12 * s, size: font.tick, anchor: .middle,
                   markup: true)
        }
        if let t = spec.x.label, hasXLabel {
            w.text(fitText(t, width: plot.w, fontSize: font.axisLabel), x: plot.midX, y: plot.maxY + 6 + 34 * s,
                   size: font.axisLabel, anchor: .middle, markup: true)
        }
        if let t = spec.y.label, hasYLabel {
            w.text(fitText(t, width: plot.h, fontSize: font.axisLabel), x: frame.x + 6 + 14 * s, y: plot.midY,
                   size: font.axisLabel, anchor: .middle, rotate: -90, markup: true)
        }
        if let t = spec.title, hasTitle {
            // Centred over the plot, but never wider than the panel around that centre.
            let room = 2 * min(plot.midX - frame.x, frame.maxX - plot.midX) - 16
            w.text(fitText(t, width: room, fontSize: font.title), x: plot.midX, y: frame.y + 23 * s,
                   size: font.title, anchor: .middle, bold: true, markup: true)
        }

        // MARK: data (clipped to the plot area)
        let clip = "\(id)-clip"
        w.raw("<clipPath id=\"\(clip)\"><rect x=\"\(SVGWriter.num(plot.x))\" y=\"\(SVGWriter.num(plot.y))\" width=\"\(SVGWriter.num(plot.w))\" height=\"\(SVGWriter.num(plot.h))\"/></clipPath>\n")
        w.raw("<g clip-path=\"url(#\(clip))\">\n")
        for s in p.series {
            for band in s.bandSegments where !band.isEmpty {
                var pts = band.map { (xm($0.x), ym($0.hi)) }
                pts += band.reversed().map { (xm($0.x), ym($0.lo)) }
                w.raw("<polygon points=\"\(SVGWriter.points(pts))\" fill=\"\(s.color.hex)\" fill-opacity=\"\(SVGWriter.num(bandOpacity))\" stroke=\"none\"/>\n")
            }
        }
        for r in p.referenceLines {
            if r.orientation == .horizontal {
                let y = ym(r.value)
                w.line(plot.x, y, plot.maxX, y, color: r.color, width: 1.2, dash: r.dash)
            } else {
                let x = xm(r.value)
                w.line(x, plot.y, x, plot.maxY, color: r.color, width: 1.2, dash: r.dash)
            }
        }
        for s in p.series {
            let width = s.style.lineWidth.isFinite ? max(0.1, s.style.lineWidth) : 1.8
            for seg in s.segments {
                let pts = decimated(seg.map { (xm($0.x), ym($0.y)) })
                if spec.drawLines {
                    if pts.count >= 2 {
                        w.raw("<polyline points=\"\(SVGWriter.points(pts))\" fill=\"none\" stroke=\"\(s.color.hex)\" stroke-width=\"\(SVGWriter.num(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\"")
                        if let d = SVGWriter.dashArray(s.style.dash, width: width) { w.raw(" stroke-dasharray=\"\(d)\"") }
                        w.raw("/>\n")
                    } else if s.style.marker == .none, let q = pts.first {
                        // A lone point between gaps would be invisible as a line.
                        w.raw("<circle cx=\"\(SVGWriter.num(q.0))\" cy=\"\(SVGWriter.num(q.1))\" r=\"\(SVGWriter.num(width * 1.3))\" fill=\"\(s.color.hex)\"/>\n")
                    }
                }
            }
            let marker = resolvedMarker(s.style.marker, drawLines: spec.drawLines)
            if marker != .none {
                var all = s.segments.flatMap { $0 }.map { (xm($0.x), ym($0.y)) }
                if spec.drawLines && all.count > 60 {
                    // Markers on a dense line only tell series apart; about 40 are enough.
                    let k = (all.count + 39) / 40
                    all = all.enumerated().filter { $0.offset % k == 0 }.map(\.element)
                }
                let r = spec.drawLines ? max(2.5, width * 1.6) : (spec.markerSize.isFinite ? max(0.5, spec.markerSize) : 3)
                drawMarkers(all, marker: marker, radius: r, color: s.color, scatter: !spec.drawLines, into: &w)
            }
        }
        w.raw("</g>\n")

        // MARK: reference labels, notes, legend
        for r in refLabels {
            // No background box: the label sits where it covers the least data, and a curve
            // that passes under it stays visible.
            w.text(r.text, x: r.box.x + 2, y: r.box.y + r.box.h - 3 * s, size: font.tick, color: r.color, markup: true)
        }
        if !p.hasData {
            w.text("no finite data", x: plot.midX, y: plot.midY, size: font.note, anchor: .middle,
                   color: .reference, italic: true)
        }
        legend?.draw(p, plot: plot, into: &w)
    }

    /// Fill opacity of bands (and their legend swatches).
    static let bandOpacity = 0.2

    /// A reference line's label and the box it occupies.
    struct RefLabel {
        var text: String
        var box: Rect
        var color: Color
    }

    /// Each labelled reference line's label, at the end of the line (right end of a horizontal
    /// line, top of a vertical one) on the side that covers the fewest data pixels; labels that
    /// would cover each other or data try the other end.
    static func placeReferenceLabels(_ p: PreparedXY, _ l: Layout, pixels: [(Double, Double)], font: FontSize) -> [RefLabel] {
        let plot = l.plot
        var placed: [RefLabel] = []
        let h = 14 * font.scale
        for r in p.referenceLines {
            guard let label = r.label, !label.isEmpty else { continue }
            let text = fitText(label, width: plot.w - 10, fontSize: font.tick)
            let tw = LabelMarkup.width(text, fontSize: font.tick)
            var candidates: [Rect] = []
            if r.orientation == .horizontal {
                let y = l.ym(r.value)
                for x in [plot.maxX - 6 - tw - 2, plot.x + 6] {
                    for top in [y - h - 4, y + 3] where top >= plot.y && top + h <= plot.maxY {
                        candidates.append(Rect(x: x, y: top, w: tw + 4, h: h))
                    }
                }
                if candidates.isEmpty { candidates = [Rect(x: plot.maxX - 6 - tw - 2, y: max(plot.y, y - h - 2), w: tw + 4, h: h)] }
            } else {
                let x = l.xm(r.value)
                for top in [plot.y + 3, plot.maxY - h - 3] {
                    for left in [x + 3, x - 5 - tw] where left >= plot.x && left + tw + 4 <= plot.maxX {
                        candidates.append(Rect(x: left, y: top, w: tw + 4, h: h))
                    }
                }
                if candidates.isEmpty { candidates = [Rect(x: max(plot.x, x - 5 - tw), y: plot.y + 3, w: tw + 4, h: h)] }
            }
            var best = candidates[0], bestCost = Double.infinity
            for c in candidates {
                var cost = Double(pixels.reduce(0) { $0 + (c.contains($1.0, $1.1) ? 1 : 0) })
                cost += Double(placed.filter { $0.box.intersects(c) }.count) * 1000
                if cost < bestCost { bestCost = cost; best = c }
            }
            placed.append(RefLabel(text: text, box: best, color: r.color))
        }
        return placed
    }

    /// X ticks whose labels do not overlap: fewer ticks until they fit.
    private static func fittingXTicks(_ p: PreparedXY, spec: XYSpec, map: AxisMap, width: Double, font: FontSize) -> AxisTicks {
        var target = max(2, Int(width / (80 * font.scale)))
        while true {
            let t = TickGenerator.ticks(lower: p.xLimits.0, upper: p.xLimits.1, scale: spec.x.scale, target: target)
            var lastEnd = -Double.infinity
            var fits = true
            for tick in t.major {
                let half = LabelMarkup.width(LabelMarkup.tick(tick.label), fontSize: font.tick) / 2
                let x = map(tick.value)
                if x - half < lastEnd + 8 { fits = false; break }
                lastEnd = x + half
            }
            if fits { return t }
            if target <= 2 {
                // Even two ticks collide (very long labels on a narrow panel): keep the ends only.
                let ends = t.major.count > 1 ? [t.major[0], t.major[t.major.count - 1]] : t.major
                return AxisTicks(major: ends, minor: t.minor)
            }
            target -= 1
        }
    }

    /// Long runs with increasing x are thinned to at most first/min/max/last per pixel column:
    /// the drawn line looks the same and a 20 000-step log stays a small file.
    static func decimated(_ pts: [(Double, Double)]) -> [(Double, Double)] {
        guard pts.count > 2000 else { return pts }
        for i in 1..<pts.count where pts[i].0 < pts[i - 1].0 { return pts }
        var out: [(Double, Double)] = []
        out.reserveCapacity(4000)
        var i = 0
        while i < pts.count {
            let column = pts[i].0.rounded(.down)
            var j = i
            var lo = i, hi = i
            while j < pts.count, pts[j].0.rounded(.down) == column {
                if pts[j].1 < pts[lo].1 { lo = j }
                if pts[j].1 > pts[hi].1 { hi = j }
                j += 1
            }
            for k in Set([i, lo, hi, j - 1]).sorted() { out.append(pts[k]) }
            i = j
        }
        return out
    }

    /// The points plus samples along long segments, for legend placement.
    static func sampled(_ pts: [(Double, Double)]) -> [(Double, Double)] {
        guard pts.count >= 2 else { return pts }
        var out = [pts[0]]
        for i in 1..<pts.count {
            let (x0, y0) = pts[i - 1], (x1, y1) = pts[i]
            let d = hypot(x1 - x0, y1 - y0)
            if d > 4 {
                let n = min(150, Int(d / 4))
                for k in 1..<max(2, n) {
                    let t = Double(k) / Double(n)
                    out.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
                }
            }
            out.append(pts[i])
        }
        return out
    }

    /// All markers of a series as one path.
    static func drawMarkers(_ pts: [(Double, Double)], marker: Marker, radius r: Double, color: Color,
                            scatter: Bool, into w: inout SVGWriter) {
        guard !pts.isEmpty else { return }
        let n = SVGWriter.num
        var d = ""
        d.reserveCapacity(pts.count * 30)
        for (x, y) in pts {
            switch marker {
            case .none, .auto: break
            case .circle:
                d += "M\(n(x - r)),\(n(y))a\(n(r)),\(n(r)) 0 1,0 \(n(2 * r)),0a\(n(r)),\(n(r)) 0 1,0 \(n(-2 * r)),0z"
            case .square:
                d += "M\(n(x - r)),\(n(y - r))h\(n(2 * r))v\(n(2 * r))h\(n(-2 * r))z"
            case .triangle:
                d += "M\(n(x)),\(n(y - 1.2 * r))l\(n(1.1 * r)),\(n(2 * r))h\(n(-2.2 * r))z"
            case .diamond:
                d += "M\(n(x)),\(n(y - 1.3 * r))l\(n(1.3 * r)),\(n(1.3 * r))l\(n(-1.3 * r)),\(n(1.3 * r))l\(n(-1.3 * r)),\(n(-1.3 * r))z"
            case .cross:
                d += "M\(n(x - r)),\(n(y - r))l\(n(2 * r)),\(n(2 * r))M\(n(x + r)),\(n(y - r))l\(n(-2 * r)),\(n(2 * r))"
            }
        }
        if marker == .cross {
            w.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"1.5\"/>\n")
        } else if scatter {
            w.raw("<path d=\"\(d)\" fill=\"\(color.hex)\" fill-opacity=\"0.75\" stroke=\"\(color.hex)\" stroke-width=\"0.6\"/>\n")
        } else {
            w.raw("<path d=\"\(d)\" fill=\"\(color.hex)\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>\n")
        }
    }
}

// MARK: - Legend

extension XYPanelSVG {
    /// The marker actually drawn: scatter points always have one (a circle unless chosen).
    static func resolvedMarker(_ m: Marker, drawLines: Bool) -> Marker {
        if drawLines { return m == .auto ? .none : m }
        return m == .none || m == .auto ? .circle : m
    }
}

enum LegendSVG {
    /// A legend's entries, their layout and where it goes.
    struct Plan {
        var entries: [PreparedSeries]
        var labels: [String]
        var columns: Int
        var rows: Int
        var columnWidths: [Double]
        var boxW: Double
        var boxH: Double
        var rowH: Double
        var swatchW: Double
        var font: FontSize
        var drawLines: Bool
        var position: LegendPosition = .topRight
        /// Room the legend needs right of the plot when placed outside.
        var outsideWidth: Double { boxW + 10 }

        /// Where the legend's entries are laid out: inside the plot, right of it, or below it
        /// across the panel `frame`.
        enum Mode { case inside, right, below(Rect) }
        /// The panel, for a legend below the plot.
        var frame: Rect?

        /// Nil when there is nothing to list (no labelled series, or `legend: none`).
        init?(_ p: PreparedXY, plot: Rect, font: FontSize, drawLines: Bool, mode: Mode = .inside) {
            guard p.spec.legend != .none else { return nil }
            let entries = p.series.filter { !$0.legendLabel.isEmpty }
            guard !entries.isEmpty else { return nil }
            self.entries = entries
            self.font = font
            self.drawLines = drawLines
            let rowH = 18 * font.scale, swatchW = 24 * font.scale
            self.rowH = rowH
            self.swatchW = swatchW
            let maxRows = max(1, Int((plot.h - 16) / rowH))
            var columns = min(entries.count, (entries.count + maxRows - 1) / maxRows)
            // Inside, a legend may take most of the plot's width; right of it, about half the
            // plot's; below it, the panel's.
            let room: Double
            switch mode {
            case .inside: room = plot.w - 16
            case .right: room = max(80, plot.w * 0.45)
            case .below(let f):
                room = f.w - 20
                columns = entries.count
            }
            if case .below(let f) = mode { frame = f } else { frame = nil }
            func layout(_ columns: Int, whole: Bool = false) -> (labels: [String], widths: [Double], rows: Int) {
                let rows = (entries.count + columns - 1) / columns
                // `whole`: measure labels uncut, to see how many columns fit across.
                let textMax = whole ? .infinity : max(20, room / Double(columns) - swatchW - 18)
                let labels = entries.map { fitText($0.legendLabel, width: textMax, fontSize: font.legend) }
                var widths: [Double] = []
                for c in 0..<columns {
                    let col = labels.enumerated().filter { $0.offset / rows == c }.map(\.element)
                    // An empty last column (fewer entries than cells) has no text width.
                widths.append(swatchW + 6 + (col.map { LabelMarkup.width($0, fontSize: font.legend) }.max() ?? 0) + 12)
                }
                return (labels, widths, rows)
            }
            var whole = false
            if case .below = mode {
                // As many columns as fit across the panel with whole labels; cut only at one column.
                while columns > 1, layout(columns, whole: true).widths.reduce(0, +) + 6 > room { columns -= 1 }
                whole = layout(columns, whole: true).widths.reduce(0, +) + 6 <= room
            }
            let laid = layout(columns, whole: whole)
            let (labels, widths, rows) = (laid.labels, laid.widths, laid.rows)
            self.columns = columns
            self.rows = rows
            self.labels = labels
            columnWidths = widths
            boxW = widths.reduce(0, +) + 6
            boxH = Double(rows) * rowH + 8
        }

        func box(_ pos: LegendPosition, plot: Rect) -> Rect {
            let inset = 8.0
            switch pos {
            case .topLeft: return Rect(x: plot.x + inset, y: plot.y + inset, w: boxW, h: boxH)
            case .bottomRight: return Rect(x: plot.maxX - inset - boxW, y: plot.maxY - inset - boxH, w: boxW, h: boxH)
            case .bottomLeft: return Rect(x: plot.x + inset, y: plot.maxY - inset - boxH, w: boxW, h: boxH)
            case .outside: return Rect(x: plot.maxX + 12, y: plot.y, w: boxW, h: boxH)
            case .below:
                // A plan for below always has its frame; the plot is a safe stand-in.
                let f = frame ?? plot
                let x = min(max(f.x + 4, plot.midX - boxW / 2), f.maxX - 4 - boxW)
                return Rect(x: x, y: f.maxY - boxH - 4, w: boxW, h: boxH)
            default: return Rect(x: plot.maxX - inset - boxW, y: plot.y + inset, w: boxW, h: boxH)
            }
        }

        /// The position for `requested`: `.auto` takes the inside corner with no data under it
        /// (fewest labels and reference lines among those, in the order top right, top left,
        /// bottom left, bottom right); with none free, outside when the panel has room for it,
        /// else the corner covering the least data.
        func choose(_ requested: LegendPosition, _ p: PreparedXY, plot: Rect, points: [(Double, Double)],
                    obstacles: [Rect], frame: Rect) -> LegendPosition {
            guard requested == .auto else { return requested }
            var bestFree: (LegendPosition, Int)?
            var leastCovering = (LegendPosition.topRight, Int.max)
            for pos in [LegendPosition.topRight, .topLeft, .bottomLeft, .bottomRight] {
                // A few pixels of margin: a curve grazing the box edge counts as covered.
                let b = box(pos, plot: plot)
                let grown = Rect(x: b.x - 3, y: b.y - 3, w: b.w + 6, h: b.h + 6)
                let covered = points.reduce(0) { $0 + (grown.contains($1.0, $1.1) ? 1 : 0) }
                let hits = obstacles.filter { $0.intersects(b) }.count
                // The first free corner is taken; a later one only when it hits fewer labels.
                if covered == 0, bestFree.map({ hits < $0.1 }) ?? true { bestFree = (pos, hits) }
                if covered < leastCovering.1 { leastCovering = (pos, covered) }
            }
            if let free = bestFree { return free.0 }
            // Right of the plot when it keeps at least 55% of the panel's width; else below it,
            // when the plot keeps at least half its height.
            if plot.w - outsideWidth >= frame.w * 0.55 { return .outside }
            if let under = Plan(p, plot: plot, font: font, drawLines: drawLines, mode: .below(frame)),
               plot.h - under.boxH >= plot.h * 0.5 {
                return .below
            }
            return leastCovering.0
        }

        func draw(_ p: PreparedXY, plot: Rect, into w: inout SVGWriter) {
            let b = box(position, plot: plot)
            w.rect(b.x, b.y, b.w, b.h, fill: .white, stroke: Color(r: 0xcc, g: 0xcc, b: 0xcc), strokeWidth: 0.8, opacity: 0.88)
            var x = b.x + 8
            for c in 0..<columns {
                for r in 0..<rows {
                    let i = c * rows + r
                    guard i < entries.count else { break }
                    let s = entries[i]
                    let cy = b.y + 4 + Double(r) * rowH + rowH / 2
                    if s.hasBand {
                        // The band's own swatch: the shaded area behind the line, as drawn.
                        w.rect(x, cy - rowH * 0.3, swatchW, rowH * 0.6, fill: s.color, opacity: XYPanelSVG.bandOpacity)
                    }
                    let width = s.style.lineWidth.isFinite ? min(4, max(0.5, s.style.lineWidth)) : 1.8
                    if drawLines {
                        w.line(x, cy, x + swatchW, cy, color: s.color, width: width, dash: s.style.dash)
                    }
                    let marker = XYPanelSVG.resolvedMarker(s.style.marker, drawLines: drawLines)
                    if marker != .none {
                        XYPanelSVG.drawMarkers([(x + swatchW / 2, cy)], marker: marker, radius: drawLines ? 3 : 3.5,
                                               color: s.color, scatter: !drawLines, into: &w)
                    }
                    w.text(labels[i], x: x + swatchW + 6, y: cy + 4 * font.scale, size: font.legend, markup: true)
                }
                x += columnWidths[c]
            }
        }
    }
}
