import Foundation

/// The git commit a script's folder is at, for settings.json: which code produced a run.
///
/// Found by running `git` (read-only: `rev-parse HEAD`, `status --porcelain`) in the folder.
/// Where there is no answer (git is not installed, the folder is not in a repository, a
/// repository without commits) there is no revision: the run is recorded without one, which
/// is the truth about it, and no run fails for a missing version control system.
public struct GitRevision: Sendable, Equatable {
    /// The full commit hash of HEAD.
    public let commit: String
    /// True when tracked or untracked files differ from that commit (`git status` not empty).
    public let dirty: Bool

    public init(commit: String, dirty: Bool) {
        self.commit = commit
        self.dirty = dirty
    }

    /// The revision of the repository holding `folder`, or nil (see the type's comment).
    public static func of(folder: URL) -> GitRevision? {
        guard let head = git(["rev-parse", "--verify", "HEAD"], in: folder)?.trimmingCharacters(in: .whitespacesAndNewlines),
              head.count >= 40, head.allSatisfy(\.isHexDigit) else { return nil }
        guard let status = git(["status", "--porcelain", "--untracked-files=normal"], in: folder) else { return nil }
        return GitRevision(commit: head, dirty: !status.isEmpty)
    }

    /// The standard output of `git ARGS` run in `folder`, or nil when it cannot run or fails.
    static func git(_ arguments: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        let out = Pipe()
        process.standardOutput = out
        // git's complaints ("not a git repository") are the expected answer outside one.
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"  // `git status` must not take the index lock of a repository in use
        environment["LC_ALL"] = "C"
        process.environment = environment
        do { try process.run() } catch { return nil }  // no env or no git: no revision (see above)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
