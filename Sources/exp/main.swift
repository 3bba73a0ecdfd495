import Experiments
import ArgumentParser
import Foundation
import Language

/// `exp`: runs and checks experiment scripts. The logic lives in the Language module
/// (`ScriptRunner`); this target only parses the command line.
struct Exp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exp",
        abstract: "Run small experiment scripts about how transformers learn.",
        version: ExpVersion.string,
        subcommands: [Run.self, Check.self, Repl.self, Bench.self, Watch.self, Status.self, Collect.self, Compare.self],
        defaultSubcommand: Repl.self)
}

/// `exp FILE.exp ...` is `exp run FILE.exp ...`; a first word that is neither a subcommand, an
/// option nor a script is a usage error with a did-you-mean (it would otherwise reach the REPL's
/// parser as a stray argument).
func commandLine(_ arguments: [String]) -> [String] {
    guard let first = arguments.first, !first.hasPrefix("-") else { return arguments }
    let commands = Exp.configuration.subcommands.map { $0._commandName } + ["help"]
    if commands.contains(first) { return arguments }
    if first.hasSuffix(".exp") || FileManager.default.fileExists(atPath: first) { return ["run"] + arguments }
    let hint = DidYouMean.closest(first, in: commands).map { "; did you mean `exp \($0)`?" } ?? "; commands: \(commands.joined(separator: ", "))"
    FileHandle.standardError.write(Data("error: unknown command `\(first)`\(hint)\n".utf8))
    exit(Language.ExitCode.usage.rawValue)
}

Exp.main(commandLine(Array(CommandLine.arguments.dropFirst())))
