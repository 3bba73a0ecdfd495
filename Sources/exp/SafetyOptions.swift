import Experiments
import ArgumentParser
import Language

/// The options that bound what a script may touch, shared by `exp run`, `exp repl` and
/// `exp bench`: files outside its folder and run directory, and memory.
struct SafetyOptions: ParsableArguments {
    @Option(name: .customLong("allow-read"), help: ArgumentHelp("Also let the script read files in DIR (repeatable; it may always read its own folder and its run directory).", valueName: "DIR"))
    var allowRead: [String] = []

    @Option(name: .customLong("allow-write"), help: ArgumentHelp("Also let the script write files in DIR (repeatable; it may always write its run directory).", valueName: "DIR"))
    var allowWrite: [String] = []

    @Option(name: .customLong("max-memory"), help: MemoryOption.help)
    var maxMemory: String?

    /// Sets the memory limit (a bad size is a usage error) and returns the file rules.
    func apply() throws -> FileAccess {
        try MemoryOption.apply(maxMemory)
        return FileAccess(allowRead: allowRead, allowWrite: allowWrite)
    }
}

extension FileAccess {
    /// The command-line arguments that give another `exp` process the same permissions (a
    /// sweep's child processes).
    var arguments: [String] {
        allowRead.flatMap { ["--allow-read", $0] } + allowWrite.flatMap { ["--allow-write", $0] }
    }
}
