import Foundation
import Language

// MARK: - Tab completion

/// The result of completing at the cursor.
public struct Completion: Equatable {
    /// One possible completion: the full word and what follows it once chosen (`(` after a
    /// function, `: ` after a keyword argument, `/` after a directory).
    public struct Candidate: Equatable, Comparable {
        public var text: String
        public var suffix: String

        public init(_ text: String, suffix: String = "") {
            self.text = text
            self.suffix = suffix
        }

        public static func < (a: Candidate, b: Candidate) -> Bool { a.text < b.text }
    }

    /// The partial word before the cursor that the candidates extend.
    public var word: String
    /// Matching candidates, sorted.
    public var candidates: [Candidate]

    public init(word: String, candidates: [Candidate]) {
        self.word = word
        self.candidates = candidates
    }

    /// What to insert at the cursor: the rest of the only candidate with its suffix, or the
    /// longest extension all candidates share (empty when the choice is the user's).
    public var insertion: String {
        guard let first = candidates.first else { return "" }
        if candidates.count == 1 { return String(first.text.dropFirst(word.count)) + first.suffix }
        var common = first.text
        for c in candidates.dropFirst() {
            common = String(zip(common, c.text).prefix { $0.0 == $0.1 }.map(\.0))
        }
        return common.count > word.count ? String(common.dropFirst(word.count)) : ""
    }
}

/// Finds completions for the text before the cursor: `:commands`, paths inside strings and
/// after `:load`/`:save`, members after `.`, keyword arguments inside a call, and names
/// (keywords, builtins, the session's definitions, names typed earlier in the input).
public struct Completer {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// Completes at the end of `before` (the open input's earlier lines, newline-joined, then
    /// the current line up to the cursor).
    public func complete(_ before: String) -> Completion {
        if !before.contains("\n"), before.hasPrefix(":") { return completeCommand(before) }
        if let partial = Self.openString(before) {
            return PathCompletion.complete(partial, closing: "\"")
        }
        return completeCode(before)
    }

    // MARK: Commands

    func completeCommand(_ line: String) -> Completion {
        let body = line.dropFirst()
        guard let space = body.firstIndex(where: \.isWhitespace) else {
            let word = String(body)
            return Completion(word: word, candidates: Session.commands.map(\.name).filter { $0.hasPrefix(word) }.sorted()
                .map { Completion.Candidate($0, suffix: " ") })
        }
        let name = String(body[..<space])
        let argument = String(body[space...].drop(while: \.isWhitespace))
        switch name {
        case "load", "l", "save", "s":
            return PathCompletion.complete(argument, closing: "")
        case "help", "h", "?":
            let names = Set(session.interpreter.builtins.names + Keyword.allCases.map(\.rawValue) + Session.commands.map(\.name) + session.definedNames)
            return Completion(word: argument, candidates: names.filter { $0.hasPrefix(argument) }.sorted().map { Completion.Candidate($0) })
        case "type", "t":
            return completeCode(argument)
        default:
            return Completion(word: "", candidates: [])
        }
    }

    // MARK: Code

    func completeCode(_ before: String) -> Completion {
        let word = String(before.reversed().prefix { Self.isIdentifierCharacter($0) }.reversed())
        let head = before.dropLast(word.count)
        // `x.` but not a range `0..`.
        if head.hasSuffix("."), !head.hasSuffix("..") {
            return Completion(word: word, candidates: members(of: String(head.dropLast()))
                .filter { $0.text.hasPrefix(word) }.sorted())
        }
        let tokens = Lexer.tokenize(SourceFile(name: "<repl>", text: String(head))).tokens
        let arguments = keywordArguments(tokens)
        if word.isEmpty && arguments.isEmpty { return Completion(word: "", candidates: []) }
        if let first = word.first, first.isNumber { return Completion(word: word, candidates: []) }

        var seen = Set<String>()
        var out: [Completion.Candidate] = []
        func add(_ name: String, _ suffix: String) {
            guard name.hasPrefix(word), name != word || !suffix.isEmpty, seen.insert(name + suffix).inserted else { return }
            out.append(Completion.Candidate(name, suffix: suffix))
        }
        for a in arguments { add(a, ": ") }
        if !word.isEmpty {
            for name in session.definedNames {
                add(name, Self.isFunction(session.interpreter.global(name)) ? "(" : "")
            }
            for name in session.interpreter.builtins.names where !session.definedNames.contains(name) { add(name, "(") }
            for k in Keyword.allCases { add(k.rawValue, " ") }
            // Names typed earlier in this input: locals, parameters, block members.
            for t in tokens {
                if case .identifier(let n) = t.kind, !session.definedNames.contains(n), session.interpreter.builtins.byName[n] == nil { add(n, "") }
            }
        }
        // Keyword arguments first (they are what the position asks for), then the rest sorted.
        let labels = out.filter { $0.suffix == ": " }
        let names = out.filter { $0.suffix != ": " }.sorted()
        return Completion(word: word, candidates: labels.sorted() + names)
    }

    static func isFunction(_ v: Value?) -> Bool {
        if case .function = v { return true }
        return false
    }

    static func isIdentifierCharacter(_ c: Character) -> Bool {
        c == "_" || c.isLetter || c.isNumber
    }

    // MARK: Members

    /// Members of the value of a dotted chain ending the text (`cfg`, `m.W`, `m.layers[0]`):
    /// record fields, model/task/series members, tensor properties and method-call builtins.
    /// Indexing is followed only with integer literals, so completion never evaluates code.
    func members(of text: String) -> [Completion.Candidate] {
        enum Step { case name(String), index(Int) }
        var steps: [Step] = []
        var rest = Substring(text)
        while true {
            while rest.hasSuffix("]") {
                guard let open = rest.lastIndex(of: "["),
                      let i = Int(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)].trimmingCharacters(in: .whitespaces)) else { return [] }
                steps.insert(.index(i), at: 0)
                rest = rest[..<open]
            }
            let name = String(rest.reversed().prefix { Self.isIdentifierCharacter($0) }.reversed())
            guard !name.isEmpty, !(name.first?.isNumber ?? true) else { return [] }
            steps.insert(.name(name), at: 0)
            rest = rest.dropLast(name.count)
            guard rest.hasSuffix("."), !rest.hasSuffix("..") else { break }
            rest = rest.dropLast()
        }
        guard case .name(let root) = steps[0], session.definedNames.contains(root),
              var value = session.interpreter.global(root) else { return [] }
        for step in steps.dropFirst() {
            switch step {
            case .name(let name):
                guard let next = Self.member(value, name, session.interpreter) else { return [] }
                value = next
            case .index(let i):
                guard case .list(let xs) = value, i >= -xs.count, i < xs.count else { return [] }
                value = xs[i < 0 ? i + xs.count : i]
            }
        }
        return Self.memberNames(value, session.interpreter.builtins)
    }

    /// Reading a member for completion: only data members, never calling anything.
    static func member(_ value: Value, _ name: String, _ interpreter: Interpreter) -> Value? {
        switch value {
        case .record(let r): return r[name]
        // Completion only offers what it can see; a member that fails to read offers nothing.
        case .object(let o): return try? o.member(name, CallContext(interpreter))
        default: return nil
        }
    }

    static func memberNames(_ value: Value, _ builtins: BuiltinTable) -> [Completion.Candidate] {
        switch value {
        case .record(let r):
            return r.names.map { Completion.Candidate($0) }
        case .object(let o):
            return o.memberNames.map { Completion.Candidate($0) }
        case .tensor:
            return ["T", "shape", "dtype", "ndim", "size"].map { Completion.Candidate($0) }
                + builtins.names.map { Completion.Candidate($0, suffix: "(") }
        case .list:
            return [Completion.Candidate("length")]
        case .range:
            return ["start", "end", "step"].map { Completion.Candidate($0) }
        default:
            return []
        }
    }

    // MARK: Calls

    /// Keyword-parameter names of the innermost open call (`sgd(` → `lr`), minus those given.
    func keywordArguments(_ tokens: [Token]) -> [String] {
        var stack: [Int] = []  // token indices of open brackets
        for (i, t) in tokens.enumerated() {
            switch t.kind {
            case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace): stack.append(i)
            case .symbol(.rightParen), .symbol(.rightBracket), .symbol(.rightBrace): _ = stack.popLast()
            default: break
            }
        }
        guard let open = stack.last, tokens[open].kind == .symbol(.leftParen), open > 0,
              case .identifier(let callee) = tokens[open - 1].kind else { return [] }
        let isMethod = open > 1 && tokens[open - 2].kind == .symbol(.dot)
        var params: [ParamSpec] = []
        if !isMethod, session.definedNames.contains(callee), case .function(let f)? = session.interpreter.global(callee) {
            params = f.parameters
        } else if let b = session.interpreter.builtins.byName[callee] {
            params = isMethod ? Array(b.parameters.dropFirst()) : b.parameters
        } else if isMethod, open > 2, case .identifier(let owner) = tokens[open - 3].kind,
                  let object = session.interpreter.global(owner), session.definedNames.contains(owner),
                  let m = Self.member(object, callee, session.interpreter), case .function(let f) = m {
            params = f.parameters
        }
        // Labels already given in this call.
        var given = Set<String>()
        var depth = 0
        for i in (open + 1)..<tokens.count {
            switch tokens[i].kind {
            case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace): depth += 1
            case .symbol(.rightParen), .symbol(.rightBracket), .symbol(.rightBrace): depth -= 1
            case .identifier(let n) where depth == 0 && i + 1 < tokens.count && tokens[i + 1].kind == .symbol(.colon):
                given.insert(n)
            default: break
            }
        }
        return params.filter { $0.kind != .variadic && !given.contains($0.name) }.map(\.name)
    }

    // MARK: Strings

    /// When the text ends inside a string literal, the literal's text so far.
    static func openString(_ text: String) -> String? {
        var inString = false
        var inComment = false
        var escaped = false
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if inComment {
                if c == "\n" { inComment = false }
            } else if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" || c == "\n" { inString = false }
            } else if c == "#" {
                inComment = true
            } else if c == "\"" {
                inString = true
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        return inString ? String(text[start...]) : nil
    }
}

/// File-name completion for strings (`load m from "ru⇥`) and `:load`/`:save`.
public enum PathCompletion {
    /// Candidates for the last path component of `partial`; files get `closing` after them
    /// (the closing quote in a string), directories a `/`.
    public static func complete(_ partial: String, closing: String) -> Completion {
        let slash = partial.lastIndex(of: "/")
        let directoryPart = slash.map { String(partial[...$0]) } ?? ""
        let base = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let directory = directoryPart.isEmpty ? "." : expandTilde(directoryPart)
        // An unreadable folder has no completions; the user sees none offered.
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return Completion(word: base, candidates: [])
        }
        var out: [Completion.Candidate] = []
        for name in entries where name.hasPrefix(base) && (base.hasPrefix(".") || !name.hasPrefix(".")) {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            out.append(Completion.Candidate(name, suffix: isDirectory.boolValue ? "/" : closing))
        }
        return Completion(word: base, candidates: out.sorted())
    }

    /// `~/x` → `$HOME/x`.
    public static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
