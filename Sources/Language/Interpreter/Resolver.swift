import Foundation
import Tensors

/// Lowers parsed programs to `Code`/`Instr`, resolving every name to a frame slot or a builtin
/// before anything runs. Unknown names (with did-you-mean), assignments to undefined names,
/// misplaced `break`/`return`, wrong argument names/counts in calls to known functions, and
/// import problems are reported here, which is all `exp check` needs.
///
/// One resolver lives as long as its interpreter: the global scope persists across the prelude,
/// imports, the script and REPL lines.
package final class Resolver {
    /// Names visible in one `{ }` (or the global scope), to their slots.
    struct BlockScope {
        var names: [String: Int] = [:]
    }

    /// One frame's worth of scopes: a function body, a task/model block, a train/sweep body, or
    /// the global frame (`parent == nil`).
    final class FrameScope {
        let parent: FrameScope?
        var blocks: [BlockScope] = [BlockScope()]
        var size = 0
        var loopDepth = 0
        let isFunction: Bool

        init(parent: FrameScope?, isFunction: Bool) {
            self.parent = parent
            self.isFunction = isFunction
        }

        func allocate() -> Int { size += 1; return size - 1 }
    }

    let global = FrameScope(parent: nil, isFunction: false)
    /// Global names pre-declared for the file being resolved but not yet defined at top level:
    /// visible inside function bodies (called later), not in top-level code before their `let`.
    var pending: Set<String> = []
    /// Known parameter lists of global functions, for static argument checks.
    var signatures: [Int: (name: String, params: [ParamSpec])] = [:]
    /// Calls to global functions whose argument check waits for the end of the file.
    var pendingCallChecks: [PendingCallCheck] = []
    /// Global slots assigned (`f = ...`) or bound twice in one file: what they hold when a call
    /// runs is not known before running, so calls to them are checked then.
    var assignedGlobals: Set<Int> = []
    var current: FrameScope
    var diagnostics: [Diagnostic] = []
    /// Files imported so far (canonical path → unit) and the import chain being resolved.
    var imported: [String: ImportedUnit] = [:]
    var importStack: [String] = []
    /// Asked for names a train block sees implicitly (`output`, `target`, `loss`...).
    var trainScopeNames: [String]
    /// The `--set` names and values injected for top-level `let`s and `seed`.
    var overrides: [String: Value] = [:]
    var usedOverrides: Set<String> = []
    /// Frames of the sweep bodies being resolved, innermost last.
    var sweepFrames: [FrameScope] = []
    /// Top-level names of the main script, for the `--set` error message.
    var topLevelNames: [String] = []
    /// The statement each top-level instruction of the last `resolveFile` came from.
    var resolvedSpans: [SourceSpan] = []

    /// The builtins a name can resolve to when no script name shadows it.
    let builtins: BuiltinTable

    /// Literal names `plot` options accept (`ExperimentStatements.plotNameTables`).
    var plotNameTables: [String: (what: String, names: [String])] = [:]

    /// Reads an imported file (the experiments layer decides where a script may read).
    var readImport: (String, SourceSpan?) throws -> Data = { path, span in
        guard let data = FileManager.default.contents(atPath: path) else { throw ScriptError(.io, "cannot read \(path)", span: span) }
        return data
    }

    init(trainScopeNames: [String], builtins: BuiltinTable) {
        current = global
        self.trainScopeNames = trainScopeNames
        self.builtins = builtins
    }

    // MARK: - Diagnostics

    /// Past this many errors the rest are counted, not kept: nobody reads the 101st, and a file
    /// of 100,000 mistakes must still be checked in moments.
    static let errorLimit = 100
    /// Errors found past `errorLimit`.
    var droppedErrors = 0

    func error(_ kind: DiagnosticKind, _ message: String, at span: SourceSpan?, hint: String? = nil) {
        guard diagnostics.count < Self.errorLimit else { droppedErrors += 1; return }
        diagnostics.append(Diagnostic(kind, message, at: span, hint: hint))
    }

    // MARK: - Scopes

    var isTopLevel: Bool { current === global && current.blocks.count == 1 }

    func pushBlock() { current.blocks.append(BlockScope()) }
    func popBlock() { if current.blocks.count > 1 { current.blocks.removeLast() } }

    func pushFrame(isFunction: Bool) { current = FrameScope(parent: current, isFunction: isFunction) }

    /// Leaves the current frame and returns its size.
    func popFrame() -> Int {
        let size = current.size
        if let p = current.parent { current = p }
        return size
    }

    /// Declares `name` in the innermost block of the current frame (a fresh slot).
    func declare(_ name: String) -> CodePattern {
        if isTopLevel {
            let slot = globalSlot(name)
            // A new binding of the name: calls after it are not calls of the old function.
            // (`fn` and `model` declarations register their own signature after this.)
            signatures[slot] = nil
            pending.remove(name)
            return .global(slot, name: name)
        }
        let slot = current.allocate()
        current.blocks[current.blocks.count - 1].names[name] = slot
        if current === global { return .global(slot, name: name) }
        return .slot(SlotRef(depth: 0, slot: slot), name: name)
    }

    /// The global slot of `name`, created when new.
    func globalSlot(_ name: String) -> Int {
        if let s = global.blocks[0].names[name] { return s }
        let s = global.allocate()
        global.blocks[0].names[name] = s
        return s
    }

    enum Resolution {
        case local(SlotRef)
        case global(Int)
        case builtin(Builtin)
    }

    /// Finds `name` from the innermost scope outwards, then among builtins.
    func lookup(_ name: String) -> Resolution? {
        var frame: FrameScope? = current
        var depth = 0
        var insideFunction = false
        while let f = frame {
            for (i, b) in f.blocks.enumerated().reversed() {
                guard let slot = b.names[name] else { continue }
                if f === global {
                    // A pre-declared global is visible from function bodies (they run later),
                    // not from top-level code that runs before its definition.
                    if i == 0 && !insideFunction && pending.contains(name) { break }
                    return .global(slot)
                }
                return .local(SlotRef(depth: depth, slot: slot))
            }
            if f.isFunction { insideFunction = true }
            depth += 1
            frame = f.parent
        }
        if let b = builtins.byName[name] { return .builtin(b) }
        return nil
    }

    /// Every name visible here, for did-you-mean.
    func visibleNames() -> [String] {
        var out: [String] = []
        var frame: FrameScope? = current
        while let f = frame {
            for b in f.blocks { out.append(contentsOf: b.names.keys) }
            frame = f.parent
        }
        return out + builtins.names
    }

    func unknownName(_ name: String, at span: SourceSpan) {
        // The hint costs a pass over every visible name: skip it for errors that are dropped.
        guard diagnostics.count < Self.errorLimit else { droppedErrors += 1; return }
        let keywords = Keyword.allCases.map(\.rawValue)
        var hint = DidYouMean.hint(for: name, in: visibleNames() + keywords)
        if name == "seed" { hint = "`seed` is a name only inside `sweep seed in ...`; elsewhere `seed N` sets the generator" }
        if hint == nil, pending.contains(name) { hint = "`\(name)` is defined later in the file; move its definition above this use" }
        error(.name, "unknown name `\(name)`", at: span, hint: hint)
    }

    // MARK: - Files

    /// Lowers a whole file's statements at top level.
    func resolveFile(_ program: Program) -> [Instr] {
        let declared = Resolver.topLevelDeclarations(program.statements)
        for name in declared where global.blocks[0].names[name] == nil {
            _ = globalSlot(name)
            pending.insert(name)
        }
        var seen = Set<String>()
        for name in declared where !seen.insert(name).inserted {
            if let slot = global.blocks[0].names[name] { assignedGlobals.insert(slot) }
        }
        // Pre-register signatures of top-level functions so calls above the definition check too.
        for s in program.statements {
            if case .function(let decl) = s.kind, let n = decl.name, let slot = global.blocks[0].names[n.name] {
                signatures[slot] = (n.name, params(of: decl))
            }
        }
        let firstPendingCheck = pendingCallChecks.count
        var out: [Instr] = []
        resolvedSpans = []
        for s in program.statements {
            if let i = resolveStatement(s) {
                out.append(i)
                resolvedSpans.append(s.span)
            }
        }
        for name in declared { pending.remove(name) }
        // An imported file's calls wait for the importing file: it may re-assign its names.
        if importStack.isEmpty { runPendingCallChecks(from: firstPendingCheck) }
        return out
    }

    /// Names a file defines at top level (let, fn, task, model, optimizer, and train logs).
    package static func topLevelDeclarations(_ statements: [Stmt]) -> [String] {
        var names: [String] = []
        for s in statements {
            switch s.kind {
            case .letBinding(let p, _): names += p.names.map(\.name)
            case .function(let d): if let n = d.name { names.append(n.name) }
            case .taskValue(let n, _), .taskBlock(let n, _), .model(let n, _, _), .optimizer(let n, _): names.append(n.name)
            case .train(_, _, _, let items): names += logNames(items)
            default: break
            }
        }
        return names
    }

    static func logNames(_ items: [TrainItem]) -> [String] {
        var out: [String] = []
        for item in items {
            switch item {
            case .log(let n, _, _): out.append(n.name)
            case .every(_, let inner, _): out += logNames(inner)
            default: break
            }
        }
        return out
    }

    func params(of decl: FunctionDecl) -> [ParamSpec] { params(decl.parameters) }

    func params(_ parameters: [Parameter]) -> [ParamSpec] {
        parameters.map { ParamSpec($0.name.name, $0.defaultValue == nil ? .required : .optional,
                                        defaultText: $0.defaultValue?.sourceText) }
    }

    /// Reads, parses and resolves an imported file once; cycles and missing files are errors.
    func resolveImport(_ path: String, from file: SourceFile, span: SourceSpan) -> ImportedUnit? {
        let base = URL(fileURLWithPath: file.name).deletingLastPathComponent()
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        let canonical = url.standardizedFileURL.path
        if importStack.contains(canonical) {
            error(.io, "import cycle: \"\(path)\" is already being imported", at: span,
                  hint: "chain: " + (importStack + [canonical]).map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " → "))
            return nil
        }
        if let unit = imported[canonical] { return unit }
        let data: Data
        do { data = try readImport(canonical, span) } catch {
            // The reader throws located ScriptErrors with plain reasons (FileIO, FileAccess).
            let e = error as? ScriptError
            self.error(.io, e?.message ?? "cannot read imported file \"\(path)\"", at: span,
                       hint: e?.hint ?? "paths are relative to the importing file")
            return nil
        }
        let unit = ImportedUnit(path: canonical)
        imported[canonical] = unit
        let source = SourceFile(name: canonical, bytes: Array(data))
        let parsed = Parser.parse(source)
        if parsed.hasErrors {
            // Only the first: a file that is not an exp script (say /etc/passwd) would otherwise
            // have every line echoed.
            if let first = parsed.diagnostics.first(where: { $0.severity == .error }) {
                error(.io, "\"\(path)\" does not parse as an exp script: \(first.message)", at: span,
                      hint: "first error at \(URL(fileURLWithPath: canonical).lastPathComponent):\(first.span?.line ?? 1):\(first.span?.column ?? 1)")
            }
            return nil
        }
        importStack.append(canonical)
        let saved = current
        current = global
        // Imports run at top level: their definitions are globals.
        let savedBlocks = global.blocks
        global.blocks = [global.blocks[0]]
        unit.body = resolveFile(parsed.program)
        savedBlocks.indices.dropFirst().forEach { i in global.blocks.append(savedBlocks[i]) }
        current = saved
        importStack.removeLast()
        return unit
    }
}
