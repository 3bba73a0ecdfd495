import Foundation

/// A text file that only grows by whole lines (metrics.csv, metrics.jsonl).
///
/// Lines are buffered and written in `write(2)` calls that each end at a line end, so a file
/// never shows a partial line, also after `kill -9`: Linux stops a write to a regular file on
/// a fatal signal only between two pages of it, so every call is kept within one 4 KiB page
/// of the file unless a single line itself crosses a page boundary (then that one line goes
/// in one call, the only moment a kill could cut a line). Nothing is ever rewritten: the work
/// per line is constant however long the file is.
///
/// A failed write (a full disk) is cut back to the last complete line before the error is
/// reported, so what was written before stays readable.
final class LineFile {
    let url: URL
    private var fd: Int32 = -1
    /// Bytes in the file (this object is its only writer).
    private var size = 0
    private var pending: [UInt8] = []
    /// Bytes that were buffered and are now in the file.
    private(set) var written = 0

    init(url: URL) { self.url = url }

    deinit { if fd >= 0 { close(fd) } }

    var buffered: Int { pending.count }

    /// Queues one line (without its newline).
    func append(_ line: String) {
        pending.append(contentsOf: line.utf8)
        pending.append(0x0A)
    }

    /// Writes the queued lines.
    func write() throws {
        guard !pending.isEmpty else { return }
        try openIfNeeded()
        let page = 4096
        var start = 0
        // What was written stays written: a later retry continues after it.
        defer { pending.removeFirst(start) }
        try pending.withUnsafeBytes { bytes in
            while start < bytes.count {
                // The longest run of whole lines that stays inside the current page, or the
                // next line alone when even it crosses the boundary.
                let room = page - size % page
                var end = start
                var cut = -1
                while end < bytes.count, end - start < room {
                    if bytes[end] == 0x0A { cut = end + 1 }
                    end += 1
                }
                if cut < 0 {
                    cut = start
                    while bytes[cut] != 0x0A { cut += 1 }
                    cut += 1
                }
                if let code = FileIO.writeAll(fd, UnsafeRawBufferPointer(rebasing: bytes[start..<cut])) {
                    // Keep the file at its last complete line; the full disk is what to report.
                    _ = ftruncate(fd, off_t(size))
                    throw AtomicFile.failure(url.path, code)
                }
                size += cut - start
                written += cut - start
                start = cut
            }
        }
    }

    /// Writes the queued lines and asks the system to put the file on disk (end of a train
    /// block, end of the run: a power cut keeps what was logged up to there).
    func sync() throws {
        try write()
        if fd >= 0, fsync(fd) != 0, errno != EINVAL {  // EINVAL: a file system without fsync (a pipe-like special file)
            throw AtomicFile.failure(url.path, errno)
        }
    }

    private func openIfNeeded() throws {
        guard fd < 0 else { return }
        fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw AtomicFile.failure(url.path, errno) }
        var st = stat()
        if fstat(fd, &st) == 0 { size = Int(st.st_size) }
    }
}
