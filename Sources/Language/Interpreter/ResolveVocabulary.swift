extension Resolver {
    /// Reports what a `train` block says that no run could accept: an unknown setting (with
    /// did-you-mean), a setting inside `every`, a nested `every`. Found here, `exp check` and
    /// the run both stop before anything runs.
    func checkTrainItems(_ items: [TrainItem], insideEvery: Bool = false) {
        for item in items {
            switch item {
            case .setting(let name, _, let span):
                guard TrainVocabulary.setting(name.name) != nil else {
                    let names = TrainVocabulary.names
                    error(.name, "unknown train setting `\(name.name)`", at: name.span,
                          hint: DidYouMean.hint(for: name.name, in: names) ?? "settings: \(names.sorted().joined(separator: ", "))")
                    continue
                }
                if insideEvery {
                    error(.syntax, "settings go at the top of the train block, not inside every", at: span)
                }
            case .every(_, let inner, let span):
                if insideEvery { error(.syntax, "every blocks cannot be nested", at: span) }
                checkTrainItems(inner, insideEvery: true)
            case .log, .statement:
                break
            }
        }
    }

    /// Reports unknown options of `plot`/`scatter`/`heatmap` (with did-you-mean) and a figure
    /// with nothing to draw.
    func checkPlot(_ kind: PlotKind, _ args: [CallArgument], at span: SourceSpan) {
        let names = PlotVocabulary.names(kind)
        for a in args {
            guard let label = a.label, !names.contains(label.name) else { continue }
            error(.argument, "\(kind.rawValue) has no option `\(label.name)`", at: label.span,
                  hint: DidYouMean.hint(for: label.name, in: names) ?? "options: \(names.joined(separator: ", "))")
        }
        if !args.contains(where: { $0.label == nil }) {
            error(.argument, "\(kind.rawValue) needs something to draw", at: span)
        }
        checkPlotNames(args)
    }

    /// Literal names given to `styles:`, `markers:`, `colors:` and `legend:` are checked here,
    /// so `exp check` reports a misspelt "dashd" at its place before anything runs (computed
    /// names are checked when the plot runs, with the same message).
    private func checkPlotNames(_ args: [CallArgument]) {
        let tables = plotNameTables
        for a in args {
            guard let label = a.label, let table = tables[label.name] else { continue }
            var literals: [Expr] = [a.value]
            if case .list(let items) = a.value.kind { literals = items }
            for e in literals {
                guard case .string(let given) = e.kind else { continue }
                var key = given.lowercased()
                if label.name == "legend" { key = key.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ") }
                if label.name == "colors" && given.hasPrefix("#") { continue }
                guard !table.names.map({ $0.lowercased() }).contains(key) else { continue }
                error(.argument, "`\(label.name):` has no \(table.what) \"\(given)\"", at: e.span,
                      hint: DidYouMean.hint(for: key, in: table.names) ?? "\(table.what)s: \(table.names.joined(separator: ", "))")
            }
        }
    }
}
