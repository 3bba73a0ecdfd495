import Experiments
import ArgumentParser
import Foundation
import Language

/// `exp bench FILE [--set name=value]... [--warmup N]`: one JSON line with the training speed
/// (`ScriptBench` holds the logic).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time a script's training and print one JSON line.")

    @Argument(help: "The .exp script to time.")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a top-level let or the seed (name=value).", valueName: "name=value"))
    var overrides: [String] = []

    @Option(help: "Steps at the start of training left out of the median.")
    var warmup = 5

    @OptionGroup var safety: SafetyOptions

    func run() throws {
        let fileAccess = try safety.apply()
        var bench = ScriptBench()
        bench.warmup = warmup
        bench.fileAccess = fileAccess
        for text in overrides {
            do {
                let (name, value) = try ScriptRunner.parseOverride(text)
                bench.overrides[name] = value
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(64)
            }
        }
        let result = bench.measure(path: file)
        guard let line = bench.json(file: file, result) else {
            if result.code == .ok { FileHandle.standardError.write(Data("error: \(file) has no train statement that ran a step\n".utf8)) }
            throw ExitCode(result.code == .ok ? 65 : result.code.rawValue)
        }
        print(line)
        if result.code != .ok { throw ExitCode(result.code.rawValue) }
    }
}
