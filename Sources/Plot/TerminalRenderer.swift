import Foundation

// MARK: - Terminal rendering

/// Size and colour of terminal output.
public struct TerminalOptions: Sendable, Hashable {
    /// Columns of every output line (at least 20).
    public var width: Int
    /// Lines of output (at least 6).
    public var height: Int
    public var color: TerminalColorMode

    public init(width: Int = 80, height: Int = 24, color: TerminalColorMode = .ansi256) {
        self.width = max(20, width)
        self.height = max(6, height)
        self.color = color
    }
}

/// Draws charts as text: line charts and scatter plots with braille dots (2×4 per cell), heatmaps
/// with half-block characters on coloured backgrounds. Every panel is exactly `width` columns by
/// `height` lines. Shaded bands are not drawn in the terminal; markers are not either.
public enum TerminalRenderer {
    public static func render(_ chart: LineChart, options: TerminalOptions = TerminalOptions()) -> String {
        TerminalXY.render(chart.spec, options).render(options.color)
    }

    public static func render(_ scatter: ScatterPlot, options: TerminalOptions = TerminalOptions()) -> String {
        TerminalXY.render(scatter.spec, options).render(options.color)
    }

    public static func render(_ heatmap: Heatmap, options: TerminalOptions = TerminalOptions()) -> String {
        TerminalHeatmap.render(heatmap, options).render(options.color)
    }

    /// Each panel at the full size, one below the other; the figure title (if any) is one extra line.
    public static func render(_ figure: Figure, options: TerminalOptions = TerminalOptions()) -> String {
        var parts: [String] = []
        if let t = figure.title, !t.isEmpty {
            var g = TextGrid(width: options.width, height: 1)
            g.put(t, row: 0, col: max(0, (options.width - TextGrid.displayWidth(t)) / 2))
            parts.append(g.render(.none))
        }
        for p in figure.panels {
            switch p {
            case .line(let c): parts.append(render(c, options: options))
            case .scatter(let s): parts.append(render(s, options: options))
            case .heatmap(let h): parts.append(render(h, options: options))
            }
        }
        return parts.joined(separator: "\n")
    }
}

// MARK: - Line chart / scatter

enum TerminalXY {
    static let refLayer = 1_000_000

    static func render(_ spec: XYSpec, _ o: TerminalOptions) -> TextGrid {
        let p = PreparedXY(spec)
        var g = TextGrid(width: o.width, height: o.height)
        let W = o.width, H = o.height

        // Legend entries: "━━ name" per series, "┄┄ label" per labelled reference line.
        var entries: [(String, Color)] = []
        if spec.legend != .none {
            for s in p.series where !s.legendLabel.isEmpty {
                entries.append(((spec.drawLines ? "━━ " : "•• ") + s.legendLabel, s.color))
            }
        }
        for r in p.referenceLines { if let l = r.label, !l.isEmpty { entries.append(("┄┄ " + l, r.color)) } }
        var legendLines: [[(String, Color)]] = []
        var lineW = 0
        for e in entries {
            let w = TextGrid.displayWidth(e.0)
            if legendLines.isEmpty || lineW + 2 + w > W { legendLines.append([e]); lineW = w } else { legendLines[legendLines.count - 1].append(e); lineW += 2 + w }
        }

        // Vertical budget; optional lines go first when space is short.
        var hasTitle = spec.title?.isEmpty == false
        var hasYLabel = spec.y.label?.isEmpty == false
        var hasXLabel = spec.x.label?.isEmpty == false
        var legendCount = min(legendLines.count, max(1, H / 4))
        func plotRows() -> Int { H - (hasTitle ? 1 : 0) - (hasYLabel ? 1 : 0) - legendCount - (hasXLabel ? 1 : 0) - 2 }
        if plotRows() < 3 { hasXLabel = false }
        if plotRows() < 3 { hasYLabel = false }
        if plotRows() < 3 { legendCount = 0 }
        if plotRows() < 3 { hasTitle = false }
        let rows = max(1, plotRows())

        var line = 0
        if hasTitle, let t = spec.title {
            let s = fit(t, W)
            g.put(s, row: 0, col: max(0, (W - TextGrid.displayWidth(s)) / 2))
            line += 1
        }
        if hasYLabel, let l = spec.y.label { g.put(fit(l, W), row: line, col: 0); line += 1 }
        let plotTop = line

        let yTicks = TickGenerator.ticks(lower: p.yLimits.0, upper: p.yLimits.1, scale: spec.y.scale,
                                         target: max(2, rows / 3))
        let gutter = min(W / 3, (yTicks.labels.map { TextGrid.displayWidth($0) }.max() ?? 1) + 1)
        let cols = max(1, W - gutter - 1)
        var canvas = BrailleCanvas(columns: cols, rows: rows)
        let xm = AxisMap(lower: p.xLimits.0, upper: p.xLimits.1, scale: spec.x.scale, start: 0, end: Double(canvas.pixelWidth - 1))
        let ym = AxisMap(lower: p.yLimits.0, upper: p.yLimits.1, scale: spec.y.scale, start: Double(canvas.pixelHeight - 1), end: 0)

        // MARK: data
        for (k, r) in p.referenceLines.enumerated() {
            if r.orientation == .horizontal {
                let y = ym(r.value)
                canvas.line(0, y, Double(canvas.pixelWidth - 1), y, layer: refLayer + k, every: 2)
            } else {
                let x = xm(r.value)
                canvas.line(x, 0, x, Double(canvas.pixelHeight - 1), layer: refLayer + k, every: 2)
            }
        }
        for (i, s) in p.series.enumerated() {
            for seg in s.segments {
                let pts = seg.map { (xm($0.x), ym($0.y)) }
                if spec.drawLines && pts.count >= 2 {
                    for j in 1..<pts.count { canvas.line(pts[j - 1].0, pts[j - 1].1, pts[j].0, pts[j].1, layer: i) }
                } else {
                    for q in pts { canvas.line(q.0, q.1, q.0, q.1, layer: i) }
                }
            }
        }
        for r in 0..<rows {
            for c in 0..<cols {
                guard let ch = canvas.character(column: c, row: r) else { continue }
                let layer = canvas.layer(column: c, row: r)
                let color: Color? = layer >= refLayer ? p.referenceLines[layer - refLayer].color
                    : (layer >= 0 && layer < p.series.count ? p.series[layer].color : nil)
                g[plotTop + r, gutter + 1 + c] = TermCell(text: String(ch), fg: color)
            }
        }
        if !p.hasData {
            let note = "no finite data"
            g.put(note, row: plotTop + rows / 2, col: gutter + 1 + max(0, (cols - note.count) / 2))
        }

        // MARK: axes
        for r in 0..<rows { g[plotTop + r, gutter] = TermCell(text: "│") }
        var usedRows = Set<Int>()
        for t in yTicks.major {
            let r = Int((ym(t.value) / 4).rounded(.down))
            guard r >= 0, r < rows, !usedRows.contains(r) else { continue }
            usedRows.insert(r)
            g.put(String(repeating: " ", count: max(0, gutter - TextGrid.displayWidth(t.label))) + t.label,
                  row: plotTop + r, col: 0)
            g[plotTop + r, gutter] = TermCell(text: "┤")
        }
        let axisRow = plotTop + rows
        g[axisRow, gutter] = TermCell(text: "└")
        for c in 0..<cols { g[axisRow, gutter + 1 + c] = TermCell(text: "─") }
        let xTicks = TickGenerator.ticks(lower: p.xLimits.0, upper: p.xLimits.1, scale: spec.x.scale,
                                         target: max(2, cols / 12))
        var lastEnd = -1
        for t in xTicks.major {
            let c = Int((xm(t.value) / 2).rounded(.down))
            guard c >= 0, c < cols else { continue }
            let lw = TextGrid.displayWidth(t.label)
            let start = min(W - lw, max(0, gutter + 1 + c - lw / 2))
            guard start > lastEnd else { continue }
            g[axisRow, gutter + 1 + c] = TermCell(text: "┬")
            g.put(t.label, row: axisRow + 1, col: start)
            lastEnd = start + lw
        }
        line = axisRow + 2
        if hasXLabel, let l = spec.x.label {
            let s = fit(l, W)
            g.put(s, row: line, col: max(0, W - TextGrid.displayWidth(s)))
            line += 1
        }
        for entryLine in legendLines.prefix(legendCount) {
            var c = 0
            for (text, color) in entryLine {
                let s = fit(text, W - c)
                g.put(String(s.prefix(2)), row: line, col: c, fg: color)
                g.put(String(s.dropFirst(2)), row: line, col: c + 2)
                c += TextGrid.displayWidth(s) + 2
            }
            line += 1
        }
        return g
    }

    /// Truncates to `w` columns with an ellipsis.
    static func fit(_ s: String, _ w: Int) -> String {
        guard TextGrid.displayWidth(s) > w else { return s }
        guard w > 1 else { return "" }
        var out = ""
        var used = 0
        for ch in s {
            let cw = TextGrid.displayWidth(ch)
            if used + cw > w - 1 { break }
            out.append(ch)
            used += cw
        }
        return out + "…"
    }
}

// MARK: - Heatmap

enum TerminalHeatmap {
    static let shades: [String] = [" ", "░", "▒", "▓", "█"]

    static func render(_ hm: Heatmap, _ o: TerminalOptions) -> TextGrid {
        var g = TextGrid(width: o.width, height: o.height)
        let W = o.width, H = o.height
        let color = o.color != .none
        let scale = hm.colorScale
        var line = 0
        if let t = hm.title, !t.isEmpty {
            let s = TerminalXY.fit(t, W)
            g.put(s, row: 0, col: max(0, (W - TextGrid.displayWidth(s)) / 2))
            line = 1
        }
        let R = hm.rowCount, C = hm.columnCount
        guard R > 0, C > 0 else {
            g.put("empty matrix", row: line, col: 0)
            return g
        }
        let mapLines = max(1, H - line - 1)  // last line: colour bar
        let gutter = min(W / 4, String(R - 1).count + 1)
        let availCols = max(1, W - gutter)
        // Colour: one text cell = 1 column × 2 rows of "pixels" (▀ with fg top, bg bottom): square-ish.
        // No colour: one pixel = 2 columns × 1 row of shade characters.
        let pxW = color ? availCols : availCols / 2
        let pxH = color ? mapLines * 2 : mapLines
        let (outC, outR) = fitGrid(rows: R, cols: C, width: max(1, pxW), height: max(1, pxH))
        var pixels = [Double](repeating: .nan, count: outR * outC)
        for py in 0..<outR {
            let r0 = py * R / outR, r1 = max(r0 + 1, (py + 1) * R / outR)
            for px in 0..<outC {
                let c0 = px * C / outC, c1 = max(c0 + 1, (px + 1) * C / outC)
                var sum = 0.0, n = 0
                for r in r0..<r1 { for c in c0..<c1 { let v = hm.value(r, c); if v.isFinite { sum += v; n += 1 } } }
                pixels[py * outC + px] = n > 0 ? sum / Double(n) : .nan
            }
        }
        let textRows = color ? (outR + 1) / 2 : outR
        for tr in 0..<textRows {
            let row = line + tr
            for px in 0..<outC {
                if color {
                    let top = scale.color(for: pixels[(2 * tr) * outC + px])
                    let bottomIndex = 2 * tr + 1
                    let bottom: Color? = bottomIndex < outR ? scale.color(for: pixels[bottomIndex * outC + px]) : nil
                    g[row, gutter + px] = TermCell(text: "▀", fg: top, bg: bottom)
                } else {
                    let s = shade(scale, pixels[tr * outC + px])
                    g[row, gutter + 2 * px] = TermCell(text: s)
                    g[row, gutter + 2 * px + 1] = TermCell(text: s)
                }
            }
        }
        // Row indices at the first and last line of the map.
        g.put("0", row: line, col: max(0, gutter - 2))
        if textRows > 1 {
            let last = String(R - 1)
            g.put(last, row: line + textRows - 1, col: max(0, gutter - 1 - last.count))
        }
        // Colour bar: "lo ▕gradient▏ hi" on the last line.
        let lo = NumberFormat.compact(scale.lower), hi = NumberFormat.compact(scale.upper)
        let barW = max(4, min(30, W - lo.count - hi.count - 4))
        var c = 0
        g.put(lo, row: H - 1, col: c)
        c += lo.count + 1
        for i in 0..<barW {
            let t = Double(i) / Double(max(1, barW - 1))
            let v = scale.lower + t * (scale.upper - scale.lower)
            if color {
                g[H - 1, c + i] = TermCell(text: " ", fg: nil, bg: scale.colormap.color(at: t))
            } else {
                g[H - 1, c + i] = TermCell(text: shade(scale, v))
            }
        }
        g.put(hi, row: H - 1, col: c + barW + 1)
        return g
    }

    /// Output pixel grid for an R×C matrix in a width×height area: integer upscaling when it fits,
    /// otherwise a uniform reduction (blocks are averaged).
    static func fitGrid(rows R: Int, cols C: Int, width: Int, height: Int) -> (Int, Int) {
        let k = min(width / C, height / R)
        if k >= 1 { return (C * k, R * k) }
        let f = max(Double(C) / Double(width), Double(R) / Double(height))
        return (max(1, min(width, Int((Double(C) / f).rounded(.down)))), max(1, min(height, Int((Double(R) / f).rounded(.down)))))
    }

    static func shade(_ scale: ColorScale, _ v: Double) -> String {
        let t = scale.position(of: v)
        guard !t.isNaN else { return "·" }
        return shades[min(shades.count - 1, max(0, Int((t * Double(shades.count - 1)).rounded())))]
    }
}
