import Foundation

/// Whole-file writes that readers never see half done and that leave no temporary file
/// behind, even when the process is killed in the middle.
///
/// The content goes into an anonymous file in the target's directory (`O_TMPFILE`: it has no
/// name, so a `kill -9` makes it vanish), which is then linked in under the target's name.
/// Replacing an existing file needs a name for the new content before the atomic `rename`, so
/// only that window of two system calls can leave a `.NAME.tmp-PID` behind. File systems
/// without `O_TMPFILE` get the classic temporary file plus rename.
/// A failed write leaves the old file as it was.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let path = url.path
        let dir = url.deletingLastPathComponent().path
        var st = stat()
        if lstat(path, &st) == 0 {
            // Replacing a device, a pipe or a folder by a regular file is never what was meant
            // (as root, `/dev/null` would be gone).
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR { throw failure(path, EISDIR) }
            if type != S_IFREG && type != S_IFLNK { throw RunError.io("cannot write \(path): it is not a regular file") }
        }
        let fd = open(dir.isEmpty ? "." : dir, O_TMPFILE_FLAG | O_WRONLY | O_CLOEXEC, 0o666)
        if fd < 0 {
            let code = errno
            // EOPNOTSUPP/EISDIR/EINVAL: this file system or kernel has no anonymous files.
            if code == EOPNOTSUPP || code == EISDIR || code == EINVAL { return try writeNamed(data, to: path) }
            throw failure(path, code)
        }
        defer { close(fd) }
        if let code = data.withUnsafeBytes({ FileIO.writeAll(fd, $0) }) { throw failure(path, code) }
        let handle = "/proc/self/fd/\(fd)"
        if linkat(AT_FDCWD, handle, AT_FDCWD, path, Int32(AT_SYMLINK_FOLLOW)) == 0 { return }
        let code = errno
        if code == ENOENT, access("/proc/self/fd", F_OK) != 0 { return try writeNamed(data, to: path) }  // no /proc
        guard code == EEXIST else { throw failure(path, code) }
        let tmp = temporaryName(path)
        guard linkat(AT_FDCWD, handle, AT_FDCWD, tmp, Int32(AT_SYMLINK_FOLLOW)) == 0 else { throw failure(path, errno) }
        try replace(path, with: tmp)
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// `O_TMPFILE` (Swift does not import the composite C macro): `__O_TMPFILE | O_DIRECTORY`.
    static let O_TMPFILE_FLAG: Int32 = 0o20000000 | O_DIRECTORY

    private static func temporaryName(_ path: String) -> String {
        let u = URL(fileURLWithPath: path)
        return u.deletingLastPathComponent().appendingPathComponent(".\(u.lastPathComponent).tmp-\(getpid())").path
    }

    /// The fallback: a named temporary file, then rename.
    private static func writeNamed(_ data: Data, to path: String) throws {
        let tmp = temporaryName(path)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(path, errno) }
        let code = data.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        close(fd)
        if let code {
            unlink(tmp)  // the write's error is the one to report; the target is untouched
            throw failure(path, code)
        }
        try replace(path, with: tmp)
    }

    private static func replace(_ path: String, with tmp: String) throws {
        if rename(tmp, path) != 0 {
            let code = errno
            unlink(tmp)  // the rename's error is the one to report; the target is untouched
            throw failure(path, code)
        }
    }

    static func failure(_ path: String, _ code: Int32) -> RunError {
        if code == ENOTDIR, let file = FileIO.fileAncestor(of: path) {
            return .io("cannot write \(path): \(file) is a file, not a folder")
        }
        return .io("cannot write \(path): \(FileIO.reason(errno: code))")
    }
}

/// Errors from the run directory and file formats.
public enum RunError: Error, CustomStringConvertible, Sendable {
    case io(String)
    case format(String)

    public var description: String {
        switch self {
        case .io(let m), .format(let m): return m
        }
    }
}
