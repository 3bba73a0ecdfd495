import Language
import Autodiff
import Foundation
import Lab
import Plot
import Tensors

/// `plot`, `heatmap` and `scatter`: figures from series, tensors and lists, written as SVG
/// into the run directory (PNG when `to:` ends in .png) and drawn in the terminal in the REPL.
struct PlotStatement {
    let context: ExperimentContext
    let runtime: ExperimentRuntime
    let kind: PlotKind
    var positional: [(Value, Expr)] = []
    var keywords: [String: (Value, Expr)] = [:]

    init(_ context: ExperimentContext, runtime: ExperimentRuntime) throws {
        guard case .plot(let kind, let args) = context.statement.kind else { throw context.error("internal: not a plot") }
        self.context = context
        self.runtime = runtime
        self.kind = kind
        for a in args {
            let v = try context.evaluate(a.value)
            // Option names and the presence of something to draw were checked by the resolver
            // (`Resolver.checkPlot`) against `PlotVocabulary`.
            if let label = a.label {
                keywords[label.name] = (v, a.value)
            } else {
                positional.append((v, a.value))
            }
        }
        // The resolver reports this before anything runs; kept so no path can index an empty list.
        guard !positional.isEmpty else {
            throw ScriptError(.argument, "\(kind.rawValue) needs something to draw", span: context.span)
        }
    }

    // MARK: - Options

    func string(_ name: String) throws -> String? {
        guard let (v, e) = keywords[name] else { return nil }
        if case .string(let s) = v { return s }
        if case .function(let f) = v { return f.name }  // `y: log` reads like the paper
        throw ScriptError(.type, "`\(name):` needs a string, got \(v.typeName)", span: e.span)
    }

    func scale(_ name: String) throws -> AxisScale {
        // `x: fn(t) = …` rescales the steps (see `mapX`); the axis itself stays linear.
        if name == "x", xFunction != nil { return .linear }
        switch try string(name) {
        case nil, "linear": return .linear
        case "log": return .log
        case let s?: throw ScriptError(.value, "`\(name):` is \"linear\" or \"log\", not \"\(s)\"", span: keywords[name]!.1.span)
        }
    }

    func numbers(_ name: String) throws -> [Double] {
        guard let (v, e) = keywords[name] else { return [] }
        if let x = Convert.double(v) { return [x] }
        if let xs = Convert.list(v) {
            return try xs.map { x in
                guard let d = Convert.double(x) else { throw ScriptError(.type, "`\(name):` needs numbers", span: e.span) }
                return d
            }
        }
        if case .tensor(let t) = v { return t.value.toDoubles() }
        throw ScriptError(.type, "`\(name):` needs a number or a list of numbers, got \(v.typeName)", span: e.span)
    }

    func strings(_ name: String) throws -> [String]? {
        guard let (v, e) = keywords[name] else { return nil }
        guard let xs = Convert.list(v) else {
            if case .string(let s) = v { return [s] }
            throw ScriptError(.type, "`\(name):` needs a list of strings", span: e.span)
        }
        return xs.map { x in if case .string(let s) = x { return s }; return Format.display(x) }
    }

    /// `columns:` of a heatmap grid: one whole number ≥ 1 (nil when not given).
    func gridColumns() throws -> Int? {
        guard let (_, e) = keywords["columns"] else { return nil }
        let xs = try numbers("columns")
        guard xs.count == 1, let x = xs.first, x >= 1, x < 1e6, x == x.rounded() else {
            throw ScriptError(.value, "`columns:` needs one whole number ≥ 1, got \(xs.count == 1 ? Format.float(xs[0]) : "\(xs.count) numbers")",
                              hint: "e.g. columns: 2", span: e.span)
        }
        return Int(x)
    }

    func limits(_ name: String) throws -> (Double?, Double?) {
        let xs = try numbers(name)
        guard xs.isEmpty || xs.count == 2 else {
            throw ScriptError(.value, "`\(name):` needs [low, high]", span: keywords[name]!.1.span)
        }
        return xs.isEmpty ? (nil, nil) : (xs[0], xs[1])
    }

    // MARK: - Running

    func run() throws {
        let figure: Figure
        switch kind {
        case .plot: figure = Figure(try lineChart())
        case .scatter: figure = Figure(panels: [.scatter(try scatter())])
        case .heatmap: figure = try heatmaps()
        }
        var sized = figure
        try applySize(&sized)
        try emit(sized)
    }

    private func defaultName() -> String {
        let first = positional[0].1.sourceText
        let stem = MetricLogName.safe(first.count <= 40 ? first : String(first.prefix(40)))
        return "\(kind == .plot ? "" : kind.rawValue + "_")\(stem.isEmpty ? "figure" : stem).svg"
    }

    /// The figure's file: `to:` as given when it names a .svg, .png or .pdf file, with .svg
    /// added when it has no extension; the default name from the first series otherwise.
    private func fileName() throws -> String {
        guard let given = try string("to") else { return defaultName() }
        let span = keywords["to"]!.1.span
        let last = (given as NSString).lastPathComponent
        guard !given.isEmpty, !given.hasSuffix("/"), !last.isEmpty, last != ".", last != ".." else {
            throw ScriptError(.value, "`to:` needs a file name, got \"\(given)\"", hint: "e.g. to: \"loss.svg\"", span: span)
        }
        let ext = (last as NSString).pathExtension.lowercased()
        switch ext {
        case "": return given + ".svg"
        case "svg", "png", "pdf": return given
        default:
            throw ScriptError(.value, "`to:` writes .svg, .png or .pdf files, not .\(ext)", hint: "e.g. to: \"\((last as NSString).deletingPathExtension).svg\"", span: span)
        }
    }

    private func emit(_ figure: Figure) throws {
        if runtime.config.plots == .terminal {
            runtime.config.terminalOutput(TerminalRenderer.render(figure, options: TerminalOptions.detect()) + "\n")
        }
        // In the REPL a plot without `to:` only draws in the terminal.
        if runtime.config.plots == .terminal && keywords["to"] == nil && runtime.config.scriptPath == nil { return }
        let name = try fileName()
        let format = (name as NSString).pathExtension.lowercased()
        let converted = format == "png" || format == "pdf"
        let span = keywords["to"]?.1.span ?? context.span
        let url = try runtime.outputURL(name, span: span)
        let svg = figure.svg()
        if converted {
            // The SVG beside the PNG/PDF is the source the report embeds.
            let svgURL = url.deletingPathExtension().appendingPathExtension("svg")
            try runtime.writeFile(Data(svg.utf8), to: svgURL, span: span)
            let data: Data
            do { data = try PNGExport.render(svgPath: svgURL.path, format: format) } catch let e as PlotError {
                throw ScriptError(.io, e.description, hint: e.description.contains("rsvg") ? "or write an .svg file instead" : nil, span: span)
            }
            try runtime.writeFile(data, to: url, span: span)
        } else {
            try runtime.writeFile(Data(svg.utf8), to: url, span: span)
        }
        runtime.figures.removeAll { $0.name == name }
        runtime.figures.append((name, svg))
        runtime.figureTitles[name] = figure.caption
    }

    // MARK: - Line charts

    /// Every curve of the positional arguments, with `by:` grouping, `x:` mapping, `labels:`,
    /// styles and colours applied.
    private func series() throws -> [Series] {
        let names = try strings("labels")
        let groups = try groupingNames()
        var curves: [PlotCurve] = []
        for (v, e) in positional {
            if let groups {
                guard case .object(let o as SeriesObject) = v else {
                    throw ScriptError(.value, "`by:` groups a sweep's runs; `\(e.sourceText)` is a \(v.typeName)", span: e.span)
                }
                curves += try grouped(o, by: groups, expr: e, multiple: positional.count > 1)
                continue
            }
            if case .object(let o as TensorSeriesObject) = v {
                curves += try Self.components(o, span: e.span)
                continue
            }
            // A list of series (`plot loss.runs`: every run of a sweep) draws one curve each.
            if case .list(let items) = v, !items.isEmpty,
               items.allSatisfy({ if case .object(let o) = $0 { return o is SeriesObject }; return false }) {
                for (k, item) in items.enumerated() {
                    var label: String?
                    if case .object(let o as SeriesObject) = item { label = o.label }
                    var one = try Self.series(item, name: e.sourceText, span: e.span)
                    one.name = label ?? "\(e.sourceText)[\(k)]"
                    // A run without a combination label (not from a sweep) has no settings to bind.
                    curves.append(PlotCurve(series: one, settings: label.map(Self.sweepSettings) ?? []))
                }
            } else {
                curves.append(PlotCurve(series: try Self.series(v, name: e.sourceText, span: e.span)))
            }
        }
        try mapX(&curves)
        var out = curves.map(\.series)
        if let names { for i in out.indices where i < names.count { out[i].name = names[i] } }
        try applyStyles(&out)
        assignColors(&out)
        return out
    }

    static func series(_ v: Value, name: String, span: SourceSpan) throws -> Series {
        switch v {
        case .object(let o as SeriesObject):
            if let agg = o.aggregate {
                return Series.meanStd(agg.name, xs: agg.steps, mean: agg.mean, std: agg.std)
            }
            return Series(o.series.name, xs: o.series.steps, ys: o.series.values)
        case .tensor(let t):
            let x = t.value
            if x.rank == 2 && x.shape[0] == 2 {
                let d = x.toDoubles(), n = x.shape[1]
                return Series(name, xs: Array(d[0..<n]), ys: Array(d[n...]))
            }
            guard x.rank <= 1 else {
                throw ScriptError(.shape, "plot draws 1-D tensors (or [2, n]: xs and ys), got shape \(TensorError.show(x.shape))",
                                  hint: "use heatmap for matrices", span: span)
            }
            return Series(name, ys: x.toDoubles())
        case .list(let items):
            if items.count == 2, let xs = Convert.list(items[0]).flatMap(doubles), let ys = Convert.list(items[1]).flatMap(doubles), xs.count == ys.count {
                return Series(name, xs: xs, ys: ys)
            }
            if case .tensor(let a) = items.first, items.count == 2, case .tensor(let b) = items[1], a.value.count == b.value.count {
                return Series(name, xs: a.value.toDoubles(), ys: b.value.toDoubles())
            }
            guard let ys = doubles(items) else {
                throw ScriptError(.type, "plot needs numbers, series or tensors; this list holds other values", span: span)
            }
            return Series(name, ys: ys)
        default:
            throw ScriptError(.type, "cannot plot a \(v.typeName)", hint: "plot series (logged metrics), tensors or lists of numbers", span: span)
        }
    }

    static func doubles(_ items: [Value]) -> [Double]? {
        var out: [Double] = []
        for i in items { guard let d = Convert.double(i) else { return nil }; out.append(d) }
        return out
    }

    private func references() throws -> [ReferenceLine] {
        let hl = try numbers("hline"), hlabels = try strings("hline_label") ?? []
        let vl = try numbers("vline"), vlabels = try strings("vline_label") ?? []
        return hl.enumerated().map { i, y in .horizontal(y, label: i < hlabels.count ? hlabels[i] : nil) }
            + vl.enumerated().map { i, x in .vertical(x, label: i < vlabels.count ? vlabels[i] : nil) }
    }

    private func lineChart() throws -> LineChart {
        let (ylo, yhi) = try limits("ylim"), (xlo, xhi) = try limits("xlim")
        let usesSeries = positional.contains {
            if case .object(let o) = $0.0 { return o is SeriesObject }
            if case .list(let xs) = $0.0, case .object(let o)? = xs.first { return o is SeriesObject }
            return false
        }
        let usesSteps = usesSeries || positional.contains {
            if case .object(let o) = $0.0 { return o is TensorSeriesObject }
            return false
        }
        return LineChart(title: try string("title"), series: try series(),
                         x: Axis(label: try string("xlabel") ?? mappedXLabel ?? (usesSteps ? "step" : nil), scale: try scale("x"), lower: xlo, upper: xhi),
                         y: Axis(label: try string("ylabel"), scale: try scale("y"), lower: ylo, upper: yhi),
                         referenceLines: try references(), legend: try legendPosition())
    }

    private func scatter() throws -> ScatterPlot {
        var s: [Series] = []
        if positional.count == 2, case .tensor(let a) = positional[0].0, case .tensor(let b) = positional[1].0 {
            guard a.value.count == b.value.count else {
                throw ScriptError(.shape, "scatter needs xs and ys of the same length, got \(a.value.count) and \(b.value.count)", span: context.span)
            }
            s = [Series(try strings("labels")?.first ?? positional[1].1.sourceText, xs: a.value.toDoubles(), ys: b.value.toDoubles())]
            try applyStyles(&s)
            assignColors(&s)
        } else {
            s = try series()
        }
        warnIfDegenerate(s)
        return ScatterPlot(title: try string("title"), series: s, x: Axis(label: try string("xlabel"), scale: try scale("x")),
                           y: Axis(label: try string("ylabel"), scale: try scale("y")), referenceLines: try references(),
                           legend: try legendPosition())
    }

    // MARK: - Heatmaps

    private func heatmaps() throws -> Figure {
        var mats: [[[Double]]] = []
        var titles: [String] = []
        for (v, e) in positional {
            for (m, t) in try Self.matrices(v, name: e.sourceText, span: e.span) {
                mats.append(m)
                titles.append(t)
            }
        }
        if let given = try strings("titles") { for (i, t) in given.enumerated() where i < titles.count { titles[i] = t } }
        let cmap: ColormapChoice
        switch try string("cmap") {
        case nil, "auto": cmap = .auto
        case "diverging": cmap = .diverging
        case "sequential": cmap = .sequential
        case let c?: throw ScriptError(.value, "cmap is \"auto\", \"diverging\" or \"sequential\", not \"\(c)\"", span: keywords["cmap"]!.1.span)
        }
        if mats.count == 1 {
            var h = Heatmap(title: try string("title") ?? titles[0], values: mats[0], colormap: cmap)
            h.rowLabels = try strings("rows")
            h.columnLabels = try strings("cols")
            h.xLabel = try string("xlabel")
            h.yLabel = try string("ylabel")
            return Figure(h)
        }
        let columns = try gridColumns() ?? min(mats.count, 4)
        return Figure.heatmapGrid(mats, titles: titles, columns: columns, title: try string("title"), colormap: cmap,
                                  xLabel: try string("xlabel"), yLabel: try string("ylabel"))
    }

    /// Matrices from a 2-D tensor, a 3-D tensor (one panel per leading index), a tensor series
    /// (its last value) or a list of these.
    static func matrices(_ v: Value, name: String, span: SourceSpan) throws -> [([[Double]], String)] {
        switch v {
        case .tensor(let t):
            let x = t.value
            switch x.rank {
            case 1: return [([x.toDoubles()], name)]
            case 2:
                let d = x.toDoubles(), c = x.shape[1]
                return [((0..<x.shape[0]).map { Array(d[$0 * c..<($0 + 1) * c]) }, name)]
            case 3:
                let d = x.toDoubles(), r = x.shape[1], c = x.shape[2]
                return (0..<x.shape[0]).map { k in
                    ((0..<r).map { i in Array(d[(k * r + i) * c..<(k * r + i + 1) * c]) }, "\(name)[\(k)]")
                }
            default:
                throw ScriptError(.shape, "heatmap draws matrices (2-D, or 3-D for a grid), got shape \(TensorError.show(x.shape))", span: span)
            }
        case .object(let o as TensorSeriesObject):
            guard let last = o.series.values.last else { throw ScriptError(.value, "tensor series `\(o.series.name)` is empty", span: span) }
            return try matrices(.tensor(Variable(last)), name: o.series.name, span: span)
        case .list(let items):
            return try items.enumerated().flatMap { i, item in try matrices(item, name: "\(name)[\(i)]", span: span) }
        default:
            throw ScriptError(.type, "cannot draw a \(v.typeName) as a heatmap", span: span)
        }
    }
}

/// File-name-safe versions of metric and expression names.
enum MetricLogName {
    static func safe(_ s: String) -> String {
        var out = ""
        var lastUnderscore = false
        for ch in s {
            if ch.isLetter || ch.isNumber || ch == "-" {
                out.append(ch); lastUnderscore = false
            } else if !lastUnderscore && !out.isEmpty {
                out.append("_"); lastUnderscore = true
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out
    }
}
