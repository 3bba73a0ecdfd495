import Language
import Foundation
import Plot

/// The look options of `plot`, `scatter` and `heatmap`: per-series `styles:`, `markers:` and
/// `colors:`, the figure's `size:` and `font_size:`, and `legend:`.
///
/// A style option takes one name (for every series) or a list (one per series, in the order the
/// curves are drawn; series past the end of the list keep their defaults). A name that is not
/// one of the option's names is an error at the option, with a did-you-mean.
extension PlotStatement {
    static let dashNames: [(String, Dash)] = [("solid", .solid), ("dashed", .dashed), ("dotted", .dotted), ("dashdot", .dashDot)]
    static let markerNames: [(String, Marker)] = [
        ("auto", .auto), ("none", .none), ("circle", .circle), ("square", .square), ("triangle", .triangle),
        ("diamond", .diamond), ("cross", .cross),
        // matplotlib's one-letter spellings, which researchers type from habit.
        ("o", .circle), ("s", .square), ("^", .triangle), ("d", .diamond), ("x", .cross),
    ]
    static let legendNames: [(String, LegendPosition)] = [
        ("auto", .auto), ("outside", .outside), ("below", .below), ("none", .none), ("top right", .topRight), ("top left", .topLeft),
        ("bottom right", .bottomRight), ("bottom left", .bottomLeft),
    ]

    /// The names of option `name`, one per series (a single name applies to all `count` series).
    private func perSeries<T>(_ name: String, count: Int, table: [(String, T)], what: String) throws -> [T?] {
        try perSeries(name, count: count, names: table.map(\.0), what: what) { given in
            table.first { $0.0 == given.lowercased() }?.1
        }
    }

    /// One entry of option `name` per series, each read by `lookup` (nil = not a valid name).
    private func perSeries<T>(_ name: String, count: Int, names: [String], what: String,
                              lookup: (String) -> T?) throws -> [T?] {
        guard let (v, e) = keywords[name] else { return Array(repeating: nil, count: count) }
        let given: [String]
        if case .string(let s) = v {
            given = Array(repeating: s, count: count)
        } else if let items = Convert.list(v) {
            given = try items.map { item in
                guard case .string(let s) = item else {
                    throw ScriptError(.type, "`\(name):` needs names, got \(item.typeName)",
                                      hint: "e.g. \(name): [\"\(names[0])\", \"\(names[1])\"]", span: e.span)
                }
                return s
            }
        } else {
            throw ScriptError(.type, "`\(name):` needs a name or a list of names, got \(v.typeName)", span: e.span)
        }
        if given.count > count {
            throw ScriptError(.value, "`\(name):` has \(given.count) entries for \(count) \(count == 1 ? "curve" : "curves")",
                              hint: "give one per curve, in the order they are drawn", span: e.span)
        }
        return try (0..<count).map { i in
            guard i < given.count else { return nil }
            if let found = lookup(given[i]) { return found }
            throw ScriptError(.value, "`\(name):` has no \(what) \"\(given[i])\"",
                              hint: DidYouMean.hint(for: given[i].lowercased(), in: names) ?? "\(what)s: \(names.joined(separator: ", "))",
                              span: e.span)
        }
    }

    /// `styles:`, `markers:` and `colors:` applied to `series` (explicit colours win over the
    /// colour a label keeps across figures). Colours are palette names (`blue`, `C1`) or `#rrggbb`.
    func applyStyles(_ series: inout [Series]) throws {
        let dashes = try perSeries("styles", count: series.count, table: Self.dashNames, what: "line style")
        let markers = try perSeries("markers", count: series.count, table: Self.markerNames, what: "marker")
        let colors = try perSeries("colors", count: series.count, names: Palette.named.map(\.name) + ["#rrggbb"],
                                   what: "colour", lookup: Palette.color(named:))
        for i in series.indices {
            if let d = dashes[i] { series[i].style.dash = d }
            if let m = markers[i] { series[i].style.marker = m }
            if let c = colors[i] { series[i].style.color = c }
        }
    }

    /// Gives every series without an explicit colour the palette entry its label was drawn with
    /// in an earlier figure of this run; the other series take the first entries not used in
    /// this figure, in order, as matplotlib's colour cycle would (so a figure of new curves still
    /// starts blue, orange, …). More curves than palette entries keep the positional colours and
    /// dashes.
    func assignColors(_ series: inout [Series]) {
        guard series.count <= Palette.categorical.count else { return }
        var used = Set(series.compactMap { s in s.style.color.flatMap { c in Palette.categorical.firstIndex(of: c) } })
        var fresh: [Int] = []
        for i in series.indices where series[i].style.color == nil {
            if let known = runtime.seriesColors[series[i].name], !used.contains(known) {
                used.insert(known)
                series[i].style.color = Palette.color(known)
            } else {
                fresh.append(i)
            }
        }
        for i in fresh {
            // At most as many curves as palette entries (checked above), so one is always free.
            let index = (0..<Palette.categorical.count).first { !used.contains($0) } ?? i
            used.insert(index)
            series[i].style.color = Palette.color(index)
            if !series[i].name.isEmpty, runtime.seriesColors[series[i].name] == nil { runtime.seriesColors[series[i].name] = index }
        }
    }

    /// `legend:` — where the legend goes.
    func legendPosition() throws -> LegendPosition {
        guard let (v, e) = keywords["legend"] else { return .auto }
        guard case .string(let s) = v else {
            throw ScriptError(.type, "`legend:` needs a position name, got \(v.typeName)", hint: "e.g. legend: \"outside\"", span: e.span)
        }
        let key = s.lowercased().replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        if let found = Self.legendNames.first(where: { $0.0 == key }) { return found.1 }
        let names = Self.legendNames.map(\.0)
        throw ScriptError(.value, "`legend:` has no position \"\(s)\"",
                          hint: DidYouMean.hint(for: key, in: names) ?? "positions: \(names.joined(separator: ", "))", span: e.span)
    }

    /// `size:` [width, height] of each panel in pixels, and `font_size:`, applied to `figure`.
    func applySize(_ figure: inout Figure) throws {
        if let (_, e) = keywords["size"] {
            let xs = try numbers("size")
            guard xs.count == 2, xs.allSatisfy({ $0.isFinite && $0 >= 120 && $0 <= 10_000 }) else {
                throw ScriptError(.value, "`size:` needs [width, height] in pixels, each from 120 to 10000",
                                  hint: "e.g. size: [480, 320] (the default panel is 640 × 420)", span: e.span)
            }
            if figure.panels.count == 1 {
                figure.panelWidth = xs[0]
                figure.panelHeight = xs[1]
            } else {
                // For a grid the size is the whole figure's: each panel gets its share.
                let rows = Double(figure.rows), cols = Double(figure.columns)
                figure.panelWidth = max(120, xs[0] / cols)
                figure.panelHeight = max(100, (xs[1] - (figure.title?.isEmpty == false ? 36 : 0)) / rows)
            }
        }
        if let (_, e) = keywords["font_size"] {
            let xs = try numbers("font_size")
            guard xs.count == 1, xs[0].isFinite, xs[0] >= 6, xs[0] <= 40 else {
                throw ScriptError(.value, "`font_size:` needs one size in pixels from 6 to 40",
                                  hint: "e.g. font_size: 14 (the default is 12)", span: e.span)
            }
            figure.fontSize = xs[0]
        }
    }
}
