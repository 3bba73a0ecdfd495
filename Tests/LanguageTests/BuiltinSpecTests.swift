import Foundation
import Testing
@testable import Experiments
@testable import Language

/// A builtin's spec (`["lr", "momentum=0"]`) is the one place its parameter names and defaults
/// are written: every default is a literal exp reads, bodies fall back to it, and every name a
/// body reads is one its spec declares.
@Suite struct BuiltinSpecTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources").standardizedFileURL
    /// Every builtin a script run by `exp` sees: the core ones and the experiments layer's.
    static let builtins = BuiltinTable(registering: ExperimentBuiltins.table)

    @Test func everyDefaultIsALiteral() {
        for b in Self.builtins.all {
            for (p, d) in zip(b.parameters, b.defaults) {
                if case .unparsed(let text) = d {
                    Issue.record("\(b.name): the default `\(text)` of `\(p.name)` is not a literal")
                }
                if p.kind == .optional, p.defaultText == nil { Issue.record("\(b.name): `\(p.name)` has no default text") }
            }
        }
    }

    @Test func defaultsAreReadAsExpReadsThem() throws {
        let b = Builtin("probe", ["x", "k=3", "s=\"hi there\"", "l=[1, -2.5]", "on=true", "n=-2", "e=1e-8", "z=none"], "a probe", .core) { _, _ in .none }
        let values = b.defaults.map { d -> Value? in if case .value(let v) = d { return v }; return nil }
        #expect(values.count == 8)
        guard case .none = b.defaults[0], case .none = b.defaults[7] else { Issue.record("x and z should have no default"); return }
        guard case .int(3)? = values[1], case .string("hi there")? = values[2], case .bool(true)? = values[4], case .int(-2)? = values[5],
              case .float(let e)? = values[6], e == 1e-8,
              case .list(let l)? = values[3], l.count == 2, case .int(1) = l[0], case .float(-2.5) = l[1] else {
            Issue.record("defaults read as \(values.map { $0.map(Format.repr) ?? "nil" })")
            return
        }
        let bad = Builtin("bad", ["x=1 +"], "an unreadable default", .core) { _, _ in .none }
        guard case .unparsed("1 +") = bad.defaults[0] else { Issue.record("`1 +` was read as a literal"); return }
    }

    /// A body reads the spec's default when the argument is omitted or `none`, the value when
    /// one is passed, and `given` tells the two apart.
    @Test func accessorsFallBackToTheSpecDefault() throws {
        let spec = ["x", "k=3", "s=\"hi\"", "l=[1, 2.5]", "e=1e-8", "m=none"]
        final class Seen: @unchecked Sendable { var lines: [String] = [] }
        let seen = Seen()
        let b = Builtin("probe", spec, "a probe", .core) { a, _ in
            seen.lines.append("\(try a.int("k")) \(try a.string("s")) \(try a.list("l").count) \(try a.double("e")) "
                              + "\(try a.optionalInt("m").map(String.init) ?? "nil") \(a.given("k"))")
            return .none
        }
        let interpreter = Interpreter(output: { _ in })
        let context = CallContext(interpreter)
        _ = try b.call(Arguments([.int(0)]), context)
        _ = try b.call(Arguments([.int(0), .none]), context)
        _ = try b.call(Arguments([.int(0)], keywords: [("k", .int(7)), ("m", .int(1)), ("e", .float(0.5))]), context)
        #expect(seen.lines == ["3 hi 2 1e-08 nil false", "3 hi 2 1e-08 nil false", "7 hi 2 0.5 1 true"])
        // A required parameter still reports itself missing, in the words a script sees.
        #expect(throws: ScriptError.self) { try b.call(Arguments([]), context) }
    }

    /// Every name a builtin's body reads (`a.double("momentum")`, `a["betas"]`, a helper called
    /// as `helper(a, "axis")`) is a parameter of its spec. Reading any other name stops the run
    /// with a precondition failure; this finds such a name without having to reach the line.
    @Test func bodiesReadOnlyDeclaredNames() throws {
        let files = ["Language/Builtins", "Experiments"].flatMap { dir -> [URL] in
            let url = Self.sources.appendingPathComponent(dir)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { $0.hasSuffix(".swift") }.map { url.appendingPathComponent($0) }
        }
        #expect(files.count > 10, "no sources under \(Self.sources.path)")
        var entries = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let helpers = Self.helperReads(text)
            for entry in Self.tableEntries(text) {
                entries += 1
                var read = Self.literalReads(entry.body)
                for (helper, names) in helpers where entry.body.contains("\(helper)(") { read.formUnion(names) }
                // `binary(a, "x", "p", ...)` names its operands at the call.
                for m in Self.matches(#"binary\(a, "(\w+)", "(\w+)""#, entry.body) { read.formUnion(m) }
                for name in read.subtracting(entry.parameters) {
                    Issue.record("\(file.lastPathComponent): \(entry.name) reads `\(name)`, not among its parameters \(entry.parameters.sorted())")
                }
            }
        }
        #expect(entries >= 130, "found only \(entries) builtin table entries")
    }

    /// `Builtin("name", [spec]...)` entries with the text up to the next entry or declaration.
    static func tableEntries(_ text: String) -> [(name: String, parameters: Set<String>, body: String)] {
        let s = Array(text.unicodeScalars)
        var out: [(String, Set<String>, String)] = []
        let starts = matchRanges(#"Builtin\(("[^"]*"|\w+), \["#, text)
        for (k, r) in starts.enumerated() {
            // The spec runs to the matching `]`, skipping brackets inside its strings.
            var j = r.upperBound, depth = 1, quoted = false
            while depth > 0, j < s.count {
                let c = s[j]
                if quoted { if c == "\\" { j += 1 } else if c == "\"" { quoted = false } }
                else if c == "\"" { quoted = true } else if c == "[" { depth += 1 } else if c == "]" { depth -= 1 }
                j += 1
            }
            let spec = String(String.UnicodeScalarView(s[r.upperBound - 1..<j]))
            let end = k + 1 < starts.count ? starts[k + 1].lowerBound : s.count
            var body = String(String.UnicodeScalarView(s[j..<end]))
            if let stop = body.range(of: #"\n    (static|private|public|func |var )"#, options: .regularExpression) {
                body = String(body[..<stop.lowerBound])
            }
            let name = String(String.UnicodeScalarView(s[r.lowerBound..<r.upperBound]))
            let params = Set(matches(#""\*?(\w+)"#, spec).map { $0[0] })
            out.append((name, params, body))
        }
        return out
    }

    /// Names read by literal: `a.int("k")`, `a["k"]`, `a.given("k")`, `helper(a, "k")`.
    static func literalReads(_ body: String) -> Set<String> {
        Set(matches(#"\ba\.\w+\("(\w+)""#, body).map { $0[0] } + matches(#"\ba\["(\w+)"\]"#, body).map { $0[0] }
            + matches(#"\w+\(a, (?:\w+, )?"(\w+)""#, body).map { $0[0] })
    }

    /// Helpers taking `_ a: BoundArguments` and the names they read by literal, with those
    /// of the helpers they call (`wrap` calls `extras`).
    static func helperReads(_ text: String) -> [String: Set<String>] {
        var reads: [String: Set<String>] = [:]
        var bodies: [String: String] = [:]
        let scalars = Array(text.unicodeScalars)
        for r in matchRanges(#"func (\w+)[^{]*_ a: BoundArguments"#, text) {
            let head = String(String.UnicodeScalarView(scalars[r]))
            guard let name = matches(#"func (\w+)"#, head).first?.first else { continue }
            var body = String(String.UnicodeScalarView(scalars[r.upperBound...]))
            if let close = body.range(of: "\n    }\n") { body = String(body[..<close.lowerBound]) }
            bodies[name] = body
            reads[name] = literalReads(body)
        }
        for _ in 0..<2 {
            for (h, body) in bodies {
                for (g, names) in reads where g != h && body.contains("\(g)(") { reads[h, default: []].formUnion(names) }
            }
        }
        return reads
    }

    static func matches(_ pattern: String, _ text: String) -> [[String]] {
        let re = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            (1..<m.numberOfRanges).map { ns.substring(with: m.range(at: $0)) }
        }
    }

    /// Unicode-scalar ranges of the matches (NSString offsets are UTF-16; sources are ASCII
    /// where these patterns match, but the bodies hold `·` and `√`, so convert).
    static func matchRanges(_ pattern: String, _ text: String) -> [Range<Int>] {
        let re = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            guard let r = Range(m.range, in: text) else { return nil }
            let lo = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: r.lowerBound)
            let hi = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: r.upperBound)
            return lo..<hi
        }
    }
}
