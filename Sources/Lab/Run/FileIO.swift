import Foundation

/// File operations whose failures read as plain words with the path ("cannot write
/// runs/a/w.npy: the disk is full"), never as a Foundation error dump.
///
/// They work on POSIX calls, so the reason is an `errno` that `reason(errno:)` names.
public enum FileIO {
    /// What an `errno` from a file operation means, in words a user acts on.
    public static func reason(errno code: Int32) -> String {
        switch code {
        case ENOSPC: return "the disk is full"
        case EDQUOT: return "the disk quota is used up"
        case EACCES, EPERM: return "permission denied"
        case EROFS: return "the file system is read-only"
        case ENOENT: return "no such file or folder"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case EISDIR: return "it is a folder"
        case EEXIST: return "a file of that name is in the way"
        case ENAMETOOLONG: return "the name is too long"
        case ELOOP: return "too many symbolic links in the path"
        case EFBIG: return "the file would be too large"
        case EIO: return "a disk input/output error"
        case EMFILE, ENFILE: return "too many files are open"
        case EXDEV: return "it is on another file system"
        case EINVAL: return "the file system does not allow it"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    /// The plain reason behind any error from a file operation (a POSIX error inside a
    /// Foundation one, a `RunError`), without domains, codes or user-info dumps.
    public static func reason(_ error: Error) -> String {
        if let e = error as? RunError { return e.description }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return reason(errno: Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return reason(errno: ENOENT)
            case .fileReadNoPermission, .fileWriteNoPermission: return reason(errno: EACCES)
            case .fileWriteOutOfSpace: return reason(errno: ENOSPC)
            case .fileWriteVolumeReadOnly: return reason(errno: EROFS)
            case .fileWriteFileExists: return reason(errno: EEXIST)
            default: break
            }
        }
        return "\(type(of: error)) \(ns.code)"
    }

    /// Creates `url` and its missing parents. A part of the path that is a regular file is
    /// named in the error ("a.npy is a file, not a folder"); `what` names the folder in it
    /// ("cannot create the run directory ...").
    public static func createDirectories(_ url: URL, what: String = "the folder") throws {
        let path = url.standardizedFileURL.path
        if let reason = makeDirectories(path) { throw RunError.io("cannot create \(what) \(path): \(reason)") }
    }

    /// Creates the folders a file is to be written into; an error is about the file ("cannot
    /// write a.npy/w.npy: a.npy is a file, not a folder").
    public static func createParent(of file: URL) throws {
        if let reason = makeDirectories(file.deletingLastPathComponent().standardizedFileURL.path) {
            throw RunError.io("cannot write \(file.path): \(reason)")
        }
    }

    /// `mkdir -p`; returns why it failed, or nil.
    private static func makeDirectories(_ path: String) -> String? {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o777) == 0 { continue }
            let code = errno
            var st = stat()
            if code == EEXIST, stat(prefix, &st) == 0 {
                if st.st_mode & S_IFMT == S_IFDIR { continue }
                return "\(prefix) is a file, not a folder"
            }
            if code == ENOTDIR { return "\(fileAncestor(of: prefix) ?? "a part of the path") is a file, not a folder" }
            return reason(errno: code)
        }
        return nil
    }

    /// Reads a whole file.
    public static func read(_ url: URL) throws -> Data {
        let path = url.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RunError.io("cannot read \(path): \(readReason(path, errno))") }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { throw RunError.io("cannot read \(path): \(reason(errno: EISDIR))") }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return data }
            if n < 0 {
                if errno == EINTR { continue }
                throw RunError.io("cannot read \(path): \(reason(errno: errno))")
            }
            data.append(contentsOf: chunk[0..<n])
        }
    }

    /// Writes all of `bytes` to `fd` (a short write continues; EINTR retries). Returns the
    /// errno of a failure, or nil.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return ENOSPC }
            done += n
        }
        return nil
    }

    /// The reason a read of `path` failed, naming the part of the path that is a file.
    private static func readReason(_ path: String, _ code: Int32) -> String {
        if code == ENOTDIR, let file = fileAncestor(of: path) { return "\(file) is a file, not a folder" }
        return reason(errno: code)
    }

    /// The nearest ancestor of `path` that exists and is not a folder.
    static func fileAncestor(of path: String) -> String? {
        var p = (path as NSString).deletingLastPathComponent
        while !p.isEmpty, p != "/", p != "." {
            var st = stat()
            if stat(p, &st) == 0 { return st.st_mode & S_IFMT == S_IFDIR ? nil : p }
            p = (p as NSString).deletingLastPathComponent
        }
        return nil
    }
}
