import Foundation

// MARK: - Colormaps

/// A continuous colormap from evenly spaced anchor colours, interpolated linearly in sRGB.
public struct Colormap: Sendable, Hashable {
    public let name: String
    /// At least two colours, from t = 0 to t = 1.
    public let anchors: [Color]
    /// Diverging maps have a neutral middle and are used with limits symmetric around zero.
    public let isDiverging: Bool

    /// Fewer than two anchors would make no map; a single colour is repeated.
    public init(name: String, anchors: [Color], isDiverging: Bool = false) {
        self.name = name
        switch anchors.count {
        case 0: self.anchors = [.black, .white]
        case 1: self.anchors = [anchors[0], anchors[0]]
        default: self.anchors = anchors
        }
        self.isDiverging = isDiverging
    }

    /// The colour at `t` in [0, 1]; values outside are clamped, NaN gives the `missing` grey.
    public func color(at t: Double) -> Color {
        guard !t.isNaN else { return .missing }
        let u = min(1, max(0, t)) * Double(anchors.count - 1)
        let i = min(anchors.count - 2, Int(u.rounded(.down)))
        return anchors[i].mixed(with: anchors[i + 1], u - Double(i))
    }

    /// Perceptually ordered dark-blue → green → yellow (viridis-like), for magnitudes.
    public static let viridis = Colormap(name: "viridis", anchors: [
        "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c",
        "#28ae80", "#5ec962", "#addc30", "#fde725",
    ].compactMap { Color(hex: $0) })

    /// Blue → white → red with pure white exactly at the middle, for signed data.
    public static let blueWhiteRed = Colormap(name: "blue-white-red", anchors: [
        "#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#ffffff",
        "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f",
    ].compactMap { Color(hex: $0) }, isDiverging: true)

    /// White → black, for print.
    public static let grays = Colormap(name: "grays", anchors: [.white, .black])
}

// MARK: - Value → colour

/// Which colormap a heatmap uses.
public enum ColormapChoice: Sendable, Hashable {
    /// Diverging (blue–white–red, symmetric limits) when the data has both signs, else viridis.
    case auto
    case sequential
    case diverging
    case custom(Colormap)
}

/// A resolved mapping from data values to colours: a colormap and the limits it spans.
public struct ColorScale: Sendable, Hashable {
    public let colormap: Colormap
    public let lower: Double
    public let upper: Double

    public init(colormap: Colormap, lower: Double, upper: Double) {
        self.colormap = colormap
        self.lower = lower
        self.upper = upper
    }

    /// Position of `v` in [0, 1] (clamped); NaN stays NaN.
    public func position(of v: Double) -> Double {
        guard v.isFinite else { return v.isNaN ? .nan : (v > 0 ? 1 : 0) }
        let span = upper - lower
        guard span > 0 else { return 0.5 }
        return min(1, max(0, (v - lower) / span))
    }

    public func color(for v: Double) -> Color { colormap.color(at: position(of: v)) }

    /// Chooses colormap and limits for `values` (NaN and ±inf ignored).
    /// Diverging maps get limits symmetric around zero so that white means 0.
    public static func resolve(values: [[Double]], choice: ColormapChoice,
                               limits: ClosedRange<Double>?) -> ColorScale {
        var lo = Double.infinity, hi = -Double.infinity
        for row in values { for v in row where v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
        let hasData = lo <= hi
        let map: Colormap
        switch choice {
        case .auto: map = (hasData && lo < 0 && hi > 0) ? .blueWhiteRed : .viridis
        case .sequential: map = .viridis
        case .diverging: map = .blueWhiteRed
        case .custom(let m): map = m
        }
        if let limits, limits.lowerBound.isFinite, limits.upperBound.isFinite,
           limits.upperBound > limits.lowerBound {
            return ColorScale(colormap: map, lower: limits.lowerBound, upper: limits.upperBound)
        }
        guard hasData else { return ColorScale(colormap: map, lower: map.isDiverging ? -1 : 0, upper: 1) }
        if map.isDiverging {
            let m = max(abs(lo), abs(hi))
            return m > 0 ? ColorScale(colormap: map, lower: -m, upper: m)
                         : ColorScale(colormap: map, lower: -1, upper: 1)
        }
        let (a, b) = AxisRange.padded(lower: lo, upper: hi, scale: .linear, fraction: 0)
        return ColorScale(colormap: map, lower: a, upper: b)
    }
}
