import Language
import Autodiff
import Tensors

/// Where a train block's batches come from.
///
/// - A task with a `sample(batch)` method (or a function) gives fresh data every step.
/// - A task with a `train` split (or a record of tensors with `input` and `target`) is a fixed
///   dataset: shuffled minibatches each epoch, or the whole split with `batch full`.
enum DataSource {
    case sampler(Value)
    case fixed(Dataset)

    /// Recognizes a task value.
    static func from(_ task: Value, _ context: CallContext, span: SourceSpan) throws -> DataSource {
        if case .object(let o) = task {
            if let b = o as? BlockObject, b.hasMethod("sample") { return .sampler(task) }
            if let split = try o.member("train", context) { return .fixed(try Dataset(split, name: "train", span: span)) }
            if let s = try o.member("sample", context), case .function = s { return .sampler(s) }
        }
        if case .record(let r) = task {
            if let split = r["train"] { return .fixed(try Dataset(split, name: "train", span: span)) }
            if let s = r["sample"], case .function = s { return .sampler(s) }
            if r["input"] != nil { return .fixed(try Dataset(task, name: "task", span: span)) }
        }
        if case .function = task { return .sampler(task) }
        throw ScriptError(.type, "cannot train on a \(task.typeName): a task needs a sample(batch) method or a train split",
                          hint: "e.g. task t { sample(batch) { ... return {input: x, target: y} } }", span: span)
    }

    /// The batch for one step (`size` nil: the whole split).
    func batch(step: Int, size: Int?, interpreter: Interpreter, span: SourceSpan) throws -> Record {
        switch self {
        case .sampler(let f):
            guard let size else {
                throw ScriptError(.value, "`batch full` needs a fixed dataset; this task samples fresh data",
                                  hint: "give a batch size: batch 256", span: span)
            }
            let v: Value
            if case .object(let o) = f, let b = o as? BlockObject {
                // `DataSource` admits a block only with a sample method; none fails in `normalize`.
                v = try b.callMethod("sample", [.int(size)]) ?? .none
            } else if case .function(let c) = f {
                v = try interpreter.callFunction(c, Arguments([.int(size)]))
            } else {
                v = .none
            }
            return try DataSource.normalize(v, span: span)
        case .fixed(let d):
            return try d.batch(step: step, size: size)
        }
    }

    /// Steps in one epoch for a batch size.
    func stepsPerEpoch(_ size: Int?) -> Int? {
        guard case .fixed(let d) = self else { return nil }
        guard let size else { return 1 }
        return (d.count + size - 1) / max(size, 1)
    }

    /// A batch is a record with at least `input` and `target`; a tuple (input, target[, mask])
    /// is accepted too.
    static func normalize(_ v: Value, span: SourceSpan) throws -> Record {
        switch v {
        case .record(let r):
            guard r["input"] != nil else {
                throw ScriptError(.value, "a batch record needs an `input` field (it has \(r.names.joined(separator: ", ")))", span: span)
            }
            return r
        case .list(let xs) where xs.count >= 2 && xs.count <= 3:
            var fields: [(String, Value)] = [("input", xs[0]), ("target", xs[1])]
            if xs.count == 3 { fields.append(("mask", xs[2])) }
            return Record(fields)
        default:
            throw ScriptError(.type, "sample must return {input: ..., target: ...} or (input, target), got \(v.typeName)", span: span)
        }
    }
}

/// A fixed dataset: tensors sharing their first dimension, sliced into shuffled minibatches.
final class Dataset {
    let fields: Record
    let count: Int
    private var order: Tensor?
    private var epoch = -1

    init(_ value: Value, name: String, span: SourceSpan) throws {
        fields = try DataSource.normalize(value, span: span)
        var n: Int?
        for (k, v) in zip(fields.names, fields.values) {
            guard case .tensor(let t) = v, t.rank >= 1 else { continue }
            if let n, n != t.shape[0] {
                throw ScriptError(.shape, "dataset `\(name)`: field `\(k)` has \(t.shape[0]) rows but others have \(n)", span: span)
            }
            n = t.shape[0]
        }
        guard let n, n > 0 else { throw ScriptError(.value, "dataset `\(name)` has no rows", span: span) }
        count = n
    }

    /// Step `step`'s minibatch; the order is reshuffled (from the run's generator) each epoch.
    func batch(step: Int, size: Int?) throws -> Record {
        guard let size, size < count else { return fields }
        let perEpoch = (count + size - 1) / size
        let e = step / perEpoch, k = step % perEpoch
        if e != epoch || order == nil {
            order = try Tensor.permutation(count)
            epoch = e
        }
        let lo = k * size, hi = min(count, lo + size)
        let rows = try order!.subscripting([.slice(start: lo, stop: hi, step: 1)])
        var out = Record()
        for (name, v) in zip(fields.names, fields.values) {
            if case .tensor(let t) = v, t.rank >= 1, t.shape[0] == count {
                out[name] = .tensor(try TensorOps.index(t, [.tensor(rows)]))
            } else {
                out[name] = v
            }
        }
        return out
    }
}
