import Foundation

// MARK: - Heatmap panel

enum HeatmapPanelSVG {
    /// Colours are quantized to this many levels so cells of (nearly) equal colour share one path.
    static let levels = 256

    static func draw(_ hm: Heatmap, in frame: Rect, id: String, into w: inout SVGWriter) {
        let font = w.font
        let rows = hm.rowCount, cols = hm.columnCount
        let scale = hm.colorScale
        let hasTitle = hm.title?.isEmpty == false
        let hasXLabel = hm.xLabel?.isEmpty == false
        let hasYLabel = hm.yLabel?.isEmpty == false
        if let t = hm.title, hasTitle {
            w.text(fitText(t, width: frame.w - 20, fontSize: font.title), x: frame.midX, y: frame.y + 23,
                   size: font.title, anchor: .middle, bold: true, markup: true)
        }
        let top = frame.y + (hasTitle ? 36 : 14)
        guard rows > 0, cols > 0 else {
            w.text("empty matrix", x: frame.midX, y: frame.midY, size: font.note, anchor: .middle,
                   color: .reference, italic: true)
            return
        }

        let rowLabels = (0..<rows).map { r in hm.rowLabels.flatMap { r < $0.count ? $0[r] : nil } ?? String(r) }
        let colLabels = (0..<cols).map { c in hm.columnLabels.flatMap { c < $0.count ? $0[c] : nil } ?? String(c) }
        let maxLabel = 90.0
        let rowLabelW = min(maxLabel, rowLabels.map { TextMetrics.width($0, fontSize: font.tick) }.max() ?? 0)
        let colLabelW = min(maxLabel, colLabels.map { TextMetrics.width($0, fontSize: font.tick) }.max() ?? 0)

        // Colorbar width: bar + ticks + labels (label width estimated from the limits).
        let cbTicks0 = TickGenerator.linear(lower: scale.lower, upper: scale.upper, target: 5)
        let cbLabelW = cbTicks0.labels.map { TextMetrics.width($0, fontSize: font.tick) }.max() ?? 30
        let colorbarW = hm.showColorbar ? 16 + 14 + 6 + cbLabelW + 4 : 0

        let left = frame.x + 10 + (hasYLabel ? 22 : 0) + rowLabelW + 6
        let right = frame.maxX - 12 - colorbarW
        var bottomMargin = 20 + (hasXLabel ? 22 : 0) + 6.0
        var availW = max(10, right - left), availH = max(10, frame.maxY - bottomMargin - top)
        var (cw, ch) = cellSize(availW, availH, rows, cols, square: hm.squareCells)
        // Column labels wider than a cell are turned vertical when the user named them; indices are thinned.
        let rotate = hm.columnLabels != nil && colLabelW + 4 > cw && cw >= 10
        if rotate {
            bottomMargin = colLabelW + 10 + (hasXLabel ? 22 : 0) + 6
            availH = max(10, frame.maxY - bottomMargin - top)
            availW = max(10, right - left)
            (cw, ch) = cellSize(availW, availH, rows, cols, square: hm.squareCells)
        }
        let mapW = cw * Double(cols), mapH = ch * Double(rows)
        let mx = left + (availW - mapW) / 2
        let my = top + (availH - mapH) / 2

        // MARK: cells, one path per quantized colour, horizontal runs merged
        var lut: [Color] = []
        for i in 0..<levels { lut.append(scale.colormap.color(at: Double(i) / Double(levels - 1))) }
        var paths: [Int: String] = [:]  // level (or -1 for NaN) → path data
        let n = SVGWriter.num
        for r in 0..<rows {
            var c = 0
            while c < cols {
                let level = quantize(scale, hm.value(r, c))
                var end = c + 1
                while end < cols, quantize(scale, hm.value(r, end)) == level { end += 1 }
                let x0 = mx + Double(c) * cw, x1 = mx + Double(end) * cw
                let y0 = my + Double(r) * ch
                paths[level, default: ""] += "M\(n(x0)),\(n(y0))h\(n(x1 - x0))v\(n(ch))h\(n(x0 - x1))z"
                c = end
            }
        }
        w.raw("<g shape-rendering=\"crispEdges\" stroke=\"none\">\n")
        for level in paths.keys.sorted() {
            let color = level < 0 ? Color.missing : lut[level]
            w.raw("<path fill=\"\(color.hex)\" d=\"\(paths[level] ?? "")\"/>\n")
        }
        w.raw("</g>\n")
        w.rect(mx, my, mapW, mapH, fill: nil, stroke: .ink, strokeWidth: 0.6)

        // MARK: row and column labels
        let rowStep = labelStride(cellExtent: ch, labelExtent: 13)
        for r in Swift.stride(from: 0, to: rows, by: rowStep) {
            w.text(fitText(rowLabels[r], width: maxLabel, fontSize: font.tick), x: mx - 5,
                   y: my + (Double(r) + 0.5) * ch + 4, size: font.tick, anchor: .end)
        }
        if rotate {
            for c in 0..<cols {
                let x = mx + (Double(c) + 0.5) * cw + 4
                w.text(fitText(colLabels[c], width: maxLabel, fontSize: font.tick), x: x, y: my + mapH + 6,
                       size: font.tick, anchor: .end, rotate: -90)
            }
        } else {
            let colStep = labelStride(cellExtent: cw, labelExtent: colLabelW + 6)
            for c in Swift.stride(from: 0, to: cols, by: colStep) {
                w.text(fitText(colLabels[c], width: maxLabel, fontSize: font.tick),
                       x: mx + (Double(c) + 0.5) * cw, y: my + mapH + 15, size: font.tick, anchor: .middle)
            }
        }
        if let l = hm.xLabel, hasXLabel {
            w.text(fitText(l, width: frame.w - 20, fontSize: font.axisLabel), x: mx + mapW / 2,
                   y: my + mapH + bottomMargin - 10, size: font.axisLabel, anchor: .middle, markup: true)
        }
        if let l = hm.yLabel, hasYLabel {
            // Next to the row labels, not at the panel edge (the map may be centred far from it).
            let x = max(frame.x + 20, mx - 5 - rowLabelW - 8)
            w.text(fitText(l, width: frame.h - 20, fontSize: font.axisLabel), x: x, y: my + mapH / 2,
                   size: font.axisLabel, anchor: .middle, rotate: -90, markup: true)
        }

        // MARK: colorbar
        guard hm.showColorbar else { return }
        let bx = mx + mapW + 16, bw = 14.0
        let grad = "\(id)-cb"
        w.raw("<defs><linearGradient id=\"\(grad)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">")
        for i in 0...20 {
            let t = Double(i) / 20
            w.raw("<stop offset=\"\(n(t))\" stop-color=\"\(scale.colormap.color(at: t).hex)\"/>")
        }
        w.raw("</linearGradient></defs>\n")
        w.rect(bx, my, bw, mapH, fill: nil, extra: " style=\"fill:url(#\(grad))\"")
        w.rect(bx, my, bw, mapH, fill: nil, stroke: .ink, strokeWidth: 0.6)
        let cbTicks = TickGenerator.linear(lower: scale.lower, upper: scale.upper, target: max(2, Int(mapH / 40)))
        for t in cbTicks.major {
            let y = my + mapH - scale.position(of: t.value) * mapH
            w.line(bx + bw, y, bx + bw + 4, y, color: .ink)
            w.text(LabelMarkup.tick(t.label), x: bx + bw + 7, y: y + 4, size: font.tick, markup: true)
        }
    }

    private static func cellSize(_ w: Double, _ h: Double, _ rows: Int, _ cols: Int, square: Bool) -> (Double, Double) {
        let cw = w / Double(cols), ch = h / Double(rows)
        if square { let s = min(cw, ch); return (s, s) }
        return (cw, ch)
    }

    /// Show every k-th label (k in 1, 2, 5, 10, …) so labels are at least `labelExtent` apart.
    private static func labelStride(cellExtent: Double, labelExtent: Double) -> Int {
        guard cellExtent > 0, cellExtent < labelExtent else { return 1 }
        let k = TickGenerator.niceStep(atLeast: labelExtent / cellExtent)
        return max(1, Int(min(k, 1e6)))
    }

    /// The LUT index of a value's colour, -1 for NaN.
    private static func quantize(_ scale: ColorScale, _ v: Double) -> Int {
        let t = scale.position(of: v)
        guard !t.isNaN else { return -1 }
        return min(levels - 1, max(0, Int((t * Double(levels - 1)).rounded())))
    }
}
