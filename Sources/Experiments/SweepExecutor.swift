import Language
import Foundation
import Lab

/// Runs a sweep's combinations outside this interpreter: in child processes (`exp run
/// --jobs N`) or on a cluster. The experiments layer only describes the work and collects what
/// each combination left in its directory; how the runs are started lives with the command line
/// (the `exp` target), so nothing below it starts processes or knows CLI flags.
public protocol SweepExecutor: AnyObject {
    /// Runs the combinations of `sweep`, each leaving `SweepRunResult.fileName` in its
    /// directory. Returns `.ended` once all have ended, whether or not they succeeded (the
    /// collect step reads what each one left), or `.leftRunning` when they go on without this
    /// process (a cluster job it does not wait for). Throws only when runs could not be started
    /// or were interrupted; the runs that finished keep their results.
    func run(_ sweep: SweepWork, progress: (String) -> Void) throws -> SweepExecution

    /// True when a sweep of one combination is also given to this executor (a cluster: the
    /// user asked for the work to run there); false runs it in this process (no process to
    /// start for a single run).
    var runsSingleCombinations: Bool { get }
}

extension SweepExecutor {
    public var runsSingleCombinations: Bool { false }
}

/// How an executor's runs ended, as far as the script is concerned.
public enum SweepExecution: Sendable {
    /// Every combination has ended: collect their results and go on with the script.
    case ended
    /// The runs go on without this process (a Slurm array submitted without `--wait`): the
    /// script stops at the sweep, and its code after the sweep runs when the results are
    /// collected (`exp collect DIR`, or a later submission that finds every run done).
    case leftRunning
}

/// One sweep's combinations, as an executor needs them.
public struct SweepWork: Sendable {
    /// Where the sweep statement is (`line:column` in the main script): a child runs only the
    /// combination given for this place.
    public let line: Int, column: Int
    /// One directory per combination, in combination order (the last variable varies fastest).
    public let directories: [URL]
    /// A readable name per combination (`lr = 0.1, seed = 2`), for progress and errors.
    public let labels: [String]
    /// The script's text as it was when the run started (its copy in the run directory): what
    /// every combination runs, however the file changes meanwhile.
    public let script: URL

    /// The folder that holds the combinations' directories (`<run>/sweep-<line>/`).
    public var sweepDirectory: URL { directories[0].deletingLastPathComponent() }
    /// The whole run's directory (where `script.exp` is).
    public var runDirectory: URL { script.deletingLastPathComponent() }
}

/// Set in a run that is one combination of a sweep: run only `index` of the sweep at
/// `line:column`, write its result into `directory`, and stop there.
public struct SweepChild: Sendable {
    public let line: Int, column: Int, index: Int
    public let directory: String

    public init(line: Int, column: Int, index: Int, directory: String) {
        (self.line, self.column, self.index, self.directory) = (line, column, index, directory)
    }
}

/// What one combination of a sweep produced: its logged series, what it printed, its checks,
/// its error if it failed. Written as `result.json` into the
/// combination's directory, by the in-process run and by a child alike, and read back by the one
/// collect step, so a sweep's output is the same for any `--jobs`.
public struct SweepRunResult: Codable, Sendable {
    public static let fileName = "result.json"

    public struct Series: Codable, Sendable {
        public var steps: [Double]
        public var values: [Double]
    }

    public struct Check: Codable, Sendable {
        public var text: String
        public var passed: Bool
        public var details: String
        /// The failure message as the run printed it (nil when it passed).
        public var failure: String?
    }

    /// A run-time error, with its place as byte offsets into `file`.
    public struct Failure: Codable, Sendable {
        public var kind: String
        public var message: String
        public var hint: String?
        public var file: String?
        public var start: Int?
        public var end: Int?
    }

    public var index: Int
    public var logs: [String: Series] = [:]
    /// Each `print` of the run, in order.
    public var printed: [String] = []
    public var checks: [Check] = []
    public var failure: Failure?

    public init(index: Int) { self.index = index }

    var metricSeries: [String: MetricSeries] {
        Dictionary(uniqueKeysWithValues: logs.map { ($0.key, MetricSeries(name: $0.key, steps: $0.value.steps, values: $0.value.values)) })
    }

    func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Series may hold NaN or infinity; JSON has no spelling for them.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(self)
        let url = directory.appendingPathComponent(Self.fileName)
        do {
            // Atomic: a reader (the collect step, `exp status`) sees the whole file or none, and
            // a killed run leaves no temporary file.
            try AtomicFile.write(data, to: url)
        } catch let e as RunError {
            throw ScriptError(.io, e.description)
        }
    }

    /// The result a combination left in `directory`, or nil when it left none (it did not finish).
    static func read(from directory: URL) throws -> SweepRunResult? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(SweepRunResult.self, from: FileIO.read(url))
        } catch let e as RunError {
            throw ScriptError(.io, e.description)
        } catch {
            // A decoding error's own text is a dump of coding paths; what matters is that the file is not a result.
            throw ScriptError(.io, "the sweep result \(url.path) is damaged or was written by another version of exp")
        }
    }
}
