import Tensors

/// Output. (Reading and writing `.npy`/safetensors files belongs to the experiments layer.)
enum IOBuiltins {
    static let table: [Builtin] = [
        Builtin("print", ["*values", "sep=\" \""], "prints the values on one line, separated by sep", .io) { a, ctx in
            let sep = try a.string("sep")
            ctx.print(a.rest.map(Format.display).joined(separator: sep))
            return .none
        },
        Builtin("help", ["f=none"], "the signature and description of a builtin", .io) { a, ctx in
            guard let v = a["f"] else {
                for fam in BuiltinFamily.allCases {
                    ctx.print("\(fam.rawValue): " + ctx.interpreter.builtins.all.filter { $0.family == fam }.map(\.name).joined(separator: ", "))
                }
                return .none
            }
            if case .function(let b as Builtin) = v { ctx.print("\(b.signature)\n  \(b.doc)"); return .none }
            ctx.print(Format.repr(v))
            return .none
        },
    ]
}
