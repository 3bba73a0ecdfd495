import Foundation

// MARK: - Line chart / scatter panel

enum XYPanelSVG {
    static func draw(_ spec: XYSpec, in frame: Rect, id: String, into w: inout SVGWriter) {
        let p = PreparedXY(spec)
        let hasTitle = spec.title?.isEmpty == false
        let hasXLabel = spec.x.label?.isEmpty == false
        let hasYLabel = spec.y.label?.isEmpty == false

        // Vertical layout first: y ticks depend only on the plot height.
        let top = frame.y + (hasTitle ? 36 : 14)
        let bottom = frame.maxY - (24 + (hasXLabel ? 22 : 0) + 8)
        let plotH = max(20, bottom - top)
        let yTicks = TickGenerator.ticks(lower: p.yLimits.0, upper: p.yLimits.1, scale: spec.y.scale,
                                         target: max(2, Int(plotH / 55)))
        let yLabelW = yTicks.labels.map { TextMetrics.width($0, fontSize: FontSize.tick) }.max() ?? 0
        let left = frame.x + 10 + (hasYLabel ? 22 : 0) + yLabelW + 8
        let right = frame.maxX - 22
        let plot = Rect(x: left, y: top, w: max(20, right - left), h: plotH)
        let xm = AxisMap(lower: p.xLimits.0, upper: p.xLimits.1, scale: spec.x.scale, start: plot.x, end: plot.maxX)
        let ym = AxisMap(lower: p.yLimits.0, upper: p.yLimits.1, scale: spec.y.scale, start: plot.maxY, end: plot.y)
        let xTicks = fittingXTicks(p, spec: spec, map: xm, width: plot.w)

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
            w.text(t.label, x: plot.x - 7, y: ym(t.value) + 4, size: FontSize.tick, anchor: .end)
        }
        for t in xTicks.major {
            w.text(t.label, x: xm(t.value), y: plot.maxY + 18, size: FontSize.tick, anchor: .middle)
        }
        if let l = spec.x.label, hasXLabel {
            w.text(fitText(l, width: plot.w, fontSize: FontSize.axisLabel), x: plot.midX, y: plot.maxY + 40,
                   size: FontSize.axisLabel, anchor: .middle)
        }
        if let l = spec.y.label, hasYLabel {
            w.text(fitText(l, width: plot.h, fontSize: FontSize.axisLabel), x: frame.x + 20, y: plot.midY,
                   size: FontSize.axisLabel, anchor: .middle, rotate: -90)
        }
        if let t = spec.title, hasTitle {
            // Centred over the plot, but never wider than the panel around that centre.
            let room = 2 * min(plot.midX - frame.x, frame.maxX - plot.midX) - 16
            w.text(fitText(t, width: room, fontSize: FontSize.title), x: plot.midX, y: frame.y + 23,
                   size: FontSize.title, anchor: .middle, bold: true)
        }

        // MARK: data (clipped to the plot area)
        let clip = "\(id)-clip"
        w.raw("<clipPath id=\"\(clip)\"><rect x=\"\(SVGWriter.num(plot.x))\" y=\"\(SVGWriter.num(plot.y))\" width=\"\(SVGWriter.num(plot.w))\" height=\"\(SVGWriter.num(plot.h))\"/></clipPath>\n")
        w.raw("<g clip-path=\"url(#\(clip))\">\n")
        for s in p.series {
            for band in s.bandSegments where !band.isEmpty {
                var pts = band.map { (xm($0.x), ym($0.hi)) }
                pts += band.reversed().map { (xm($0.x), ym($0.lo)) }
                w.raw("<polygon points=\"\(SVGWriter.points(pts))\" fill=\"\(s.color.hex)\" fill-opacity=\"0.2\" stroke=\"none\"/>\n")
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
        var pixelPoints: [(Double, Double)] = []
        for s in p.series {
            let width = s.style.lineWidth.isFinite ? max(0.1, s.style.lineWidth) : 1.8
            for seg in s.segments {
                let pts = decimated(seg.map { (xm($0.x), ym($0.y)) })
                pixelPoints += sampled(pts)
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
            let marker: Marker = spec.drawLines ? s.style.marker : (s.style.marker == .none ? .circle : s.style.marker)
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
        var obstacles: [Rect] = []
        for r in p.referenceLines {
            guard let label = r.label, !label.isEmpty else { continue }
            let text = fitText(label, width: plot.w - 10, fontSize: FontSize.tick)
            let tw = TextMetrics.width(text, fontSize: FontSize.tick)
            let box: Rect
            if r.orientation == .horizontal {
                let y = ym(r.value)
                let above = y - 17 >= plot.y
                box = Rect(x: plot.maxX - 6 - tw - 2, y: above ? y - 16 : y + 3, w: tw + 4, h: 14)
            } else {
                let x = xm(r.value)
                let rightSide = x + 6 + tw <= plot.maxX
                box = Rect(x: rightSide ? x + 3 : x - 5 - tw, y: plot.y + 3, w: tw + 4, h: 14)
            }
            w.rect(box.x, box.y, box.w, box.h, fill: .white, opacity: 0.8)
            w.text(text, x: box.x + 2, y: box.y + 11, size: FontSize.tick, color: r.color)
            obstacles.append(box)
        }
        if !p.hasData {
            w.text("no finite data", x: plot.midX, y: plot.midY, size: FontSize.note, anchor: .middle,
                   color: .reference, italic: true)
        }
        LegendSVG.draw(p, plot: plot, drawLines: spec.drawLines, points: pixelPoints, obstacles: obstacles, into: &w)
    }

    /// X ticks whose labels do not overlap: fewer ticks until they fit.
    private static func fittingXTicks(_ p: PreparedXY, spec: XYSpec, map: AxisMap, width: Double) -> AxisTicks {
        var target = max(2, Int(width / 80))
        while true {
            let t = TickGenerator.ticks(lower: p.xLimits.0, upper: p.xLimits.1, scale: spec.x.scale, target: target)
            var lastEnd = -Double.infinity
            var fits = true
            for tick in t.major {
                let half = TextMetrics.width(tick.label, fontSize: FontSize.tick) / 2
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
    private static func sampled(_ pts: [(Double, Double)]) -> [(Double, Double)] {
        guard pts.count >= 2 else { return pts }
        var out = [pts[0]]
        for i in 1..<pts.count {
            let (x0, y0) = pts[i - 1], (x1, y1) = pts[i]
            let d = hypot(x1 - x0, y1 - y0)
            if d > 10 {
                let n = min(60, Int(d / 10))
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
            case .none: break
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

enum LegendSVG {
    static let rowH = 18.0
    static let swatchW = 24.0

    static func draw(_ p: PreparedXY, plot: Rect, drawLines: Bool, points: [(Double, Double)],
                     obstacles: [Rect], into w: inout SVGWriter) {
        guard p.spec.legend != .none else { return }
        let entries = p.series.filter { !$0.legendLabel.isEmpty }
        guard !entries.isEmpty else { return }

        let maxRows = max(1, Int((plot.h - 16) / rowH))
        let columns = min(entries.count, (entries.count + maxRows - 1) / maxRows)
        let rows = (entries.count + columns - 1) / columns
        let textMax = max(20, (plot.w - 16) / Double(columns) - swatchW - 18)
        let labels = entries.map { fitText($0.legendLabel, width: textMax, fontSize: FontSize.legend) }
        var colW: [Double] = []
        for c in 0..<columns {
            let col = labels.enumerated().filter { $0.offset / rows == c }.map(\.element)
            colW.append(swatchW + 6 + (col.map { TextMetrics.width($0, fontSize: FontSize.legend) }.max() ?? 0) + 12)
        }
        let boxW = colW.reduce(0, +) + 6
        let boxH = Double(rows) * rowH + 8
        let inset = 8.0
        func box(_ pos: LegendPosition) -> Rect {
            switch pos {
            case .topLeft: return Rect(x: plot.x + inset, y: plot.y + inset, w: boxW, h: boxH)
            case .bottomRight: return Rect(x: plot.maxX - inset - boxW, y: plot.maxY - inset - boxH, w: boxW, h: boxH)
            case .bottomLeft: return Rect(x: plot.x + inset, y: plot.maxY - inset - boxH, w: boxW, h: boxH)
            default: return Rect(x: plot.maxX - inset - boxW, y: plot.y + inset, w: boxW, h: boxH)
            }
        }
        var chosen = p.spec.legend
        if chosen == .auto {
            // The corner that hides the least: data points (and samples along lines), then labels.
            var best = Double.infinity
            for pos in [LegendPosition.topRight, .topLeft, .bottomRight, .bottomLeft] {
                let b = box(pos)
                var cost = Double(points.reduce(0) { $0 + (b.contains($1.0, $1.1) ? 1 : 0) })
                cost += Double(obstacles.filter { $0.intersects(b) }.count) * 50
                if cost < best { best = cost; chosen = pos }
            }
        }
        let b = box(chosen)
        w.rect(b.x, b.y, b.w, b.h, fill: .white, stroke: Color(r: 0xcc, g: 0xcc, b: 0xcc), strokeWidth: 0.8, opacity: 0.88)
        var x = b.x + 8
        for c in 0..<columns {
            for r in 0..<rows {
                let i = c * rows + r
                guard i < entries.count else { break }
                let s = entries[i]
                let cy = b.y + 4 + Double(r) * rowH + rowH / 2
                let width = s.style.lineWidth.isFinite ? min(4, max(0.5, s.style.lineWidth)) : 1.8
                if drawLines {
                    w.line(x, cy, x + swatchW, cy, color: s.color, width: width, dash: s.style.dash)
                }
                let marker: Marker = drawLines ? s.style.marker : (s.style.marker == .none ? .circle : s.style.marker)
                if marker != .none {
                    XYPanelSVG.drawMarkers([(x + swatchW / 2, cy)], marker: marker, radius: drawLines ? 3 : 3.5,
                                           color: s.color, scatter: !drawLines, into: &w)
                }
                w.text(labels[i], x: x + swatchW + 6, y: cy + 4, size: FontSize.legend)
            }
            x += colW[c]
        }
    }
}
