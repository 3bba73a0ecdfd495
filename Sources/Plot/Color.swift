// MARK: - Colour

/// An sRGB colour with 8-bit channels.
public struct Color: Sendable, Hashable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// Parses `#rrggbb` or `rrggbb`; nil for anything else.
    public init?(hex: String) {
        var s = Substring(hex)
        if s.hasPrefix("#") { s = s.dropFirst() }
        guard s.count == 6, let v = UInt32(s, radix: 16) else { return nil }
        self.init(r: UInt8((v >> 16) & 0xFF), g: UInt8((v >> 8) & 0xFF), b: UInt8(v & 0xFF))
    }

    /// `#rrggbb`, lower case, as SVG wants it.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [r, g, b] {
            s.append(digits[Int(c >> 4)])
            s.append(digits[Int(c & 0xF)])
        }
        return s
    }

    public var description: String { hex }

    /// Linear interpolation in sRGB from `self` (t = 0) to `other` (t = 1); t is clamped.
    public func mixed(with other: Color, _ t: Double) -> Color {
        let u = t.isNaN ? 0 : min(1, max(0, t))
        func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * u).rounded())
        }
        return Color(r: lerp(r, other.r), g: lerp(g, other.g), b: lerp(b, other.b))
    }

    public static let white = Color(r: 255, g: 255, b: 255)
    public static let black = Color(r: 0, g: 0, b: 0)
    /// Axis lines and text.
    public static let ink = Color(r: 0x33, g: 0x33, b: 0x33)
    /// Grid lines: visible but behind the data.
    public static let grid = Color(r: 0xe6, g: 0xe6, b: 0xe6)
    /// Reference lines by default.
    public static let reference = Color(r: 0x55, g: 0x55, b: 0x55)
    /// Heatmap cells whose value is NaN.
    public static let missing = Color(r: 0xd9, g: 0xd9, b: 0xd9)
}

// MARK: - Categorical palette

/// The default series colours: ten hues that stay apart on white paper and for the common forms
/// of colour blindness when combined with dashes/markers (the Tableau 10 set).
public enum Palette {
    public static let categorical: [Color] = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ].compactMap { Color(hex: $0) }

    /// The i-th default colour; cycles, and any integer is safe.
    public static func color(_ i: Int) -> Color {
        let n = categorical.count
        return categorical[((i % n) + n) % n]
    }
}

extension Palette {
    /// Colour names a script may use: the palette's own hues by name, `C0`…`C9` for its
    /// entries in order (matplotlib's spelling), and black/grey for reference-like curves.
    public static let named: [(name: String, color: Color)] = {
        let hues = ["blue", "orange", "red", "teal", "green", "yellow", "purple", "pink", "brown", "grey"]
        var out = zip(hues, categorical).map { ($0, $1) }
        out += categorical.enumerated().map { ("C\($0.offset)", $0.element) }
        out += [("black", Color.black), ("gray", categorical[9]), ("dark", Color.ink)]
        return out
    }()

    /// The colour `name` stands for: a name from `named` (any case) or `#rrggbb`.
    public static func color(named name: String) -> Color? {
        if name.hasPrefix("#") { return Color(hex: name) }
        let key = name.lowercased()
        return named.first { $0.name.lowercased() == key }?.color
    }
}
