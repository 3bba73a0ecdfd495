import Foundation
import Lab
import Language
import Tensors

// MARK: - :commands

extension Session {
    /// A meta-command: its name, argument shape and one-line help.
    public struct Command: Sendable {
        public let name: String
        public let argument: String
        public let help: String
    }

    /// Every meta-command, in `:help` order.
    public static let commands: [Command] = [
        Command(name: "help", argument: "[name]", help: "this overview, or the docs of a builtin, keyword or :command"),
        Command(name: "load", argument: "file.exp", help: "run a file in this session (its definitions stay)"),
        Command(name: "save", argument: "file.exp", help: "write the session's successful inputs as a script for `exp run`"),
        Command(name: "vars", argument: "", help: "the names defined in this session, with their types"),
        Command(name: "type", argument: "expr", help: "the type of an expression's value (shape and dtype for tensors)"),
        Command(name: "time", argument: "", help: "toggle printing how long each input takes"),
        Command(name: "reset", argument: "", help: "forget every definition and start over from seed 0"),
        Command(name: "resume", argument: "", help: "continue the training that Ctrl-C paused, as if it had never stopped"),
        Command(name: "stop", argument: "", help: "end the paused training here, as if it had finished (final log, series closed)"),
        Command(name: "quit", argument: "", help: "leave the REPL (also Ctrl-D)"),
    ]

    /// Runs `:name argument`.
    func command(_ line: String) -> Outcome {
        let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
        let name = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        switch name {
        case "help", "h", "?":
            output(Help.text(for: argument.isEmpty ? nil : argument, session: self))
            return .ok
        case "load", "l":
            guard !argument.isEmpty else { return usage("load") }
            return load(path: Self.unquoted(argument))
        case "save", "s":
            guard !argument.isEmpty else { return usage("save") }
            return save(to: Self.unquoted(argument))
        case "vars":
            output(variables())
            return .ok
        case "type", "t":
            guard !argument.isEmpty else { return usage("type") }
            return showType(argument)
        case "time":
            timing.toggle()
            output("timing \(timing ? "on" : "off")\n")
            return .ok
        case "resume", "stop":
            guard !pausedTrainings.isEmpty else {
                report([Diagnostic(.runtime, "no training is paused", at: nil,
                                   hint: "Ctrl-C during `train` pauses it at the end of the step; then :\(name) works")])
                return .failed
            }
            return name == "resume" ? .resume : .stop
        case "reset":
            guard pausedTrainings.isEmpty else {
                report([Diagnostic(.runtime, "cannot reset while `train \(pausedTrainings[0].model)` is paused", at: nil, hint: ":stop it first")])
                return .failed
            }
            reset()
            output("session reset\n")
            return .ok
        case "quit", "q", "exit":
            return .quit
        default:
            let hint = DidYouMean.closest(name, in: Self.commands.map(\.name)).map { "did you mean `:\($0)`?" }
                ?? "commands: " + Self.commands.map { ":" + $0.name }.joined(separator: " ")
            report([Diagnostic(.syntax, "unknown command `:\(name)`", at: nil, hint: hint)])
            return .failed
        }
    }

    private func usage(_ name: String) -> Outcome {
        let c = Self.commands.first { $0.name == name }
        report([Diagnostic(.syntax, "`:\(name)` needs an argument: :\(name) \(c?.argument ?? "")", at: nil)])
        return .failed
    }

    static func unquoted(_ s: String) -> String {
        if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") { return String(s.dropFirst().dropLast()) }
        return s
    }

    // MARK: :save

    func save(to path: String) -> Outcome {
        let expanded = PathCompletion.expandTilde(path)
        do {
            try transcript.script().write(toFile: expanded, atomically: true, encoding: .utf8)
        } catch {
            report([Diagnostic(.io, "cannot write \(path): \(FileIO.reason(error))", at: nil)])
            return .failed
        }
        let n = transcript.entries.count
        output("saved \(n) input\(n == 1 ? "" : "s") to \(path)\n")
        return .ok
    }

    // MARK: :vars

    func variables() -> String {
        let names = definedNames.subtracting(preludeNames).sorted()
        guard !names.isEmpty else { return "no names defined yet\n" }
        let width = min(24, names.map(\.count).max() ?? 0)
        var out = ""
        for name in names {
            let value = interpreter.global(name) ?? .none  // definedNames are globals; none is display only
            let pad = String(repeating: " ", count: max(0, width - name.count))
            out += "\(name)\(pad)  \(Self.describeType(value))"
            if let v = Self.shortValue(value) { out += " = " + v }
            out += "\n"
        }
        return out
    }

    /// A value's one-line preview for `:vars` (nil when the type line says it all).
    static func shortValue(_ v: Value) -> String? {
        raw(v).map { $0.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") }
    }

    private static func raw(_ v: Value) -> String? {
        switch v {
        case .int, .float, .bool, .string, .none, .range: return Format.short(v)
        case .list(let xs) where xs.count <= 8: return Format.short(v)
        case .record(let r) where r.names.count <= 6: return Format.short(v)
        case .tensor(let t) where t.value.count <= 8: return Format.short(v)
        default: return nil
        }
    }

    // MARK: :type

    func showType(_ text: String) -> Outcome {
        let file = SourceFile(name: "<repl>", text: text)
        let parsed = Parser.parseREPLInput(file)
        if parsed.result.hasErrors { report(parsed.result.diagnostics); return .failed }
        guard parsed.result.program.statements.count == 1, parsed.lastIsExpression else {
            report([Diagnostic(.syntax, "`:type` takes one expression", at: nil)])
            return .failed
        }
        do {
            let value = try interpreter.runREPL(parsed.result.program) ?? .none
            output(Self.describeType(value) + "\n")
            return .ok
        } catch {
            report(error)
            return .failed
        }
    }

    /// `tensor [4, 8] float32`, `function f(x, scale: 2.0)`, `model lin`, `list of 3`...
    static func describeType(_ v: Value) -> String {
        switch v {
        case .tensor(let t):
            return "tensor " + TensorError.show(t.shape) + " " + t.dtype.rawValue
        case .list(let xs):
            return "list of \(xs.count)"
        case .record(let r):
            return "record {" + r.names.joined(separator: ", ") + "}"
        case .function(let f):
            if let b = f as? Builtin { return "builtin " + b.signature }
            return "function " + f.name + "(" + f.parameters.map { p in
                switch p.kind {
                case .required: return p.name
                case .optional: return "\(p.name): \(p.defaultText ?? "none")"
                case .variadic: return "\(p.name)..."
                }
            }.joined(separator: ", ") + ")"
        case .object(let o):
            if let b = o as? BlockObject { return "\(b.typeName) \(b.name)" }
            return o.typeName
        default:
            return v.typeName
        }
    }
}
