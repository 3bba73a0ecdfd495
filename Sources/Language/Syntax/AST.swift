// The exp abstract syntax tree.
//
// Expressions and statements are final classes holding a `kind` enum and a `span`: classes give
// each node an identity (for side tables keyed by `ObjectIdentifier`) and a place for the
// resolver's annotations; the enums keep pattern matching in the interpreter simple.
// The parser never resolves names; it only records exact spans.

// MARK: - Program and blocks

/// A parsed file or REPL input: its statements in order.
public struct Program: Sendable {
    public let file: SourceFile
    public var statements: [Stmt]

    public init(file: SourceFile, statements: [Stmt]) {
        self.file = file
        self.statements = statements
    }
}

/// `{ statements }`. A block's value is the value of its last statement when that statement is an
/// expression statement (`Stmt.Kind.expression`), otherwise `none`.
public struct Block: Sendable {
    public var statements: [Stmt]
    /// From `{` to `}` inclusive.
    public var span: SourceSpan

    public init(statements: [Stmt], span: SourceSpan) {
        self.statements = statements
        self.span = span
    }
}

/// A name as written, with its exact span.
public struct Identifier: Sendable, Equatable {
    public var name: String
    public var span: SourceSpan

    public init(name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }
}

// MARK: - Patterns (binding targets of let / for)

/// A binding target: `x`, `(x, y)`, `(a, (b, c))`, `[x, y]`.
public indirect enum Pattern: Sendable {
    case name(Identifier)
    /// `(p1, p2, ...)` or `[p1, p2, ...]`: destructures a tuple or list of exactly that length.
    case tuple([Pattern], span: SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .name(let id): return id.span
        case .tuple(_, let span): return span
        }
    }

    /// Every name bound by the pattern, left to right.
    public var names: [Identifier] {
        switch self {
        case .name(let id): return [id]
        case .tuple(let items, _): return items.flatMap { $0.names }
        }
    }
}

// MARK: - Functions

/// A parameter: `x` (positional) or `scale: 2.0` (keyword parameter with a default).
public struct Parameter: Sendable {
    public var name: Identifier
    /// The default value expression (evaluated at call time, like Python would not; see the
    /// interpreter for the rule). `nil` for a required parameter.
    public var defaultValue: Expr?
    public var span: SourceSpan

    public init(name: Identifier, defaultValue: Expr?, span: SourceSpan) {
        self.name = name
        self.defaultValue = defaultValue
        self.span = span
    }
}

/// The body of a function, method or lambda: `= expr` or `{ block }`.
public enum FunctionBody: Sendable {
    case expression(Expr)
    case block(Block)

    public var span: SourceSpan {
        switch self {
        case .expression(let e): return e.span
        case .block(let b): return b.span
        }
    }
}

/// `fn name(params) = expr`, `fn name(params) { ... }`, a model/task method `name(params) ...`,
/// or (with `name == nil`) a lambda `fn(params) = expr`.
public final class FunctionDecl: @unchecked Sendable {
    public let name: Identifier?
    public let parameters: [Parameter]
    public let body: FunctionBody
    /// The whole declaration or lambda.
    public let span: SourceSpan

    public init(name: Identifier?, parameters: [Parameter], body: FunctionBody, span: SourceSpan) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.span = span
    }
}

// MARK: - Arguments and index items

/// A call argument: positional `x` or keyword `axis: 1`.
public struct CallArgument: Sendable {
    public var label: Identifier?
    public var value: Expr
    /// From the label (if any) to the end of the value.
    public var span: SourceSpan

    public init(label: Identifier?, value: Expr, span: SourceSpan) {
        self.label = label
        self.value = value
        self.span = span
    }
}

/// One item inside `x[...]`.
public struct SubscriptItem: Sendable {
    public enum Kind: Sendable {
        /// An integer, or an integer/boolean tensor (gather), or any other expression.
        case expression(Expr)
        /// `start:stop:step`, each part optional.
        case slice(start: Expr?, stop: Expr?, step: Expr?)
        /// `...`
        case ellipsis
        /// `none`: a new axis of length 1.
        case newAxis
    }
    public var kind: Kind
    public var span: SourceSpan

    public init(kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// `name: value` in a record literal.
public struct RecordField: Sendable {
    public var name: Identifier
    public var value: Expr

    public init(name: Identifier, value: Expr) {
        self.name = name
        self.value = value
    }
}

// MARK: - Operators

public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case plus = "+"
    case not = "not"
}

public enum BinaryOperator: String, Sendable, CaseIterable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    /// `a..b`, the half-open range.
    case range = ".."
    case add = "+", subtract = "-"
    case multiply = "*", divide = "/", floorDivide = "//", remainder = "%", matmul = "@"
    case power = "**"

    /// `and` / `or` evaluate their right operand only when needed.
    public var isShortCircuit: Bool { self == .and || self == .or }
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

/// `=`, `+=`, `-=`, `*=`, `/=`.
public enum AssignmentOperator: String, Sendable {
    case assign = "="
    case add = "+="
    case subtract = "-="
    case multiply = "*="
    case divide = "/="

    /// The binary operator a compound assignment applies (`nil` for plain `=`).
    public var binaryOperator: BinaryOperator? {
        switch self {
        case .assign: return nil
        case .add: return .add
        case .subtract: return .subtract
        case .multiply: return .multiply
        case .divide: return .divide
        }
    }
}

// MARK: - Expressions

/// `if c1 { } else if c2 { } else { }` as a statement or an expression.
public struct IfChain: Sendable {
    /// The `if` and each `else if`: condition and body, in order.
    public var branches: [(condition: Expr, body: Block)]
    public var elseBody: Block?

    public init(branches: [(condition: Expr, body: Block)], elseBody: Block?) {
        self.branches = branches
        self.elseBody = elseBody
    }
}

/// One clause of a list comprehension: `for pattern in iterable` or `if condition`.
public enum ComprehensionClause: Sendable {
    case forIn(Pattern, Expr)
    case condition(Expr)
}

/// An expression node.
public final class Expr: @unchecked Sendable {
    public indirect enum Kind: Sendable {
        case integer(Int)
        case float(Double)
        case string(String)
        case bool(Bool)
        case none
        /// A name to be resolved by the interpreter; the node's span is exactly the name.
        case name(String)
        case unary(UnaryOperator, Expr, operatorSpan: SourceSpan)
        /// Includes comparisons, `..`, and the short-circuit `and` / `or`.
        case binary(BinaryOperator, Expr, Expr, operatorSpan: SourceSpan)
        /// `callee(args)`; `x.f(args)` is `call(member(x, f), args)` (method sugar is resolved later).
        case call(Expr, [CallArgument])
        case index(Expr, [SubscriptItem])
        case member(Expr, Identifier)
        /// `(a, b)`, `(a,)`, `()`.
        case tuple([Expr])
        case list([Expr])
        /// `[element for x in xs if cond ...]`: the clauses run left to right, outermost first.
        case comprehension(Expr, [ComprehensionClause])
        case record([RecordField])
        /// `fn(params) = expr` / `fn(params) { block }` (the decl's `name` is nil).
        case lambda(FunctionDecl)
        case ifElse(IfChain)
        /// `{ statements }` in expression position (a `{` not followed by `name:` or `}`).
        case block(Block)
    }

    public let kind: Kind
    /// The expression as written; for `(x)` the span includes the parentheses (the parser
    /// keeps no separate node for parentheses).
    public let span: SourceSpan

    public init(_ kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }

    /// The source text of this expression exactly as written.
    public var sourceText: String { span.text }
}

// MARK: - Experiment declarations

/// An item in a `task { }` or `model { }` body.
public enum DeclarationItem: Sendable {
    /// `param name = expr`: a trained parameter.
    case param(name: Identifier, value: Expr, span: SourceSpan)
    /// `name(params) = expr` or `name(params) { }`.
    case method(FunctionDecl)
    /// Any ordinary statement (usually `let`).
    case statement(Stmt)
}

/// An item in a `train ... { }` body (or in an `every` block inside it).
public enum TrainItem: Sendable {
    /// `IDENT expr` on one line, e.g. `steps 2000`, `batch full`, `loss cross_entropy(output, target)`.
    case setting(name: Identifier, value: Expr, span: SourceSpan)
    /// `every expr { items }`
    case every(interval: Expr, items: [TrainItem], span: SourceSpan)
    /// `log NAME = expr`, or `log NAME` (value `nil`: short for `log NAME = NAME`).
    case log(name: Identifier, value: Expr?, span: SourceSpan)
    /// Any ordinary statement.
    case statement(Stmt)
}

/// `plot`, `heatmap`, `scatter`.
public enum PlotKind: String, Sendable {
    case plot, heatmap, scatter
}

/// One `name in expr` of a sweep.
public struct SweepBinding: Sendable {
    public var name: Identifier
    public var values: Expr

    public init(name: Identifier, values: Expr) {
        self.name = name
        self.values = values
    }
}

// MARK: - Statements

/// A statement node.
public final class Stmt: @unchecked Sendable {
    public enum Kind: Sendable {
        /// `let x = e`, `let (a, b) = e`.
        case letBinding(Pattern, Expr)
        /// `target op value`; the target is a `.name`, `.index` or `.member` expression.
        case assignment(target: Expr, op: AssignmentOperator, value: Expr, operatorSpan: SourceSpan)
        /// `fn name(params) = expr` / `fn name(params) { }`.
        case function(FunctionDecl)
        /// An expression used as a statement (includes `if` chains at statement position).
        case expression(Expr)
        /// `for pattern in iterable { }`.
        case forLoop(Pattern, Expr, Block)
        case whileLoop(Expr, Block)
        case breakLoop
        case continueLoop
        case returnValue(Expr?)
        /// `seed expr`.
        case seed(Expr)
        /// `precision f32` / `precision f64` (the identifier is not checked by the parser).
        case precision(Identifier)
        /// `expect condition[, message]`.
        case expect(Expr, message: Expr?)
        /// `import "path"`: the string as written (escapes decoded) and its span.
        case importFile(String, pathSpan: SourceSpan)
        /// `task name = expr`.
        case taskValue(name: Identifier, value: Expr)
        /// `task name { items }`.
        case taskBlock(name: Identifier, items: [DeclarationItem])
        /// `model name { items }`.
        /// `model m { }`, or with a parameter list `model Stack(L: 2) { }`: a constructor.
        case model(name: Identifier, parameters: [Parameter]?, items: [DeclarationItem])
        /// `optimizer name = expr`.
        case optimizer(name: Identifier, value: Expr)
        /// `train model on task [with optimizer] { items }`.
        case train(model: Expr, task: Expr?, optimizer: Expr?, items: [TrainItem])
        /// `plot a, b, y: "log"`: an argument list like a call's.
        case plot(PlotKind, [CallArgument])
        /// `sweep a in xs, b in ys { }`.
        case sweep([SweepBinding], Block)
        /// `save value to path`.
        case save(value: Expr, path: Expr)
        /// `load target from path`.
        case load(target: Expr, path: Expr)
    }

    public let kind: Kind
    /// The whole statement, without its terminator.
    public let span: SourceSpan

    public init(_ kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}
