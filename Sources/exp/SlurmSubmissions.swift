import Foundation
import Lab
import Language

/// What was submitted to Slurm for one sweep, kept as `<run>/sweep-<line>/slurm/submissions.json`
/// beside the job scripts and Slurm's own output files (`<job>_<index>.out`): which job ran which
/// combinations, so a later submission, `exp status` and `--wait` can ask the scheduler about
/// them.
struct SlurmSubmissions: Codable {
    static let folderName = "slurm"
    static let fileName = "submissions.json"

    struct Submission: Codable {
        /// The array job's id.
        var job: String
        /// The combinations it runs (their indices are the array's task ids).
        var indices: [Int]
        /// When it was submitted (ISO 8601).
        var submitted: String
        /// The job script, in the same folder.
        var script: String
    }

    var submissions: [Submission] = []

    static func folder(_ sweepDirectory: URL) -> URL { sweepDirectory.appendingPathComponent(folderName) }

    /// The record of the sweep in `sweepDirectory`; empty when nothing was submitted.
    static func read(_ sweepDirectory: URL) throws -> SlurmSubmissions {
        let url = folder(sweepDirectory).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return SlurmSubmissions() }
        do {
            return try JSONDecoder().decode(SlurmSubmissions.self, from: FileIO.read(url))
        } catch let e as RunError {
            throw ScriptError(.io, e.description)
        } catch {
            // The decoder's text is a dump of coding paths; the file is what the user can act on.
            throw ScriptError(.io, "\(url.path) is damaged; it lists the Slurm jobs of this sweep (remove it to forget them)")
        }
    }

    func write(_ sweepDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try AtomicFile.write(try encoder.encode(self), to: Self.folder(sweepDirectory).appendingPathComponent(Self.fileName))
        } catch let e as RunError {
            throw ScriptError(.io, e.description)
        }
    }

    /// The latest task the scheduler knows for each combination (a later submission of a
    /// combination stands for it). Nil when the controller did not answer (`failure` says why).
    func latestTasks(failure: inout String?) -> [Int: Slurm.Task]? {
        var latest: [Int: Slurm.Task] = [:]
        for s in submissions {
            guard let tasks = Slurm.tasks(of: s.job, failure: &failure) else { return nil }
            for k in s.indices {
                if let t = tasks[k] { latest[k] = t } else { latest[k] = nil }
            }
        }
        return latest
    }

    /// The job ids, in submission order.
    var jobs: [String] { submissions.map(\.job) }
}
