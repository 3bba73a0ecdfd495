// MARK: - Terminal text grid

/// How the terminal renderer colours its output.
public enum TerminalColorMode: String, Sendable, Hashable {
    /// Plain text, no escape sequences (pipes, logs, tests).
    case none
    /// xterm 256-colour palette: works in nearly every terminal.
    case ansi256
    /// 24-bit colour (`COLORTERM=truecolor`).
    case trueColor
}

/// One character cell: text (one column wide, or "" when covered by the wide character before it)
/// with optional foreground and background colours.
struct TermCell {
    var text: String = " "
    var fg: Color?
    var bg: Color?
}

/// A fixed-size grid of cells rendered to lines of exactly `width` columns.
struct TextGrid {
    let width: Int
    let height: Int
    private(set) var cells: [TermCell]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: TermCell(), count: self.width * self.height)
    }

    subscript(row: Int, col: Int) -> TermCell {
        get { inBounds(row, col) ? cells[row * width + col] : TermCell() }
        set { if inBounds(row, col) { cells[row * width + col] = newValue } }
    }

    func inBounds(_ row: Int, _ col: Int) -> Bool { row >= 0 && row < height && col >= 0 && col < width }

    /// Writes `s` from (row, col), clipped at the right edge. Control characters become spaces,
    /// combining marks are dropped, East Asian wide characters take two cells.
    mutating func put(_ s: String, row: Int, col: Int, fg: Color? = nil) {
        guard row >= 0, row < height else { return }
        var c = col
        for ch in s {
            let w = TextGrid.displayWidth(ch)
            if w == 0 { continue }
            if c + w > width { break }
            if c >= 0 {
                let text = ch.unicodeScalars.first.map { $0.value < 0x20 || $0.value == 0x7F } == true ? " " : String(ch)
                self[row, c] = TermCell(text: text, fg: fg, bg: self[row, c].bg)
                if w == 2 { self[row, c + 1] = TermCell(text: "", fg: fg, bg: self[row, c + 1].bg) }
            }
            c += w
        }
    }

    /// Columns a character takes in a terminal: 0, 1 or 2 (a conservative approximation of wcwidth).
    static func displayWidth(_ ch: Character) -> Int {
        guard let u = ch.unicodeScalars.first?.value else { return 0 }
        if (0x300...0x36F).contains(u) || u == 0x200B || (0xFE00...0xFE0F).contains(u) { return 0 }
        let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                                           0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF,
                                           0x20000...0x3FFFD]
        return wide.contains { $0.contains(u) } ? 2 : 1
    }

    /// Visible width of a string in columns.
    static func displayWidth(_ s: String) -> Int { s.reduce(0) { $0 + displayWidth($1) } }

    /// Lines joined by "\n" (no trailing newline), with ANSI colours per `mode`.
    func render(_ mode: TerminalColorMode) -> String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for r in 0..<height {
            var line = ""
            var current: (Color?, Color?) = (nil, nil)
            for c in 0..<width {
                let cell = cells[r * width + c]
                if mode != .none, cell.fg != current.0 || cell.bg != current.1 {
                    if current.0 != nil || current.1 != nil { line += "\u{1B}[0m" }
                    var codes: [String] = []
                    if let f = cell.fg { codes.append(TextGrid.code(f, background: false, mode)) }
                    if let b = cell.bg { codes.append(TextGrid.code(b, background: true, mode)) }
                    if !codes.isEmpty { line += "\u{1B}[" + codes.joined(separator: ";") + "m" }
                    current = (cell.fg, cell.bg)
                }
                line += cell.text
            }
            if mode != .none, current.0 != nil || current.1 != nil { line += "\u{1B}[0m" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func code(_ c: Color, background: Bool, _ mode: TerminalColorMode) -> String {
        switch mode {
        case .trueColor: return "\(background ? 48 : 38);2;\(c.r);\(c.g);\(c.b)"
        default: return "\(background ? 48 : 38);5;\(ansi256(c))"
        }
    }

    /// Nearest xterm-256 colour: the 6×6×6 cube or the 24-step grey ramp.
    static func ansi256(_ c: Color) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ v: UInt8) -> Int {
            var best = 0
            for i in 1..<levels.count where abs(levels[i] - Int(v)) < abs(levels[best] - Int(v)) { best = i }
            return best
        }
        let (ri, gi, bi) = (nearestLevel(c.r), nearestLevel(c.g), nearestLevel(c.b))
        func dist(_ r: Int, _ g: Int, _ b: Int) -> Int {
            let dr = r - Int(c.r), dg = g - Int(c.g), db = b - Int(c.b)
            return dr * dr + dg * dg + db * db
        }
        let cubeDist = dist(levels[ri], levels[gi], levels[bi])
        let avg = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let gi2 = min(23, max(0, (avg - 8 + 5) / 10))
        let grey = 8 + 10 * gi2
        return dist(grey, grey, grey) < cubeDist ? 232 + gi2 : 16 + 36 * ri + 6 * gi + bi
    }
}

/// Strips ANSI escape sequences (for measuring and testing terminal output).
public func stripANSI(_ s: String) -> String {
    var out = ""
    var it = s.unicodeScalars.makeIterator()
    while let u = it.next() {
        if u == "\u{1B}" {
            // CSI: ESC [ parameters final-byte(@–~)
            guard let n = it.next() else { break }
            if n == "[" { while let k = it.next(), !(0x40...0x7E).contains(k.value) {} }
            continue
        }
        out.unicodeScalars.append(u)
    }
    return out
}
