import ArgumentParser
import Foundation
import Language
import Tensors

/// `--max-memory SIZE` (on `exp run`, `exp repl`, `exp bench`): the most memory live tensors may
/// hold before the script stops with an error at its line.
enum MemoryOption {
    static let help = ArgumentHelp("The most memory tensors may hold, e.g. 8G, 512M or 50% (default: 3/4 of this machine's memory, \(MemoryBudget.show(MemoryBudget.defaultLimit))).",
                                   valueName: "SIZE")

    /// Sets the limit; a value that is not a size is a usage error.
    static func apply(_ text: String?) throws {
        guard let text else { return }
        guard let bytes = MemoryBudget.parse(text) else {
            FileHandle.standardError.write(Data("error: --max-memory \(text): give a size such as 8G, 512M, 1000000 (bytes) or 50% of memory\n".utf8))
            throw ExitCode(Language.ExitCode.usage.rawValue)
        }
        MemoryBudget.limit = bytes
    }
}
