import Foundation
import Language

// MARK: - :help

/// The text of `:help` and `:help name`.
public enum Help {
    /// Docs of every keyword: what it does and an example.
    public static let keywords: [String: (doc: String, example: String)] = [
        "let": ("binds a name (re-bind with `=`; destructures tuples and lists)", "let (x, y) = sample(8)"),
        "fn": ("defines a function: one line with `=`, or a block whose last expression is its value", "fn f(x, scale: 2.0) = x * scale"),
        "return": ("leaves the function with a value", "fn sign(x) { if x < 0 { return -1 }\n  return 1 }"),
        "if": ("chooses a branch; also an expression", "let y = if x > 0 { x } else { 0 }"),
        "else": ("the branch of `if` taken when no condition held", "if a { 1 } else if b { 2 } else { 3 }"),
        "for": ("loops over a range, list or tensor rows", "for i in 0..10 { print(i) }"),
        "in": ("separates the loop variable from what it loops over", "for (k, v) in pairs { ... }"),
        "while": ("loops while a condition holds", "while loss > 0.1 { ... }"),
        "break": ("leaves the innermost loop", "for i in 0..100 { if i == 3 { break } }"),
        "continue": ("skips to the next iteration", "for i in 0..10 { if i % 2 == 0 { continue }\n  print(i) }"),
        "and": ("logical and (short-circuit)", "a > 0 and b > 0"),
        "or": ("logical or (short-circuit)", "a == 0 or b == 0"),
        "not": ("logical negation", "not done"),
        "true": ("the boolean true", "let verbose = true"),
        "false": ("the boolean false", "let verbose = false"),
        "none": ("no value; as an index it adds a new axis", "x[:, none]"),
        "seed": ("restarts the random generator from a seed (also `--set seed=3`)", "seed 1234"),
        "precision": ("the default float dtype for new tensors: f32 (default) or f64", "precision f64"),
        "expect": ("checks a condition; a failure is reported with the values involved", "expect loss.last < 0.01, \"converged\""),
        "import": ("runs a file once, relative to the importing file", "import \"blocks.exp\""),
        "task": ("a task: a value, or a block with bindings and a sample(batch) method", "task pairs = reversal(pairs: 60)"),
        "model": ("a model block: fixed tensors, `param`s that train, forward(x) and other methods", "model m {\n  param W = zeros([d, d])\n  forward(x) = x @ W\n}"),
        "param": ("inside a model: a trained parameter", "param Theta = zeros([d, d])"),
        "optimizer": ("names an optimizer", "optimizer gd = sgd(lr: 1.0)"),
        "train": ("trains a model on a task; settings, logs and `every` blocks inside", "train m on pairs with gd {\n  steps 2000\n  loss cross_entropy(output, target)\n  every 20 { log train_loss = loss }\n}"),
        "on": ("names the task in `train MODEL on TASK`", "train m on pairs { ... }"),
        "with": ("names the optimizer in `train ... with OPT`", "train m on pairs with gd { ... }"),
        "every": ("inside train: run the items every N steps", "every 20 { log train_loss = loss }"),
        "log": ("inside train: records a metric series (bound to the name afterwards)", "log acc = mean(argmax(output, axis: -1) == target)"),
        "plot": ("plots series (a chart in the REPL; `to:` also writes a file)", "plot train_loss, y: \"log\", title: \"loss\""),
        "heatmap": ("draws a matrix as a heatmap", "heatmap m.W, title: \"W\""),
        "scatter": ("a scatter plot of two vectors", "scatter xs, ys"),
        "sweep": ("runs a block for every combination of values; logs are aggregated", "sweep lr in [0.1, 0.01], seed in 0..5 { ... }"),
        "save": ("writes a model or tensor to a file (.safetensors, .npy)", "save m to \"weights.safetensors\""),
        "load": ("reads a model or tensor from a file", "load m from \"weights.safetensors\""),
        "to": ("names the file in `save ... to`", "save m to \"m.safetensors\""),
        "from": ("names the file in `load ... from`", "load m from \"m.safetensors\""),
    ]

    /// `:help` (nil) or `:help name`.
    public static func text(for name: String?, session: Session) -> String {
        guard var name else { return overview(session) }
        if name.hasPrefix(":") { name.removeFirst() }
        if let b = session.interpreter.builtins.byName[name] {
            return "\(b.signature)\n  \(b.doc)  [\(b.family.rawValue)]\n"
        }
        if let k = keywords[name] {
            let example = k.example.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
            return "\(name) — keyword: \(k.doc)\n  example:\n\(example)\n"
        }
        if let c = Session.commands.first(where: { $0.name == name }) {
            return ":\(c.name)\(c.argument.isEmpty ? "" : " " + c.argument) — \(c.help)\n"
        }
        if let v = session.interpreter.global(name) {
            let own = session.definedNames.contains(name) && !session.preludeNames.contains(name)
            if case .function(let f) = v, let span = (f as? Closure)?.declarationSpan ?? (f as? ModelConstructor)?.declarationSpan {
                // A script or prelude function: its signature and the comment above it.
                let kind = f is ModelConstructor ? "model constructor" : "function"
                let signature = f.name + "(" + f.parameters.map { $0.name + ($0.defaultText.map { ": " + $0 } ?? "") }.joined(separator: ", ") + ")"
                let origin = own ? "defined in this session" : "defined in \((span.file.name as NSString).lastPathComponent):\(span.line)"
                let doc = DocComment.above(span).map { "\n" + $0.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") } ?? ""
                return "\(signature) — \(kind), \(origin)\(doc)\n"
            }
            if own { return "\(name): \(Session.describeType(v)) (defined in this session)\n" }
        }
        let candidates = session.interpreter.builtins.names + Array(keywords.keys) + Session.commands.map(\.name) + Array(session.definedNames)
        let suggestion = DidYouMean.closest(name, in: candidates).map { " — did you mean `\($0)`?" } ?? ""
        return "no help for `\(name)`\(suggestion)\n"
    }

    /// The list of commands and of builtins by family.
    static func overview(_ session: Session) -> String {
        var out = "Type exp code to run it; the value of an expression is printed (end with ; to hide it).\n"
        out += "Tab completes names, fields after '.', keyword arguments and paths in strings.\n\n"
        let lefts = Session.commands.map { ":\($0.name)" + ($0.argument.isEmpty ? "" : " " + $0.argument) }
        let width = lefts.map(\.count).max() ?? 0
        for (left, c) in zip(lefts, Session.commands) {
            out += "  " + left + String(repeating: " ", count: width + 2 - left.count) + c.help + "\n"
        }
        out += "\nBuiltins (`:help name` for one):\n"
        for family in BuiltinFamily.allCases {
            let names = session.interpreter.builtins.all.filter { $0.family == family }.map(\.name)
            guard !names.isEmpty else { continue }
            out += wrap(names, label: "  \(family.rawValue): ")
        }
        out += "\nKeywords:\n" + wrap(Keyword.allCases.map(\.rawValue), label: "  ")
        return out
    }

    /// Joins names into lines of at most 80 columns under a label.
    static func wrap(_ names: [String], label: String) -> String {
        let indent = String(repeating: " ", count: label.count)
        var out = ""
        var line = label
        for (i, n) in names.enumerated() {
            let piece = n + (i == names.count - 1 ? "" : ",")
            if line.count + piece.count + 1 > 80 && line != label && line != indent {
                out += line + "\n"
                line = indent
            }
            line += (line == label || line == indent ? "" : " ") + piece
        }
        return out + line + "\n"
    }
}
