import Experiments
import ArgumentParser
import Foundation
import Language

/// What `exp run` and `exp watch` both read from their command lines: `--set` overrides and
/// `--plots`, checked before anything runs (a bad one is a usage error, exit 64).
enum ScriptOptions {
    static func interpreterOptions(overrides: [String]) throws -> Interpreter.Options {
        var options = Interpreter.Options()
        options.endsOnInterrupt = true
        for text in overrides {
            do {
                let (name, value) = try ScriptRunner.parseOverride(text)
                options.overrides[name] = value
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(64)
            }
        }
        return options
    }

    static func plotMode(_ text: String) throws -> ExperimentRuntime.PlotMode {
        guard let mode = ExperimentRuntime.PlotMode(rawValue: text) else {
            FileHandle.standardError.write(Data("error: --plots is files or terminal, not \(text)\n".utf8))
            throw ExitCode(64)
        }
        return mode
    }
}
