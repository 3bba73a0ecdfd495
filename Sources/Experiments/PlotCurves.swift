import Language
import Autodiff
import Foundation
import Lab
import Plot
import Tensors

/// One curve about to be drawn, with the sweep settings it stands for (empty outside a sweep):
/// what `x: fn(t, lr) = t * lr` binds its extra parameters to.
struct PlotCurve {
    var series: Series
    var settings: [(name: String, value: String)] = []
}

/// Where `plot`'s curves come from beyond a plain series: `by:` groups of a sweep's runs,
/// logged vectors (one curve per component) and `x:` functions that rescale the steps.
extension PlotStatement {
    /// `lr = 0.1, seed = 2` (a sweep run's label) as its (name, value) pairs.
    static func sweepSettings(_ label: String) -> [(name: String, value: String)] {
        // Split before each `name = ` that follows ", " (values such as lists may hold ", ").
        // The pattern is a constant that compiles; nil could only mean no settings to split.
        guard let re = try? NSRegularExpression(pattern: "(?:^|, )([A-Za-z_][A-Za-z0-9_]*) = ") else { return [] }
        let ns = label as NSString
        let matches = re.matches(in: label, range: NSRange(location: 0, length: ns.length))
        return matches.enumerated().map { k, m in
            let start = m.range.location + m.range.length
            let end = k + 1 < matches.count ? matches[k + 1].range.location : ns.length
            return (ns.substring(with: m.range(at: 1)), ns.substring(with: NSRange(location: start, length: end - start)))
        }
    }

    /// The names `by:` groups runs by (one name or a list), nil when not given.
    func groupingNames() throws -> [String]? {
        guard let (_, e) = keywords["by"] else { return nil }
        // `by:` is present here, so nil cannot happen; an empty list is reported just below.
        let names = try strings("by") ?? []
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
            throw ScriptError(.value, "`by:` needs the name of a swept setting", hint: "e.g. by: \"lr\"", span: e.span)
        }
        return names
    }

    /// `plot mse, by: "lr"` after `sweep lr in [...], seed in [...]`: one curve per value of
    /// the named settings, each the mean over the runs that share it (the other settings, such
    /// as the seed) with a ± std band. A group of one run draws that run, without a band.
    func grouped(_ o: SeriesObject, by names: [String], expr: Expr, multiple: Bool) throws -> [PlotCurve] {
        let span = keywords["by"]!.1.span
        guard let agg = o.aggregate else {
            throw ScriptError(.value, "`by:` groups a sweep's runs, and `\(expr.sourceText)` was not logged in a sweep",
                              hint: "plot it without by:, or log it inside a sweep", span: span)
        }
        let settings = o.runLabels.map(Self.sweepSettings)
        // Every run of a sweep varies the same settings; a sweep without runs varies none.
        let known = settings.first.map { $0.map(\.name) } ?? []
        for n in names where !known.contains(n) {
            throw ScriptError(.value, "`by:` names `\(n)`, which the sweep of `\(expr.sourceText)` does not vary",
                              hint: DidYouMean.hint(for: n, in: known) ?? "it varies: \(known.joined(separator: ", "))", span: span)
        }
        var order: [String] = []
        var members: [String: [Int]] = [:]
        var groupSettings: [String: [(name: String, value: String)]] = [:]
        for (k, run) in settings.enumerated() where k < agg.runs.count {
            // Every name was checked against the first run above, and all runs share the settings.
            let picked = names.map { n in (name: n, value: run.first { $0.name == n }?.value ?? "") }
            let key = picked.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
            if members[key] == nil { order.append(key); groupSettings[key] = picked }
            members[key, default: []].append(k)
        }
        return order.map { key in
            let runs = members[key]!.map { agg.runs[$0] }
            let label = multiple ? "\(expr.sourceText), \(key)" : key
            let series: Series
            if runs.count == 1 {
                series = Series(label, xs: runs[0].steps, ys: runs[0].values)
            } else {
                let g = AggregatedSeries(name: label, runs: runs)
                series = Series.meanStd(label, xs: g.steps, mean: g.mean, std: g.std)
            }
            return PlotCurve(series: series, settings: groupSettings[key]!)
        }
    }

    /// A logged vector (`log u = modes(W)`): one curve per component over the steps, named
    /// `u[0]`, `u[1]`, …. Scalars logged as tensors draw one curve.
    static func components(_ o: TensorSeriesObject, span: SourceSpan) throws -> [PlotCurve] {
        let values = o.series.values
        guard let first = values.first else {
            throw ScriptError(.value, "tensor series `\(o.series.name)` is empty: nothing was logged yet", span: span)
        }
        guard first.rank <= 1 else {
            throw ScriptError(.shape, "plot draws logged scalars and vectors; `\(o.series.name)` holds tensors of shape \(TensorError.show(first.shape))",
                              hint: "heatmap \(o.series.name) draws its last value", span: span)
        }
        let n = first.count
        if let bad = values.first(where: { $0.count != n }) {
            throw ScriptError(.shape, "`\(o.series.name)` changes length while logged (\(n), then \(bad.count)), so its components do not line up",
                              span: span)
        }
        let columns = values.map { $0.toDoubles() }
        let steps = o.series.steps
        return (0..<n).map { c in
            PlotCurve(series: Series(first.rank == 0 ? o.series.name : "\(o.series.name)[\(c)]", xs: steps,
                                     ys: columns.map { $0[c] }))
        }
    }

    /// The function given as `x:` (a script function of the step), nil when `x:` is a scale.
    var xFunction: (Closure, Expr)? {
        guard let (v, e) = keywords["x"], case .function(let f) = v, let c = f as? Closure else { return nil }
        return (c, e)
    }

    /// `x: fn(t) = t * lr`: each curve's x values mapped through the function. Parameters after
    /// the first are bound by name to the curve's sweep settings (`fn(t, lr) = t * lr` scales
    /// each `by: "lr"` curve by its own learning rate).
    func mapX(_ curves: inout [PlotCurve]) throws {
        guard let (f, e) = xFunction else { return }
        let params = f.parameters
        guard !params.isEmpty else {
            throw ScriptError(.value, "`x:` needs a function of the step, e.g. fn(t) = t * lr", span: e.span)
        }
        for k in curves.indices {
            var keywordArgs: [(name: String, value: Value)] = []
            for p in params.dropFirst() {
                if let s = curves[k].settings.first(where: { $0.name == p.name }) {
                    keywordArgs.append((p.name, Self.settingValue(s.value)))
                } else if p.kind == .required {
                    let have = curves[k].settings.map(\.name)
                    throw ScriptError(.value, "`x:` function's parameter `\(p.name)` is not a swept setting of the curve \"\(curves[k].series.name)\"",
                                      hint: have.isEmpty ? "plot with by: \"\(p.name)\" after a sweep over it, or use the script's \(p.name) in the body: fn(t) = t * \(p.name)"
                                                         : "its settings: \(have.joined(separator: ", "))", span: e.span)
                }
            }
            var xs: [Double] = []
            xs.reserveCapacity(curves[k].series.xs.count)
            for t in curves[k].series.xs {
                let r = try context.interpreter.callFunction(f, Arguments([SeriesObject.step(t)], keywords: keywordArgs))
                guard let x = Convert.double(r) else {
                    throw ScriptError(.type, "`x:` function must return a number, got \(r.typeName) at step \(Format.short(SeriesObject.step(t)))",
                                      span: e.span)
                }
                xs.append(x)
            }
            curves[k].series.xs = xs
        }
    }

    /// A sweep setting's printed value back as a number when it is one.
    static func settingValue(_ s: String) -> Value {
        if let i = Int(s) { return .int(i) }
        if let d = Double(s) { return .float(d) }
        if s.hasPrefix("\""), s.hasSuffix("\""), s.count >= 2 { return .string(String(s.dropFirst().dropLast())) }
        return .string(s)
    }

    /// The x axis label for a mapped x: the function's body as written (`t * lr`).
    var mappedXLabel: String? {
        guard let (_, e) = xFunction else { return nil }
        let text = e.sourceText
        if let eq = text.range(of: ") =") { return String(text[eq.upperBound...]).trimmingCharacters(in: .whitespaces) }
        return nil
    }
}
