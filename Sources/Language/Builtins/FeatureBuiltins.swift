import Autodiff
import Tensors

/// Helpers that prelude functions written in exp need to behave like builtins.
enum FeatureBuiltins {
    static let table: [Builtin] = [
        // A prelude function that meets an unusable argument (an unknown attention kind, say)
        // stops the script with a message instead of computing something silently wrong.
        Builtin("fail", ["message"], "stop the script with a runtime error carrying `message`", .core) { a, _ in
            throw ScriptError(.value, try a.string("message"))
        },
    ]
}
