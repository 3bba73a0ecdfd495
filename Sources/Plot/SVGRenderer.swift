import Foundation

// MARK: - Figure → SVG

/// A rectangle in SVG pixels.
struct Rect {
    var x: Double
    var y: Double
    var w: Double
    var h: Double
    var maxX: Double { x + w }
    var maxY: Double { y + h }
    var midX: Double { x + w / 2 }
    var midY: Double { y + h / 2 }

    func contains(_ px: Double, _ py: Double) -> Bool { px >= x && px <= maxX && py >= y && py <= maxY }
    func intersects(_ o: Rect) -> Bool { x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY }
}

/// Font sizes shared by the panels, in SVG pixels: the defaults times `scale` (a figure's
/// `fontSize` over the default 12).
struct FontSize {
    var scale = 1.0
    var figureTitle: Double { 17 * scale }
    var title: Double { 15 * scale }
    var axisLabel: Double { 13 * scale }
    var tick: Double { 11.5 * scale }
    var legend: Double { 12 * scale }
    var note: Double { 12 * scale }
}

/// Renders figures as standalone SVG 1.1 documents.
public enum SVGRenderer {
    /// Stands in for the document's id prefix until the body is known (U+E000 is stripped from user text).
    static let idToken = "\u{E000}"

    /// The figure as an SVG 1.1 document (UTF-8 text). Element ids are derived from a hash of the
    /// content, so several figures can be inlined into one HTML page without id clashes, and the
    /// same figure always gives the same bytes.
    public static func render(_ figure: Figure) -> String {
        let cols = figure.columns
        let rows = figure.rows
        let pw = max(120, figure.panelWidth.isFinite ? figure.panelWidth : 640)
        let ph = max(100, figure.panelHeight.isFinite ? figure.panelHeight : 420)
        var body = SVGWriter()
        // Out-of-range sizes are clamped: a 0 or 500 px font is a typo, not a figure.
        let base = figure.fontSize.isFinite && figure.fontSize > 0 ? min(max(figure.fontSize, 4), 48) : Figure.defaultFontSize
        body.font = FontSize(scale: base / Figure.defaultFontSize)
        let fonts = body.font
        let titleH = (figure.title?.isEmpty == false) ? 36.0 * fonts.scale : 0
        let width = Double(cols) * pw
        let height = Double(rows) * ph + titleH
        body.rect(0, 0, width, height, fill: .white)
        if let t = figure.title, !t.isEmpty {
            body.text(fitText(t, width: width - 20, fontSize: fonts.figureTitle), x: width / 2, y: 25 * fonts.scale,
                      size: fonts.figureTitle, anchor: .middle, bold: true)
        }
        for (i, panel) in figure.panels.enumerated() {
            let frame = Rect(x: Double(i % cols) * pw, y: titleH + Double(i / cols) * ph, w: pw, h: ph)
            let id = "\(idToken)-\(i)"
            switch panel {
            case .line(let c): XYPanelSVG.draw(c.spec, in: frame, id: id, into: &body)
            case .scatter(let s): XYPanelSVG.draw(s.spec, in: frame, id: id, into: &body)
            case .heatmap(let h): HeatmapPanelSVG.draw(h, in: frame, id: id, into: &body)
            }
        }
        let prefix = "f" + fnv1a(body.out)
        let content = body.out.replacingOccurrences(of: idToken, with: prefix)
        let w = SVGWriter.num(width), h = SVGWriter.num(height)
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" font-family="sans-serif">

            """ + content + "</svg>\n"
    }

    /// 32-bit FNV-1a as 8 hex digits: a short, stable content hash.
    static func fnv1a(_ s: String) -> String {
        var h: UInt32 = 0x811c9dc5
        for b in s.utf8 {
            h ^= UInt32(b)
            h = h &* 0x0100_0193
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

extension Figure {
    /// The figure as an SVG document.
    public func svg() -> String { SVGRenderer.render(self) }

    /// Writes the SVG to `path` atomically (temporary file + rename).
    public func writeSVG(to path: String) throws {
        try writeAtomically(Data(svg().utf8), to: path)
    }
}

/// Writes data via a temporary file and a rename, so readers never see half a file.
func writeAtomically(_ data: Data, to path: String) throws {
    do {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw PlotError(.io, "cannot write \(path): \(PNGExport.plainReason(error))",
                        hint: "check that the directory exists and is writable")
    }
}
