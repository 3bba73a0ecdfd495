import RealModule

// MARK: - Kernel protocols
//
// Each elementwise operation is a type with a static `apply`; kernels are generic over the op
// type and the element type, so after specialization the loop body is the operation itself:
// no closure call and no dispatch per element.

/// A float -> float operation.
public protocol UnaryFloatKernel {
    static func apply<T: FloatElement>(_ x: T) -> T
}

/// A (float, float) -> float operation.
public protocol BinaryFloatKernel {
    static func apply<T: FloatElement>(_ a: T, _ b: T) -> T
}

/// A comparison producing a boolean.
public protocol CompareKernel {
    static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool
}

/// An (int, int) -> int operation.
public protocol BinaryIntKernel {
    static func apply(_ a: Int, _ b: Int) -> Int
}

// MARK: - Unary ops

/// The unary elementwise operations on floating tensors.
public enum UnaryOp: String, CaseIterable, Sendable {
    case neg, abs, sign, exp, log, log1p, sqrt, square, sin, cos, tanh, sigmoid, relu, gelu, softplus, reciprocal
}

enum Neg: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { -x } }
enum Abs: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { Swift.abs(x) } }
enum Sign: UnaryFloatKernel {
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? x : 0)) }
}
enum Exp: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.exp(x) } }
enum Log: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.log(x) } }
enum Log1p: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.log(onePlus: x) } }
enum Sqrt: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { x.squareRoot() } }
enum Square: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { x * x } }
enum Sin: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.sin(x) } }
enum Cos: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.cos(x) } }
enum Tanh: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { T.tanh(x) } }
enum Sigmoid: UnaryFloatKernel {
    // Two branches keep exp from overflowing for large |x|.
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.exp(-x)) }
        let e = T.exp(x)
        return e / (1 + e)
    }
}
enum Relu: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { x > 0 ? x : 0 } }
enum Gelu: UnaryFloatKernel {
    // The exact (erf) form, PyTorch's default.
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { x * (1 + T.erf(x / T.sqrt(2))) / 2 }
}
enum Softplus: UnaryFloatKernel {
    // log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}), stable for any x.
    @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { Swift.max(x, 0) + T.log(onePlus: T.exp(-Swift.abs(x))) }
}
enum Reciprocal: UnaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ x: T) -> T { 1 / x } }

// MARK: - Binary ops

/// The binary elementwise arithmetic operations.
public enum BinaryOp: String, CaseIterable, Sendable {
    case add, sub, mul, div, pow, maximum, minimum
}

/// The elementwise comparisons; they produce `bool` tensors.
public enum CompareOp: String, CaseIterable, Sendable {
    case eq, ne, lt, le, gt, ge
}

enum Add: BinaryFloatKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a + b }
}
enum Sub: BinaryFloatKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a - b }
}
enum Mul: BinaryFloatKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a * b }
}
enum Div: BinaryFloatKernel { @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a / b } }
enum Pow: BinaryFloatKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T {
        if b == 2 { return a * a }
        if b == 1 { return a }
        if b == 0.5 { return a.squareRoot() }
        // Whole exponents by repeated multiplication, so negative bases work ((-2)**3 = -8).
        if b == b.rounded(), Swift.abs(b) <= T(1 << 20) { return T.pow(a, Int(b)) }
        return T.pow(a, b)
    }
}
enum Maximum: BinaryFloatKernel, BinaryIntKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? T.nan : Swift.max(a, b) }
    @inline(__always) static func apply(_ a: Int, _ b: Int) -> Int { Swift.max(a, b) }
}
enum Minimum: BinaryFloatKernel, BinaryIntKernel {
    @inline(__always) static func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? T.nan : Swift.min(a, b) }
    @inline(__always) static func apply(_ a: Int, _ b: Int) -> Int { Swift.min(a, b) }
}
// Integer +, -, *, // and % are checked: see IntegerArithmetic.swift.
enum Eq: CompareKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b } }
enum Ne: CompareKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a != b } }
enum Lt: CompareKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b } }
enum Le: CompareKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a <= b } }
enum Gt: CompareKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b } }
enum Ge: CompareKernel { @inline(__always) static func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b } }
