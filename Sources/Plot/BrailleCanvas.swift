// MARK: - Braille canvas

/// A canvas of braille characters: each cell holds 2×4 dots, so a W×H cell area has 2W×4H pixels.
/// Pixel (0, 0) is the top-left dot. Each cell remembers which layer drew in it last (for colour).
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private(set) var bits: [UInt8]
    private(set) var owner: [Int]

    init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        bits = Array(repeating: 0, count: self.columns * self.rows)
        owner = Array(repeating: -1, count: self.columns * self.rows)
    }

    var pixelWidth: Int { columns * 2 }
    var pixelHeight: Int { rows * 4 }

    /// Dot bit for (x % 2, y % 4), following the Unicode braille dot numbering (1-2-3-7 left, 4-5-6-8 right).
    private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    mutating func set(_ x: Int, _ y: Int, layer: Int) {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight else { return }
        let i = (y / 4) * columns + x / 2
        bits[i] |= BrailleCanvas.dotBits[x % 2][y % 4]
        owner[i] = layer
    }

    /// A straight line between pixel positions (fractions allowed), clipped to the canvas.
    /// `every` > 1 draws only every n-th dot (dotted reference lines).
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, layer: Int, every: Int = 1) {
        guard let (a, b) = clip(x0, y0, x1, y1) else { return }
        let steps = Int(max(abs(b.0 - a.0), abs(b.1 - a.1)).rounded(.up))
        if steps == 0 { set(Int(a.0.rounded()), Int(a.1.rounded()), layer: layer); return }
        for k in 0...steps where k % max(1, every) == 0 {
            let t = Double(k) / Double(steps)
            set(Int((a.0 + (b.0 - a.0) * t).rounded()), Int((a.1 + (b.1 - a.1) * t).rounded()), layer: layer)
        }
    }

    /// Liang–Barsky clipping to the pixel rectangle (half a pixel of slack on each side).
    private func clip(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> ((Double, Double), (Double, Double))? {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return nil }
        let xmin = -0.5, ymin = -0.5, xmax = Double(pixelWidth) - 0.5, ymax = Double(pixelHeight) - 0.5
        var t0 = 0.0, t1 = 1.0
        let dx = x1 - x0, dy = y1 - y0
        for (p, q) in [(-dx, x0 - xmin), (dx, xmax - x0), (-dy, y0 - ymin), (dy, ymax - y0)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return nil }; t0 = max(t0, r) } else { if r < t0 { return nil }; t1 = min(t1, r) }
            }
        }
        return ((x0 + t0 * dx, y0 + t0 * dy), (x0 + t1 * dx, y0 + t1 * dy))
    }

    /// The braille character of a cell, nil when no dot is set.
    func character(column: Int, row: Int) -> Character? {
        guard column >= 0, row >= 0, column < columns, row < rows else { return nil }
        let b = bits[row * columns + column]
        guard b != 0, let u = Unicode.Scalar(0x2800 + UInt32(b)) else { return nil }
        return Character(u)
    }

    func layer(column: Int, row: Int) -> Int {
        guard column >= 0, row >= 0, column < columns, row < rows else { return -1 }
        return owner[row * columns + column]
    }
}
