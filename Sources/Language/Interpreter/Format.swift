import Tensors

/// How values print: numbers in shortest round-trip form, tensors NumPy-style with shape and
/// dtype (large ones summarised with `...`).
public enum Format {
    /// Tensors with more elements than this are summarised.
    static let summaryThreshold = 1000
    /// Elements shown at each end of a summarised axis.
    static let edgeItems = 3

    /// The text `print` shows for a value: a string as is, a one-number tensor as its number
    /// (`1.154883`, not `tensor(1.154883, dtype: float32)`: `print` is for reading numbers;
    /// the REPL's echo and containers keep the dtype).
    public static func display(_ v: Value) -> String {
        switch v {
        case .string(let s): return s
        case .tensor(let t) where t.rank == 0 && t.value.count == 1: return element(t.value, 0)
        default: return repr(v)
        }
    }

    /// The text of a value inside a container or REPL echo (strings quoted).
    public static func repr(_ v: Value) -> String {
        switch v {
        case .int(let n): return String(n)
        case .float(let x): return float(x)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return quote(s)
        case .none: return "none"
        case .list(let xs): return "[" + xs.map(repr).joined(separator: ", ") + "]"
        case .record(let r): return "{" + r.fields.map { "\($0.0): \(repr($0.1))" }.joined(separator: ", ") + "}"
        case .range(let r): return r.step == 1 ? "\(r.start)..\(r.end)" : "range(\(r.start), \(r.end), \(r.step))"
        case .tensor(let t): return tensor(t.value)
        case .function(let f):
            if let b = f as? Builtin { return "<builtin \(b.signature)>" }
            if f is ModelConstructor {
                return "<model constructor \(f.name)(" + f.parameters.map { $0.name + ($0.defaultText.map { ": " + $0 } ?? "") }.joined(separator: ", ") + ")>"
            }
            return "<fn \(f.name)(" + f.parameters.map(\.name).joined(separator: ", ") + ")>"
        case .object(let o): return o.description
        }
    }

    /// A one-line form for messages (long tensors abbreviated).
    public static func short(_ v: Value) -> String {
        if case .tensor(let t) = v, t.value.count > 8 {
            return "tensor of shape \(TensorError.show(t.shape)), \(t.dtype)"
        }
        let s = repr(v)
        return s.count > 200 ? String(s.prefix(200)) + "…" : s
    }

    /// An operand's value in a check's report (`acc = 0.97`): a one-number tensor as its number,
    /// as `print` shows it; anything else in its short form.
    public static func operand(_ v: Value) -> String {
        if case .tensor(let t) = v, t.rank == 0, t.value.count == 1 { return element(t.value, 0) }
        return short(v)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// Shortest round-trip text of a Double; integral values keep a `.0`. A Double that holds
    /// a float32 value exactly (what `.item()` of an f32 tensor or an f32 training loss gives)
    /// prints in float32's shortest round-trip form, `0.20572697` rather than
    /// `0.2057269662618637`: the digits past float32's precision say nothing, and a line that
    /// mixes a tensor's number with its `.item()` reads one format. Parsing the text as float32
    /// gives the value back exactly. A Double computed in double precision is almost never
    /// exactly a float32 (1/3, 0.1, sqrt(2) are not), so it keeps all its digits.
    public static func float(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        let single = Float(x)
        if single.isFinite, Double(single) == x { return single.description }
        return x.description
    }

    static func float32(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return x.description
    }

    // MARK: - Tensors

    /// The number of innermost lists `print` would write for `shape` in full: the product of
    /// the dimensions before the first zero one (`[10**9, 0]` is 10**9 empty lists), saturating.
    static func listCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape.dropLast() {
            if d == 0 { break }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return Int.max }
            n = m
        }
        return n
    }

    /// `tensor([[1, 2], [3, 4]], shape: [2, 2], dtype: int64)`. The work is proportional to
    /// what is shown: elements are read through the tensor's strides (no dense copy of a
    /// broadcast view), and long axes are summarised whether they hold elements or empty lists.
    /// The element at offset `i` from the tensor's first element, as printed.
    static func element(_ t: Tensor, _ i: Int) -> String {
        switch t.dtype {
        case .float32: return float32(t.pointer(Float.self)[i])
        // An f64 tensor's element keeps all its digits even when it happens to be a float32 value.
        case .float64: let x = t.pointer(Double.self)[i]; return x.isFinite ? x.description : float(x)
        case .int64: return String(t.pointer(Int.self)[i])
        case .bool: return t.pointer(UInt8.self)[i] != 0 ? "true" : "false"
        }
    }

    public static func tensor(_ t: Tensor) -> String {
        let summarise = t.count > summaryThreshold || listCount(t.shape) > summaryThreshold
        let n = t.count
        func element(_ i: Int) -> String { Format.element(t, i) }
        let suffix = "shape: \(TensorError.show(t.shape)), dtype: \(t.dtype)"
        if t.rank == 0 { return "tensor(\(n > 0 ? element(0) : "?"), dtype: \(t.dtype))" }
        // Collect the printed elements first so columns can be aligned. Offsets are element
        // offsets from the tensor's first element (a broadcast axis has stride 0).
        let strides = t.strides
        var texts: [Int: String] = [:]
        var width = 1
        func visible(_ axis: Int) -> [Int?] {
            let d = t.shape[axis]
            if summarise && d > 2 * edgeItems {
                return Array(0..<edgeItems).map { Optional($0) } + [nil] + Array((d - edgeItems)..<d).map { Optional($0) }
            }
            return Array(0..<d).map { Optional($0) }
        }
        func collect(_ axis: Int, _ offset: Int) {
            for i in visible(axis) {
                guard let i else { continue }
                let o = offset + i * strides[axis]
                if axis == t.rank - 1 {
                    let s = element(o)
                    texts[o] = s
                    width = max(width, s.count)
                } else {
                    collect(axis + 1, o)
                }
            }
        }
        if n > 0 { collect(0, 0) }
        let indent = "tensor(".count
        func render(_ axis: Int, _ offset: Int) -> String {
            if t.shape[axis] == 0 { return "[]" }
            var parts: [String] = []
            for i in visible(axis) {
                guard let i else { parts.append("..."); continue }
                let o = offset + i * strides[axis]
                if axis == t.rank - 1 {
                    let s = texts[o] ?? ""
                    parts.append(String(repeating: " ", count: max(0, width - s.count)) + s)
                } else {
                    parts.append(render(axis + 1, o))
                }
            }
            if axis == t.rank - 1 { return "[" + parts.joined(separator: ", ") + "]" }
            let newlines = String(repeating: "\n", count: t.rank - 1 - axis)
            let pad = String(repeating: " ", count: indent + axis + 1)
            return "[" + parts.joined(separator: "," + newlines + pad) + "]"
        }
        return "tensor(" + render(0, 0) + ", " + suffix + ")"
    }
}
