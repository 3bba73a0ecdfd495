import Language
import Foundation
import Lab

/// How a run was started, kept as `command.json` in its run directory so that the script can be
/// run again exactly so: by `exp collect DIR` (which continues a sweep's script from the
/// results on disk) and by a second `exp run --on slurm` into the same `--out` (which submits
/// only what has not finished). With `script.exp` beside it, it is everything such a re-run needs.
public struct RunCommand: Codable, Sendable, Equatable {
    public static let fileName = "command.json"

    /// The script as named on the command line (messages name it so; relative paths in the
    /// script resolve as they did).
    public var script: String
    /// The working directory the run started in.
    public var workingDirectory: String
    /// The `exp run` options that change what the script computes or may touch (`--set`,
    /// `--allow-read`, `--allow-write`, `--max-memory`, `--plots`), as typed.
    public var arguments: [String]

    public init(script: String, workingDirectory: String, arguments: [String]) {
        self.script = script
        self.workingDirectory = workingDirectory
        self.arguments = arguments
    }

    func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try AtomicFile.write(try encoder.encode(self), to: directory.appendingPathComponent(Self.fileName))
        } catch let e as RunError {
            throw ScriptError(.io, e.description)
        }
    }

    /// The command a run directory was made with, or nil when it has none (a run of an exp
    /// from before command.json, or not a run directory). A damaged file is an error.
    public static func read(from directory: URL) throws -> RunCommand? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(RunCommand.self, from: FileIO.read(url))
        } catch let e as RunError {
            throw ScriptError(.io, e.description)
        } catch {
            // The decoder's own text is a dump of coding paths; what matters is which file.
            throw ScriptError(.io, "\(url.path) is damaged or was written by another version of exp")
        }
    }
}
