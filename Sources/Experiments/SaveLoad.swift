import Language
import Autodiff
import Foundation
import Lab
import Tensors

/// `save M to "w.safetensors"` / `save x to "x.npy"` and `load M from "..."`.
///
/// A model saves its params (and its fixed tensors, so a reloaded model is complete) under
/// their names; loading checks names and shapes. Relative save paths go into the run
/// directory; load paths are tried as given, then beside the script, then in the run directory.
enum SaveLoad {
    static func save(_ context: ExperimentContext, runtime: ExperimentRuntime) throws {
        guard case .save(let valueExpr, let pathExpr) = context.statement.kind else { return }
        let value = try context.evaluate(valueExpr)
        let path = try pathString(context, pathExpr)
        let url = try runtime.outputURL(path, span: pathExpr.span)
        let data: Data
        switch (value, url.pathExtension.lowercased()) {
        case (.tensor(let t), "npy"):
            data = NPY.encode(t.value)
        case (_, "npy"):
            throw ScriptError(.type, ".npy holds one tensor; `\(valueExpr.sourceText)` is a \(value.typeName)",
                              hint: "save models to .safetensors", span: valueExpr.span)
        case (_, "safetensors"):
            data = try Safetensors.encode(try tensors(value, valueExpr, context.interpreter), metadata: ["format": "pt", "written_by": "exp \(ExpVersion.string)"])
        default:
            throw ScriptError(.value, "save writes .safetensors or .npy files, not `\(url.lastPathComponent)`", span: pathExpr.span)
        }
        try runtime.writeFile(data, to: url, span: pathExpr.span)
    }

    static func tensors(_ value: Value, _ expr: Expr, _ interpreter: Interpreter) throws -> [(String, Tensor)] {
        switch value {
        case .tensor(let t): return [("tensor", t.value)]
        case .record(let r):
            return r.names.enumerated().compactMap { i, n in
                if case .tensor(let t) = r.values[i] { return (n, t.value) }
                return nil
            }
        case .object(let o as BlockObject):
            // Keys are the leaves' paths (`layers.0.Wq`): PyTorch's state_dict naming.
            return try o.savedTensors()
        default:
            throw ScriptError(.type, "cannot save a \(value.typeName); save a model, a record of tensors or a tensor", span: expr.span)
        }
    }

    static func load(_ context: ExperimentContext, runtime: ExperimentRuntime) throws {
        guard case .load(let targetExpr, let pathExpr) = context.statement.kind else { return }
        let path = try pathString(context, pathExpr)
        let url = try locate(path, runtime: runtime, span: pathExpr.span)
        let data = try runtime.readFile(url, span: pathExpr.span)
        let loaded: [(String, Tensor)]
        do {
            loaded = url.pathExtension.lowercased() == "npy" ? [("tensor", try NPY.decode(data))] : try Safetensors.decode(data)
        } catch let e as RunError {
            throw ScriptError(.io, "\(url.lastPathComponent): \(e.description)", span: pathExpr.span)
        }
        let target = try context.evaluate(targetExpr)
        if case .object(let o as BlockObject) = target {
            let current = Dictionary(try o.savedTensors(), uniquingKeysWith: { a, _ in a })
            // Every name and shape is checked before any tensor is replaced, so a bad file
            // leaves the model as it was.
            for (name, t) in loaded {
                guard let c = current[name] else {
                    throw ScriptError(.name, "\(url.lastPathComponent) has `\(name)`, which \(o.typeName) \(o.name) does not have",
                                      hint: DidYouMean.hint(for: name, in: Array(current.keys).sorted()), span: targetExpr.span)
                }
                if c.shape != t.shape {
                    throw ScriptError(.shape, "`\(name)` in \(url.lastPathComponent) has shape \(TensorError.show(t.shape)), the model's has \(TensorError.show(c.shape))", span: targetExpr.span)
                }
            }
            try o.replaceTensors(Dictionary(loaded.map { ($0.0, Variable($0.1)) }, uniquingKeysWith: { _, b in b }))
            return
        }
        guard case .name(let n) = targetExpr.kind else {
            throw ScriptError(.type, "load into a model or a name", span: targetExpr.span)
        }
        if loaded.count == 1 {
            context.interpreter.setGlobal(n, .tensor(Variable(loaded[0].1)))
        } else {
            context.interpreter.setGlobal(n, .record(Record(loaded.map { ($0.0, .tensor(Variable($0.1))) })))
        }
    }

    static func pathString(_ context: ExperimentContext, _ e: Expr) throws -> String {
        guard case .string(let s) = try context.evaluate(e), !s.isEmpty else {
            throw ScriptError(.type, "the file name must be a non-empty string", span: e.span)
        }
        return s
    }

    static func locate(_ path: String, runtime: ExperimentRuntime, span: SourceSpan) throws -> URL {
        let fm = FileManager.default
        var candidates = [URL(fileURLWithPath: path)]
        if !path.hasPrefix("/") {
            if let script = runtime.config.scriptPath {
                candidates.append(URL(fileURLWithPath: script).deletingLastPathComponent().appendingPathComponent(path))
            }
            if let dir = runtime.runDirectory { candidates.append(dir.file(path)) }
        }
        guard let found = candidates.first(where: { fm.fileExists(atPath: $0.path) }) else {
            throw ScriptError(.io, "cannot find \(path)", hint: "looked in: " + candidates.map(\.path).joined(separator: ", "), span: span)
        }
        return try runtime.inputURL(found.path, span: span)
    }
}
