/// The options of `plot`, `scatter` and `heatmap`: the one table the resolver (unknown options
/// are check-time errors), the experiments layer, `:help` and completion read.
///
/// Adding an option is one entry here plus its reading in the experiments layer's
/// `PlotStatement`; adding a plot kind is a `PlotKind` case, its row here and its builder.
public struct PlotOption: Sendable {
    public let name: String
    /// One line for `:help plot` and completion.
    public let doc: String

    public init(_ name: String, _ doc: String) {
        self.name = name
        self.doc = doc
    }
}

public enum PlotVocabulary {
    static let title = PlotOption("title", "the figure's title")
    static let x = PlotOption("x", "x axis scale: \"linear\" or \"log\"")
    static let xMapped = PlotOption("x", "x axis scale (\"linear\", \"log\"), or fn(t) = … drawing each curve against a function of its steps")
    static let y = PlotOption("y", "y axis scale: \"linear\" or \"log\"")
    static let xlabel = PlotOption("xlabel", "x axis label")
    static let ylabel = PlotOption("ylabel", "y axis label")
    static let hline = PlotOption("hline", "horizontal reference line(s) at these y values")
    static let hlineLabel = PlotOption("hline_label", "legend label(s) of the horizontal lines")
    static let labels = PlotOption("labels", "legend labels, one per series")
    static let to = PlotOption("to", "file name in the run directory (.svg, .png or .pdf)")
    static let styles = PlotOption("styles", "line style per curve: \"solid\", \"dashed\", \"dotted\", \"dashdot\" (one name for all)")
    static let markers = PlotOption("markers", "marker per curve: \"circle\", \"square\", \"triangle\", \"diamond\", \"cross\", \"none\", \"auto\"")
    static let colors = PlotOption("colors", "colour per curve: blue, orange, red, teal, green, … C0…C9, or \"#rrggbb\"")
    static let size = PlotOption("size", "[width, height] of the figure in pixels (default [640, 420])")
    static let fontSize = PlotOption("font_size", "base text size in pixels (default 12)")
    static let legend = PlotOption("legend", "legend position: \"auto\", \"outside\" (right), \"below\", \"top left\", …, \"none\"")

    /// The options of each plot kind, in the order `:help` lists them.
    public static let options: [PlotKind: [PlotOption]] = [
        .plot: [title, xMapped, y, xlabel, ylabel, hline, hlineLabel,
                PlotOption("vline", "vertical reference line(s) at these x values"),
                PlotOption("vline_label", "legend label(s) of the vertical lines"),
                labels, to,
                PlotOption("ylim", "[low, high] of the y axis"),
                PlotOption("xlim", "[low, high] of the x axis"),
                PlotOption("by", "after a sweep: one curve per value of this setting, a band over the rest (e.g. seeds)"),
                styles, markers, colors, legend, size, fontSize],
        .scatter: [title, x, y, xlabel, ylabel, hline, hlineLabel, labels, to, markers, colors, legend, size, fontSize],
        .heatmap: [title,
                   PlotOption("titles", "one title per panel"),
                   to,
                   PlotOption("cmap", "colour map name"),
                   PlotOption("rows", "row labels"),
                   PlotOption("cols", "column labels"),
                   xlabel, ylabel,
                   PlotOption("columns", "panels per row"),
                   size, fontSize],
    ]

    /// The option names of `kind`, in table order.
    public static func names(_ kind: PlotKind) -> [String] { (options[kind] ?? []).map(\.name) }
}
