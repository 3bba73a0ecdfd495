// MARK: - Axes

/// How an axis maps values to positions.
public enum AxisScale: String, Sendable, Hashable {
    case linear
    /// Base-10 logarithmic. Values ≤ 0 cannot be placed and are skipped; the legend says how many.
    case log
}

/// One axis of a chart: label, scale and optional fixed limits.
public struct Axis: Sendable, Hashable {
    public var label: String?
    public var scale: AxisScale
    /// Fixed lower limit; nil = from the data (with a little padding).
    public var lower: Double?
    /// Fixed upper limit; nil = from the data.
    public var upper: Double?

    public init(label: String? = nil, scale: AxisScale = .linear, lower: Double? = nil, upper: Double? = nil) {
        self.label = label
        self.scale = scale
        self.lower = lower
        self.upper = upper
    }
}

// MARK: - Series style

/// Line dash pattern.
public enum Dash: String, Sendable, Hashable, CaseIterable {
    case solid, dashed, dotted, dashDot
}

/// Point marker shape. `.auto` is a circle on a line of at most `Marker.autoLimit` points (a
/// short curve's points are its data, as in an eval-every-epoch log) and no marker on longer ones.
public enum Marker: String, Sendable, Hashable, CaseIterable {
    case auto, none, circle, square, triangle, diamond, cross

    /// Lines with at most this many points get markers when their marker is `.auto`.
    public static let autoLimit = 20
}

/// How a series is drawn. A nil colour takes the next colour of `Palette.categorical`.
public struct SeriesStyle: Sendable, Hashable {
    public var color: Color?
    public var dash: Dash
    public var marker: Marker
    /// Stroke width in SVG pixels.
    public var lineWidth: Double

    public init(color: Color? = nil, dash: Dash = .solid, marker: Marker = .auto, lineWidth: Double = 1.8) {
        self.color = color
        self.dash = dash
        self.marker = marker
        self.lineWidth = lineWidth
    }
}

/// A named sequence of (x, y) points, optionally with a shaded band (e.g. mean ± std).
///
/// NaN or infinite values make a gap in the line. `xs`, `ys`, `lower` and `upper` are paired by
/// index; extra elements of the longer arrays are ignored.
public struct Series: Sendable, Hashable {
    public var name: String
    public var xs: [Double]
    public var ys: [Double]
    /// Lower edge of the band, paired with `xs`; nil = no band.
    public var lower: [Double]?
    /// Upper edge of the band.
    public var upper: [Double]?
    /// What the band is, shown after the name in the legend ("± std"); nil = the band has no
    /// legend text of its own (its shaded swatch is still drawn).
    public var bandLabel: String?
    public var style: SeriesStyle

    /// `xs` defaults to 0, 1, 2, … (the index of each y).
    public init(_ name: String, xs: [Double]? = nil, ys: [Double],
                lower: [Double]? = nil, upper: [Double]? = nil, bandLabel: String? = nil,
                style: SeriesStyle = SeriesStyle()) {
        self.name = name
        self.xs = xs ?? ys.indices.map(Double.init)
        self.ys = ys
        self.lower = lower
        self.upper = upper
        self.bandLabel = bandLabel
        self.style = style
    }

    /// A series with a mean ± std band: lower = mean - std, upper = mean + std.
    public static func meanStd(_ name: String, xs: [Double]? = nil, mean: [Double], std: [Double],
                               style: SeriesStyle = SeriesStyle()) -> Series {
        let n = min(mean.count, std.count)
        let lo = (0..<n).map { mean[$0] - std[$0] }
        let hi = (0..<n).map { mean[$0] + std[$0] }
        return Series(name, xs: xs, ys: mean, lower: lo, upper: hi, bandLabel: "± std", style: style)
    }

    /// Number of usable (x, y) pairs.
    var count: Int { min(xs.count, ys.count) }
}

/// A labelled horizontal or vertical line across the plot, e.g. "Bayes risk 0.611".
public struct ReferenceLine: Sendable, Hashable {
    public enum Orientation: Sendable, Hashable {
        /// y = value
        case horizontal
        /// x = value
        case vertical
    }

    public var orientation: Orientation
    public var value: Double
    public var label: String?
    public var color: Color
    public var dash: Dash

    public init(_ orientation: Orientation, at value: Double, label: String? = nil,
                color: Color = .reference, dash: Dash = .dashed) {
        self.orientation = orientation
        self.value = value
        self.label = label
        self.color = color
        self.dash = dash
    }

    public static func horizontal(_ y: Double, label: String? = nil) -> ReferenceLine {
        ReferenceLine(.horizontal, at: y, label: label)
    }

    public static func vertical(_ x: Double, label: String? = nil) -> ReferenceLine {
        ReferenceLine(.vertical, at: x, label: label)
    }
}

/// Where the legend goes. `.auto` picks an inside corner that covers no data point (the emptiest
/// one), and places the legend outside when every corner would cover data: right of the plot
/// when the plot keeps most of the panel's width, else below the plot in columns.
public enum LegendPosition: String, Sendable, Hashable {
    case auto, topRight, topLeft, bottomRight, bottomLeft
    /// Right of the plot, which narrows to make room.
    case outside
    /// Under the x axis label, in as many columns as fit; the plot gets shorter.
    case below
    case none
}

// MARK: - Charts

/// Lines over x: training curves, sweeps with bands, reference values.
public struct LineChart: Sendable, Hashable {
    public var title: String?
    public var series: [Series]
    public var x: Axis
    public var y: Axis
    public var referenceLines: [ReferenceLine]
    public var legend: LegendPosition

    public init(title: String? = nil, series: [Series] = [], x: Axis = Axis(), y: Axis = Axis(),
                referenceLines: [ReferenceLine] = [], legend: LegendPosition = .auto) {
        self.title = title
        self.series = series
        self.x = x
        self.y = y
        self.referenceLines = referenceLines
        self.legend = legend
    }
}

/// Points without lines. Each series is drawn with its marker (circle when `.none`).
public struct ScatterPlot: Sendable, Hashable {
    public var title: String?
    public var series: [Series]
    public var x: Axis
    public var y: Axis
    public var referenceLines: [ReferenceLine]
    public var legend: LegendPosition
    /// Marker radius in SVG pixels.
    public var markerSize: Double

    public init(title: String? = nil, series: [Series] = [], x: Axis = Axis(), y: Axis = Axis(),
                referenceLines: [ReferenceLine] = [], legend: LegendPosition = .auto, markerSize: Double = 3) {
        self.title = title
        self.series = series
        self.x = x
        self.y = y
        self.referenceLines = referenceLines
        self.legend = legend
        self.markerSize = markerSize
    }
}

/// A matrix drawn as coloured cells: row 0 at the top, column 0 at the left.
///
/// Rows of different lengths are padded with NaN; NaN cells are grey.
public struct Heatmap: Sendable, Hashable {
    public var title: String?
    /// Row-major values: `values[row][column]`.
    public var values: [[Double]]
    public var colormap: ColormapChoice
    /// Fixed colour limits; nil = from the data (symmetric around 0 for diverging maps).
    public var limits: ClosedRange<Double>?
    /// Labels for rows (left side); nil = row indices.
    public var rowLabels: [String]?
    /// Labels for columns (bottom); nil = column indices.
    public var columnLabels: [String]?
    public var xLabel: String?
    public var yLabel: String?
    public var showColorbar: Bool
    /// Square cells (attention maps); false stretches cells to fill the panel.
    public var squareCells: Bool

    public init(title: String? = nil, values: [[Double]], colormap: ColormapChoice = .auto,
                limits: ClosedRange<Double>? = nil, rowLabels: [String]? = nil, columnLabels: [String]? = nil,
                xLabel: String? = nil, yLabel: String? = nil, showColorbar: Bool = true, squareCells: Bool = true) {
        self.title = title
        self.values = values
        self.colormap = colormap
        self.limits = limits
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.showColorbar = showColorbar
        self.squareCells = squareCells
    }

    public var rowCount: Int { values.count }
    public var columnCount: Int { values.map(\.count).max() ?? 0 }

    /// The value at (row, column), NaN outside a ragged row.
    func value(_ r: Int, _ c: Int) -> Double {
        guard r >= 0, r < values.count, c >= 0, c < values[r].count else { return .nan }
        return values[r][c]
    }

    /// The colormap and limits this heatmap will be drawn with.
    public var colorScale: ColorScale {
        ColorScale.resolve(values: values, choice: colormap, limits: limits)
    }
}

// MARK: - Figure

/// One cell of a figure's grid.
public enum Panel: Sendable, Hashable {
    case line(LineChart)
    case heatmap(Heatmap)
    case scatter(ScatterPlot)
}

/// One or more panels in a grid, filled row by row.
public struct Figure: Sendable, Hashable {
    public var title: String?
    public var panels: [Panel]
    /// Panels per row (at least 1); rows follow from the panel count.
    public var columns: Int
    /// Size of each panel in SVG pixels.
    public var panelWidth: Double
    public var panelHeight: Double
    /// The base text size in SVG pixels: tick labels and legend entries; titles and axis labels
    /// keep their proportion to it. 12 is the default.
    public var fontSize: Double

    /// The default base text size.
    public static let defaultFontSize = 12.0

    public init(title: String? = nil, panels: [Panel], columns: Int = 1,
                panelWidth: Double = 640, panelHeight: Double = 420, fontSize: Double = Figure.defaultFontSize) {
        self.title = title
        self.panels = panels
        self.columns = max(1, columns)
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
        self.fontSize = fontSize
    }

    public init(_ chart: LineChart) { self.init(panels: [.line(chart)]) }
    public init(_ heatmap: Heatmap) { self.init(panels: [.heatmap(heatmap)]) }
    public init(_ scatter: ScatterPlot) { self.init(panels: [.scatter(scatter)]) }

    /// Rows of the grid: enough for every panel.
    public var rows: Int { max(1, (panels.count + columns - 1) / max(1, columns)) }

    /// A grid of heatmaps (one per attention head, or a matrix at several steps).
    /// With `sharedLimits` every panel uses the same colour limits so colours compare across panels.
    public static func heatmapGrid(_ matrices: [[[Double]]], titles: [String]? = nil, columns: Int = 4,
                                   title: String? = nil, colormap: ColormapChoice = .auto,
                                   sharedLimits: Bool = true, panelWidth: Double = 320,
                                   panelHeight: Double = 300, xLabel: String? = nil, yLabel: String? = nil) -> Figure {
        var limits: ClosedRange<Double>?
        if sharedLimits {
            let all = matrices.flatMap { $0 }
            let scale = ColorScale.resolve(values: all, choice: colormap, limits: nil)
            limits = scale.lower...scale.upper
        }
        let choice: ColormapChoice
        if sharedLimits, case .auto = colormap {
            // Decide once for all panels, so one head with only positive values does not switch maps.
            choice = ColorScale.resolve(values: matrices.flatMap { $0 }, choice: .auto, limits: nil)
                .colormap.isDiverging ? .diverging : .sequential
        } else {
            choice = colormap
        }
        let panels = matrices.enumerated().map { i, m in
            Panel.heatmap(Heatmap(title: titles.flatMap { i < $0.count ? $0[i] : nil },
                                  values: m, colormap: choice, limits: limits, xLabel: xLabel, yLabel: yLabel))
        }
        return Figure(title: title, panels: panels, columns: min(max(1, columns), max(1, panels.count)),
                      panelWidth: panelWidth, panelHeight: panelHeight)
    }
}
