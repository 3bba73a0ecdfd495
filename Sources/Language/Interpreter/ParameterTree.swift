import Autodiff
import Tensors

// A model's trained tensors are the leaves of its params (a param is a tensor, or any nesting
// of lists and records of tensors) and of the models it holds as members (`let enc = Stack()`,
// `let blocks = [Block(d: 8) for i in 0..L]`). Each leaf is named by its path from the model:
// `embed`, `layers.0.Wq`, `enc.layers.1.W`. Summary, freeze, the optimizer, clipping,
// save/load and the REPL all see this one list, in this one order (members in declaration
// order, list items by index, record fields in written order), so no tensor is trained
// without being counted or saved, and none is silently left out.

/// One trained tensor of a model and its path.
public struct ParameterLeaf {
    public let path: String
    public let value: Variable
}

extension BlockObject {
    /// Every param leaf of this model and of its member models, in path order. A member model
    /// reached twice (shared between members) contributes its leaves once, under its first path,
    /// so a tied weight gets one gradient step, as in PyTorch.
    public func parameterLeaves() throws -> [ParameterLeaf] {
        var out: [ParameterLeaf] = []
        var seen: Set<ObjectIdentifier> = []
        try walkLeaves(prefix: "", seen: &seen) { path, v in out.append(ParameterLeaf(path: path, value: v)); return nil }
        return out
    }

    /// Replaces leaves in path order: `transform` returns the new value, or nil to keep it.
    func mapParameterLeaves(_ transform: (String, Variable) throws -> Variable?) throws {
        var seen: Set<ObjectIdentifier> = []
        try walkLeaves(prefix: "", seen: &seen, transform)
    }

    /// True when `path` is frozen: it, or a subtree holding it (`freeze "layers.0"`), is listed.
    package func isFrozen(_ path: String) -> Bool {
        frozen.contains { path == $0 || path.hasPrefix($0 + ".") }
    }

    /// Names `freeze` accepts: every leaf path and every subtree prefix of one.
    package func freezablePaths() throws -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        for leaf in try parameterLeaves() {
            let parts = leaf.path.split(separator: ".")
            for n in 1...parts.count {
                let p = parts[0..<n].joined(separator: ".")
                if seen.insert(p).inserted { out.append(p) }
            }
        }
        return out
    }

    private func walkLeaves(prefix: String, seen: inout Set<ObjectIdentifier>,
                            _ transform: (String, Variable) throws -> Variable?) throws {
        guard seen.insert(ObjectIdentifier(self)).inserted else { return }
        for m in proto.members where m.slot < frame.slots.count {
            let path = prefix + m.name
            switch m.kind {
            case .param:
                frame.slots[m.slot] = try mapParam(frame.slots[m.slot], path: path, param: m, transform)
            case .binding:
                try walkMemberModels(frame.slots[m.slot], path: path, seen: &seen, transform)
            case .method:
                continue
            }
        }
    }

    /// One param's value with its tensor leaves replaced; anything but tensors, lists and
    /// records is an error at the `param` line (it would be trained by no one).
    private func mapParam(_ v: Value, path: String, param: (name: String, slot: Int, kind: DeclarationProto.MemberKind),
                          _ transform: (String, Variable) throws -> Variable?) throws -> Value {
        switch v {
        case .tensor(let t):
            return .tensor(try transform(path, t) ?? t)
        case .none:
            // An optional part left out (`param b = if bias { zeros([d]) } else { none }`).
            return v
        case .list(let xs):
            var out = xs
            for (i, x) in xs.enumerated() { out[i] = try mapParam(x, path: "\(path).\(i)", param: param, transform) }
            return .list(out)
        case .record(let r):
            var out = r
            for (k, x) in r.fields { out[k] = try mapParam(x, path: "\(path).\(k)", param: param, transform) }
            return .record(out)
        default:
            var hint = "a param is a tensor, or lists and records of tensors (none for a part left out), e.g. param W = randn([d, d])"
            if case .object(let o as BlockObject) = v, o.proto.kind == .model {
                hint = "hold a model as a member with `let \(param.name) = ...`: its params are trained with this model's"
            }
            throw ScriptError(.type, "param `\(param.name)` of \(proto.kind.rawValue) `\(proto.name)` must hold only tensors; `\(path)` is a \(v.typeName)",
                              hint: hint, span: proto.paramSpans[param.slot] ?? proto.span)
        }
    }

    /// Walks the models inside a `let` member (a model, or lists and records holding models);
    /// other values in bindings are fixed data, not trained.
    private func walkMemberModels(_ v: Value, path: String, seen: inout Set<ObjectIdentifier>,
                                  _ transform: (String, Variable) throws -> Variable?) throws {
        switch v {
        case .object(let o as BlockObject) where o.proto.kind == .model:
            try o.walkLeaves(prefix: path + ".", seen: &seen, transform)
        case .list(let xs):
            for (i, x) in xs.enumerated() { try walkMemberModels(x, path: "\(path).\(i)", seen: &seen, transform) }
        case .record(let r):
            for (k, x) in r.fields { try walkMemberModels(x, path: "\(path).\(k)", seen: &seen, transform) }
        default:
            return
        }
    }

    /// Every tensor a saved model holds, by path: the param leaves, then the fixed tensors of
    /// `let` members (and of member models), so a reloaded model is complete.
    package func savedTensors() throws -> [(String, Tensor)] {
        var out = try parameterLeaves().map { ($0.path, $0.value.value) }
        var seen: Set<ObjectIdentifier> = []
        mapFixedTensors(prefix: "", seen: &seen) { path, t in out.append((path, t.value)); return nil }
        return out
    }

    /// Replaces the tensors named in `byPath` (param leaves or fixed tensors) in one walk.
    package func replaceTensors(_ byPath: [String: Variable]) throws {
        try mapParameterLeaves { path, _ in byPath[path] }
        var seen: Set<ObjectIdentifier> = []
        mapFixedTensors(prefix: "", seen: &seen) { path, _ in byPath[path] }
    }

    /// The fixed-tensor counterpart of `walkLeaves`: tensors inside `let` members (and member
    /// models), replaced in path order where `transform` returns a value.
    private func mapFixedTensors(prefix: String, seen: inout Set<ObjectIdentifier>, _ transform: (String, Variable) -> Variable?) {
        guard seen.insert(ObjectIdentifier(self)).inserted else { return }
        func map(_ v: Value, _ path: String) -> Value {
            switch v {
            case .tensor(let t): return .tensor(transform(path, t) ?? t)
            case .object(let o as BlockObject) where o.proto.kind == .model:
                o.mapFixedTensors(prefix: path + ".", seen: &seen, transform)
                return v
            case .list(let xs): return .list(xs.enumerated().map { map($1, "\(path).\($0)") })
            case .record(var r):
                for (k, x) in r.fields { r[k] = map(x, "\(path).\(k)") }
                return .record(r)
            default: return v
            }
        }
        for m in proto.members where m.kind == .binding && m.slot < frame.slots.count {
            frame.slots[m.slot] = map(frame.slots[m.slot], prefix + m.name)
        }
    }
}
