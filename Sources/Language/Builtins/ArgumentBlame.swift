import Tensors

extension BoundArguments {
    /// Runs `body`, pointing a tensor error it raises at the argument passed for parameter `name`
    /// (rather than at the whole call), for kernels whose checks are about that one argument:
    /// a negative probability, a concentration of 0.
    func blaming<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as TensorError {
            var s = ScriptError(e)
            s.argument = argumentIndex(name)
            throw s
        }
    }
}
