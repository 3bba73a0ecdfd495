import Foundation

/// Whole-file writes that readers never see half done: write a temporary file in the same
/// directory, then rename it over the target (rename is atomic within a file system).
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try data.write(to: tmp)
            if rename(tmp.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        } catch {
            // Cleanup on the error path: the error being thrown is the one to report.
            try? FileManager.default.removeItem(at: tmp)
            throw RunError.io("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
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
