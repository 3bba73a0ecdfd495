import Experiments
import ArgumentParser
import Foundation
import Language

/// `exp collect DIR`: continues a run whose sweep ran elsewhere (`exp run --on slurm` without
/// `--wait`), or any run directory with a sweep: runs the script again as it was started (its
/// copy in DIR, the options in command.json, from the same working directory), with every
/// sweep reading its combinations' results from disk instead of running them. The sweep's
/// aggregate is over the combinations that finished; the others are listed with their logs'
/// tails and the exit code is 75. Everything else (prints, checks, figures, exit code) is what
/// the run would have given locally. The script's own outputs in DIR are written anew; the
/// combinations' directories are left as they are.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Aggregate a sweep's finished runs and continue the script (after exp run --on slurm, or on any run directory).")

    @Argument(help: "The run directory.")
    var directory: String

    @Flag(help: "Print less progress output.")
    var quiet = false

    func run() throws {
        let dir = URL(fileURLWithPath: directory).standardizedFileURL
        let command: RunCommand
        do {
            guard let c = try RunCommand.read(from: dir) else {
                FileHandle.standardError.write(Data("error: \(directory) is not a run directory of this exp (it has no \(RunCommand.fileName))\n".utf8))
                throw ExitCode(Language.ExitCode.missingInput.rawValue)
            }
            command = c
        } catch let e as ScriptError {
            FileHandle.standardError.write(Data("error: \(e.message)\n".utf8))
            throw ExitCode(Language.ExitCode.missingInput.rawValue)
        }
        let snapshot = dir.appendingPathComponent("script.exp")
        guard FileManager.default.fileExists(atPath: snapshot.path) else {
            FileHandle.standardError.write(Data("error: \(directory) has no script.exp: nothing to continue\n".utf8))
            throw ExitCode(Language.ExitCode.missingInput.rawValue)
        }
        // Relative paths in the script and its options resolve as they did when it started.
        if !FileManager.default.changeCurrentDirectoryPath(command.workingDirectory) {
            FileHandle.standardError.write(Data("warning: the run started in \(command.workingDirectory), which is gone; relative paths resolve from here\n".utf8))
        }
        var args = [command.script] + command.arguments + ["--out", dir.path, "--source", snapshot.path]
        if quiet { args.append("--quiet") }
        let run: Run
        do { run = try Run.parse(args) } catch {
            FileHandle.standardError.write(Data("error: \(RunCommand.fileName) in \(directory) holds options this exp does not take: \(command.arguments.joined(separator: " "))\n".utf8))
            throw ExitCode(Language.ExitCode.usage.rawValue)
        }
        try run.execute(collecting: true)
    }
}
