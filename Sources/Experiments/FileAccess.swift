import Language
import Foundation
import Lab

/// Which files a script may touch. Scripts are shared between people, so running one must not
/// write outside its run directory or read files its author happens to know the path of.
///
/// - Writes (`save`, `plot ... to:`, any builtin that writes) go into the run directory or a
///   folder given with `--allow-write DIR`.
/// - Reads (`load`, `import`, any builtin that reads) come from the script's folder (and
///   below), the run directory, or a folder given with `--allow-read DIR`. A folder allowed
///   for writing is readable too.
///
/// Every path is resolved to its real path first (symbolic links followed, `..` applied the
/// way the system applies it), so `../x`, an absolute path and a link that points out of an
/// allowed folder are all caught the same way. A refused path is an error at the script line,
/// naming the path and the flag that would allow it.
public struct FileAccess: Sendable {
    /// `--allow-read DIR` folders, as given.
    public var allowRead: [String]
    /// `--allow-write DIR` folders, as given.
    public var allowWrite: [String]

    public init(allowRead: [String] = [], allowWrite: [String] = []) {
        self.allowRead = allowRead
        self.allowWrite = allowWrite
    }

    /// The real path of `path` when the script may write it; a located error otherwise.
    /// `runDirectories` are the run directory (and a sweep combination's own).
    func writable(_ path: String, runDirectories: [URL], span: SourceSpan?) throws -> URL {
        let real = Self.realPath(path)
        let roots = runDirectories.map(\.path) + allowWrite
        if Self.isInside(real, anyOf: roots) { return URL(fileURLWithPath: real) }
        throw ScriptError(.io, "cannot write \(real): a script writes only inside its run directory",
                          hint: "to allow it, run with --allow-write \(Self.suggestedFolder(real))", span: span)
    }

    /// The real path of `path` when the script may read it; a located error otherwise.
    func readable(_ path: String, scriptFolder: URL?, runDirectories: [URL], span: SourceSpan?) throws -> URL {
        let real = Self.realPath(path)
        let folder = scriptFolder?.path ?? FileManager.default.currentDirectoryPath
        let roots = [folder] + runDirectories.map(\.path) + allowRead + allowWrite
        if Self.isInside(real, anyOf: roots) { return URL(fileURLWithPath: real) }
        throw ScriptError(.io, "cannot read \(real): a script reads only from its own folder and its run directory",
                          hint: "to allow it, run with --allow-read \(Self.suggestedFolder(real))", span: span)
    }

    /// True when `path` (a real path) is one of `roots` or inside one (each root resolved too).
    static func isInside(_ path: String, anyOf roots: [String]) -> Bool {
        roots.contains { root in
            let r = realPath(root)
            return r == "/" || path == r || path.hasPrefix(r + "/")
        }
    }

    /// The folder to name in the hint: the file's own.
    private static func suggestedFolder(_ real: String) -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: real, isDirectory: &isDir), isDir.boolValue { return real }
        let parent = (real as NSString).deletingLastPathComponent
        return parent.isEmpty ? "/" : parent
    }

    /// `path` made absolute with every symbolic link in it followed: the longest part that exists
    /// is resolved by the system (`realpath`, so `link/..` means what it means to the kernel);
    /// the rest, which does not exist yet and so holds no links, is applied by name.
    static func realPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var existing = parts.count
        var base = "/"
        while existing > 0 {
            let prefix = "/" + parts[0..<existing].joined(separator: "/")
            if let resolved = realpath(prefix, nil) {
                base = String(cString: resolved)
                free(resolved)
                break
            }
            existing -= 1
        }
        var out = base.split(separator: "/").map(String.init)
        for p in parts[existing...] {
            if p == "." { continue }
            if p == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(p)
        }
        return "/" + out.joined(separator: "/")
    }
}
