import Foundation
import Testing
@testable import Language

@Suite("Parser")
struct ParserTests {
    // MARK: Precedence

    static let precedence: [(String, String)] = [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("a - b - c", "(- (- a b) c)"),
        ("-x**2", "(neg (** x 2))"),
        ("2 ** -1", "(** 2 (neg 1))"),
        ("a ** b ** c", "(** a (** b c))"),
        ("-a * b", "(* (neg a) b)"),
        ("a..b+1", "(.. a (+ b 1))"),
        ("0..n-1", "(.. 0 (- n 1))"),
        ("x @ W + b", "(+ (@ x W) b)"),
        ("a // b % c * d", "(* (% (// a b) c) d)"),
        ("a < b + 1", "(< a (+ b 1))"),
        ("not a == b", "(not (== a b))"),
        ("not not a", "(not (not a))"),
        ("a or b and c", "(or a (and b c))"),
        ("a and not b or c", "(or (and a (not b)) c)"),
        ("a >= b and c != d", "(and (>= a b) (!= c d))"),
        ("+x - -y", "(- (pos x) (neg y))"),
        ("f(x)(y)[0].T", "(. (index (call (call f x) y) 0) T)"),
        ("x.sum(axis: 1)", "(call (. x sum) axis: 1)"),
        ("E[x[:, 0]] @ Theta @ E.T", "(@ (@ (index E (index x (slice _ _ _) 0)) Theta) (. E T))"),
        ("-x.T ** 2", "(neg (** (. x T) 2))"),
        ("data.train", "(. data train)"),
        ("log(x) + log(2)", "(+ (call log x) (call log 2))"),
    ]

    @Test(arguments: precedence)
    func precedenceTable(source: String, expected: String) {
        #expect(sexprOf(source) == expected)
    }

    @Test func chainedComparisonIsAnError() {
        let d = firstDiagnostic("a < b < c")
        #expect(d?.message == "comparisons cannot be chained")
        #expect(firstErrorPlace("a < b < c") == "1:7")
    }

    @Test func chainedRangeIsAnError() {
        #expect(firstDiagnostic("0..1..2")?.message == "ranges cannot be chained")
    }

    // MARK: Atoms and postfix

    static let atoms: [(String, String)] = [
        ("x[:, 0]", "(index x (slice _ _ _) 0)"),
        ("x[..., -1]", "(index x ... (neg 1))"),
        ("x[1:3, ::2, none]", "(index x (slice 1 3 _) (slice _ _ 2) newaxis)"),
        ("x[:-1]", "(index x (slice _ (neg 1) _))"),
        ("x[a:b:c]", "(index x (slice a b c))"),
        ("x[::]", "(index x (slice _ _ _))"),
        ("x[2:]", "(index x (slice 2 _ _))"),
        ("x[none == y]", "(index x (== none y))"),
        ("(a, b)", "(tuple a b)"),
        ("(a,)", "(tuple a)"),
        ("()", "(tuple)"),
        ("(a)", "a"),
        ("[1, 2,]", "(list 1 2)"),
        ("[]", "(list)"),
        ("{a: 1, to: \"x\"}", "(record a: 1 to: \"x\")"),
        ("{}", "(record)"),
        ("fn(x, y: 2) = x + y", "(fn (x y: 2) (+ x y))"),
        ("fn(x) { x }", "(fn (x) {x})"),
        ("f(1, key: 2, to: 3)", "(call f 1 key: 2 to: 3)"),
        ("f()", "(call f)"),
        ("1.5e3", "1500.0"),
        ("true", "true"),
        ("none", "none"),
        ("\"s\"", "\"s\""),
        ("let v = if a { 1 } else { 2 }", "(let v (if a {1} else {2}))"),
        ("let v = { let t = 1; t * 2 }", "(let v {(let t 1); (* t 2)})"),
    ]

    @Test(arguments: atoms)
    func atomsAndPostfix(source: String, expected: String) {
        #expect(sexprOf(source) == expected)
    }

    @Test func spansOfExpressions() throws {
        let r = parseSource("let y = (a + b) * c.T")
        let stmt = try #require(r.program.statements.first)
        guard case .letBinding(let p, let e) = stmt.kind else {
            Issue.record("not a let")
            return
        }
        #expect(p.span.text == "y")
        #expect(e.sourceText == "(a + b) * c.T")
        guard case .binary(_, let lhs, let rhs, let op) = e.kind else {
            Issue.record("not binary")
            return
        }
        #expect(lhs.sourceText == "(a + b)")
        #expect(rhs.sourceText == "c.T")
        #expect(op.start.column == 17)
        #expect(stmt.span.text == "let y = (a + b) * c.T")
    }

    @Test func identifierSpansAreExact() throws {
        let r = parseSource("fn f(θ, scale: 2) = θ * scale")
        guard case .function(let f) = try #require(r.program.statements.first).kind else {
            Issue.record("not a function")
            return
        }
        #expect(f.name?.span.text == "f")
        #expect(f.parameters.map(\.name.span.text) == ["θ", "scale"])
        #expect(f.parameters.map { $0.name.span.start.column } == [6, 9])
    }

    // MARK: Statements

    static let statements: [(String, String)] = [
        ("let N = 60", "(let N 60)"),
        ("let (x, y) = sample(8)", "(let (x y) (call sample 8))"),
        ("let [a, (b, c)] = t", "(let (a (b c)) t)"),
        ("x = x + 1", "(= x (+ x 1))"),
        ("x += 1\nx -= 2\nx *= 3\nx /= 4", "(+= x 1)\n(-= x 2)\n(*= x 3)\n(/= x 4)"),
        ("W[0, :] = 0", "(= (index W 0 (slice _ _ _)) 0)"),
        ("m.W = 1", "(= (. m W) 1)"),
        ("fn relu2(x) = relu(x) ** 2", "(fn relu2 (x) (** (call relu x) 2))"),
        ("fn f(x, scale: 2.0) {\n  let z = x * scale\n  return z + 1\n}",
         "(fn f (x scale: 2.0) {(let z (* x scale)); (return (+ z 1))})"),
        ("if a > b { 1 } else if c { 2 } else { 3 }", "(if (> a b) {1} c {2} else {3})"),
        ("if a {\n  1\n}\nelse {\n  2\n}", "(if a {1} else {2})"),
        ("for i in 0..10 { print(i) }", "(for i (.. 0 10) {(call print i)})"),
        ("for (k, v) in pairs { }", "(for (k v) pairs {})"),
        ("while c { break; continue }", "(while c {(break); (continue)})"),
        ("fn f() { return }", "(fn f () {(return)})"),
        ("seed 1234", "(seed 1234)"),
        ("precision f64", "(precision f64)"),
        ("expect loss.last < 0.01, \"converged\"", "(expect (< (. loss last) 0.01) \"converged\")"),
        ("expect ok", "(expect ok)"),
        ("import \"blocks.exp\"", "(import \"blocks.exp\")"),
        ("print(x, \"text\", y)", "(call print x \"text\" y)"),
        ("task pairs = reversal(pairs: N, both_directions: 0.7)",
         "(task pairs (call reversal pairs: N both_directions: 0.7))"),
        ("task recall {\n  let V = 20\n  sample(batch) {\n    return {input: 1, target: 2}\n  }\n}",
         "(task recall {(let V 20); (fn sample (batch) {(return (record input: 1 target: 2))})})"),
        ("model m {\n  let E = randn([V, d])\n  param Theta = zeros([d, d])\n  forward(x) = x @ Theta\n  after_step() { Theta = Theta * mask }\n  print(1)\n}",
         "(model m {(let E (call randn (list V d))); (param Theta (call zeros (list d d))); (fn forward (x) (@ x Theta)); (fn after_step () {(= Theta (* Theta mask))}); (call print 1)})"),
        ("optimizer gd = sgd(lr: 1.0)", "(optimizer gd (call sgd lr: 1.0))"),
        ("train m on t with gd {\n  steps 2000\n  batch full\n  loss cross_entropy(output, target)\n  clip -1\n  every 20 {\n    log train_loss = loss\n    log acc\n  }\n  print(step)\n  x = 1\n}",
         "(train m t gd {(setting steps 2000); (setting batch full); (setting loss (call cross_entropy output target)); (setting clip (neg 1)); (every 20 {(log train_loss loss); (log acc)}); (call print step); (= x 1)})"),
        ("train m on t { steps 1 }", "(train m t _ {(setting steps 1)})"),
        ("train m on t {\n  log l = log(loss)\n  log(2)\n}", "(train m t _ {(log l (call log loss)); (call log 2)})"),
        ("let y = log(x)\nlog(y)", "(let y (call log x))\n(call log y)"),
        ("plot train_loss, reverse_loss, y: \"log\", to: \"r.svg\"",
         "(plot train_loss reverse_loss y: \"log\" to: \"r.svg\")"),
        ("heatmap m.Theta, title: \"Θ\"", "(heatmap (. m Theta) title: \"Θ\")"),
        ("scatter xs, ys", "(scatter xs ys)"),
        ("sweep lr in [0.1, 0.01], seed in 0..5 { run() }", "(sweep lr (list 0.1 0.01) seed (.. 0 5) {(call run)})"),
        ("save m to \"w.safetensors\"", "(save m \"w.safetensors\")"),
        ("load m from \"w.safetensors\"", "(load m \"w.safetensors\")"),
        ("fn(x) = x", "(fn (x) x)"),
    ]

    @Test(arguments: statements)
    func everyStatementKind(source: String, expected: String) {
        #expect(sexprOf(source) == expected)
    }

    // MARK: Newlines and separators

    static let newlineRules: [(String, String)] = [
        ("let x = 1 +\n  2", "(let x (+ 1 2))"),
        ("let x = a and\n b", "(let x (and a b))"),
        ("let x =\n  5", "(let x 5)"),
        ("f(1,\n  2\n)", "(call f 1 2)"),
        ("let l = [\n  1,\n  2,\n]", "(let l (list 1 2))"),
        ("let r = {\n  a: 1,\n  b: 2\n}", "(let r (record a: 1 b: 2))"),
        ("let x = 1\n-2", "(let x 1)\n(neg 2)"),
        ("x = 1; y = 2", "(= x 1)\n(= y 2)"),
        ("x = 1;;\n\n;y = 2;", "(= x 1)\n(= y 2)"),
        ("plot a,\n  b", "(plot a b)"),
        ("expect a,\n  \"m\"", "(expect a \"m\")"),
        ("f(fn(x) {\n  x\n}, 2)", "(call f (fn (x) {x}) 2)"),
        ("# only a comment\n\n", ""),
        ("", ""),
    ]

    @Test(arguments: newlineRules)
    func newlines(source: String, expected: String) {
        #expect(sexprOf(source) == expected)
    }

    @Test func blockMustStartOnTheSameLine() {
        #expect(firstDiagnostic("if x\n{ 1 }\n")?.message == "expected '{' after the if condition, found newline")
    }

    @Test func twoExpressionsOnOneLineIsAnError() {
        #expect(firstDiagnostic("x y")?.message == "expected a newline or ';' after the statement, found 'y'")
        #expect(firstErrorPlace("x y") == "1:3")
    }

    @Test func assigningToACallIsAnError() {
        let d = firstDiagnostic("f(x) = 1")
        #expect(d?.message == "cannot assign to this expression")
        #expect(d?.span?.text == "f(x)")
    }

    // MARK: REPL

    @Test func replInputEnding() {
        let a = Parser.parseREPLInput(SourceFile(name: "<repl>", text: "x + 1"))
        #expect(a.lastIsExpression && !a.endsWithSemicolon && a.shouldPrintValue)
        let b = Parser.parseREPLInput(SourceFile(name: "<repl>", text: "x + 1;"))
        #expect(b.lastIsExpression && b.endsWithSemicolon && !b.shouldPrintValue)
        let c = Parser.parseREPLInput(SourceFile(name: "<repl>", text: "let x = 1"))
        #expect(!c.lastIsExpression)
        let d = Parser.parseREPLInput(SourceFile(name: "<repl>", text: "x; y\n"))
        #expect(d.lastIsExpression && !d.endsWithSemicolon)
        let e = Parser.parseREPLInput(SourceFile(name: "<repl>", text: "if c { a; }"))
        #expect(!e.endsWithSemicolon)
        let f = Parser.parseREPLInput(SourceFile(name: "<repl>", text: "x;  # quiet\n"))
        #expect(f.endsWithSemicolon)
    }

    // MARK: Single expressions (command-line overrides)

    @Test func singleExpression() {
        #expect(Parser.parseExpression(SourceFile(name: "--set", text: "[0.1, 1e-3]")).expression?.sexpr == "(list 0.1 0.001)")
        let two = Parser.parseExpression(SourceFile(name: "--set", text: "1 2"))
        #expect(two.expression == nil)
        #expect(two.diagnostics.first?.message == "expected a single expression, found number '2'")
        #expect(Parser.parseExpression(SourceFile(name: "--set", text: "\"abc")).diagnostics.first?.message == "unterminated string")
        #expect(Parser.parseExpression(SourceFile(name: "--set", text: "")).diagnostics.first?.kind == .unexpectedEnd)
    }

    // MARK: Unexpected end

    static let incomplete = [
        "model m {", "f(1,", "let x =", "let x = 1 +", "if x > 0", "if x > 0 {\n  y = 1\n", "[1, 2",
        "fn f(x) {", "fn f(x", "train m on t {\n  every 10 {\n    log a\n", "x[1:", "{a: 1,", "(1 +\n",
        "if a { 1 } else", "task t {", "let (a, ", "x.",
    ]

    @Test(arguments: incomplete)
    func unexpectedEndIsItsOwnKind(source: String) {
        let r = parseSource(source)
        #expect(r.isIncomplete)
        #expect(r.diagnostics.first?.kind == .unexpectedEnd)
        #expect(r.diagnostics.first?.message.hasPrefix("unexpected end of input") == true)
    }

    @Test(arguments: ["let x = )", "\"abc", "f(1,) )", "model m { param }", "x +\n)"])
    func realErrorsAreNotIncomplete(source: String) {
        let r = parseSource(source)
        #expect(r.hasErrors)
        #expect(!r.isIncomplete)
    }

    // MARK: Grammar coverage

    /// One accepted sample program per rule of grammar/exp.ebnf.
    static let grammarSamples: [String: String] = [
        "program": "let a = 1\nlet b = 2",
        "terminator": "a; b",
        "block": "if c { a; b }",
        "statement": "x",
        "let_stmt": "let x = 1",
        "pattern": "let (a, [b, c]) = t",
        "assignment": "x = 1",
        "assign_target": "m.W[0] = 1",
        "assign_op": "x += 1",
        "fn_decl": "fn f(x) = x",
        "parameters": "fn f(a, b: 2,) = a",
        "parameter": "fn f(a: 1) = a",
        "function_body": "fn f() { 1 }",
        "expr_stmt": "f(1)",
        "if_stmt": "if a { b } else if c { d } else { e }",
        "for_stmt": "for (i, x) in xs { }",
        "while_stmt": "while x { }",
        "break_stmt": "while x { break }",
        "continue_stmt": "while x { continue }",
        "return_stmt": "fn f() { return 1 }",
        "seed_stmt": "seed 3",
        "precision_stmt": "precision f32",
        "expect_stmt": "expect a == b, \"msg\"",
        "import_stmt": "import \"lib.exp\"",
        "task_stmt": "task t = copying(n: 3)",
        "model_stmt": "model m { param W = zeros([2]) }",
        "decl_block": "task t {\n  let v = 3\n  sample(b) = b\n}",
        "decl_item": "model m {\n  let a = 1\n  param W = a\n  forward(x) = x\n}",
        "param_decl": "model m { param W = 1 }",
        "method_decl": "model m { forward(x) { x } }",
        "optimizer_stmt": "optimizer o = adam(lr: 0.001)",
        "train_stmt": "train m on t with o { steps 10 }",
        "train_block": "train m on t {\n  steps 10\n  print(1)\n}",
        "train_item": "train m on t {\n  every 5 { log l }\n  log k = 2\n  batch 8\n  x = 1\n}",
        "every_item": "train m on t { every 10 { log loss } }",
        "log_item": "train m on t { log acc = accuracy(output, target) }",
        "setting_item": "train m on t { loss mse(output, target) }",
        "plot_stmt": "plot a, b, to: \"x.svg\"",
        "sweep_stmt": "sweep lr in [1, 2] { }",
        "sweep_binding": "sweep seed in 0..3, d in [8, 16] { }",
        "save_stmt": "save m to \"w\"",
        "load_stmt": "load m from \"w\"",
        "expression": "1",
        "or_expr": "a or b",
        "and_expr": "a and b",
        "not_expr": "not a",
        "comparison": "a <= b",
        "comp_op": "a != b",
        "range_expr": "0..10",
        "additive": "a + b - c",
        "multiplicative": "a * b / c // d % e @ f",
        "unary": "-a",
        "power": "a ** -b",
        "postfix_expr": "f(x)[0].T",
        "call_suffix": "f(1, k: 2)",
        "argument": "f(k: 2)",
        "label": "f(to: 2)",
        "index_suffix": "x[0, 1]",
        "index_item": "x[..., none, 1, 2:3]",
        "slice": "x[1:2:3]",
        "member_suffix": "x.shape",
        "primary": "(1, 2.5, \"s\", true, false, none, name)",
        "paren_expr": "(a + b)",
        "tuple_expr": "(a,)",
        "list_expr": "[1, 2]",
        "comprehension": "let v = [x * 2 for x in 0..3]",
        "comp_for": "let v = [[i, j] for i in 0..3 for j in 0..i]",
        "comp_if": "let v = [x for x in 0..9 if x % 2 == 0]",
        "record_expr": "{a: 1}",
        "lambda_expr": "fn(x) = x",
        "if_expr": "let v = if a { 1 } else { 2 }",
        "block_expr": "let v = { 1 }",
    ]

    /// Rule names defined in grammar/exp.ebnf (comments stripped).
    static func grammarRuleNames() throws -> [String] {
        let path = packageRoot() + "/grammar/exp.ebnf"
        let text = try #require(readTextFile(path), "cannot read \(path)")
        var stripped = ""
        var i = text.startIndex
        while i < text.endIndex {
            if text[i...].hasPrefix("(*"), let close = text[i...].range(of: "*)") {
                i = close.upperBound
                continue
            }
            stripped.append(text[i])
            i = text.index(after: i)
        }
        var names: [String] = []
        for line in stripped.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard let eq = trimmed.firstIndex(of: "=") else { continue }
            let name = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, name.allSatisfy({ $0.isLowercase || $0 == "_" }) { names.append(name) }
        }
        return names
    }

    @Test func everyGrammarRuleHasAnAcceptedSample() throws {
        let rules = try Self.grammarRuleNames()
        #expect(rules.count > 50)
        for rule in rules {
            guard let sample = Self.grammarSamples[rule] else {
                Issue.record("grammar rule '\(rule)' has no sample program in ParserTests.grammarSamples")
                continue
            }
            let r = parseSource(sample)
            #expect(!r.hasErrors, "sample for '\(rule)' does not parse: \(r.diagnostics.map(\.description))")
        }
        // No samples for rules that no longer exist.
        #expect(Set(Self.grammarSamples.keys).subtracting(rules).isEmpty)
    }
}
