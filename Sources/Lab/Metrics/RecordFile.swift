import Foundation

/// A binary file that only grows by whole records (the TensorBoard event file), written the
/// way `LineFile` writes metrics.csv: records are buffered and written in `write(2)` calls
/// that each end at a record boundary and stay within one 4 KiB page of the file (unless a
/// single record crosses a page boundary, then it goes alone), so a `kill -9` leaves whole
/// records. A failed write is cut back to the last whole record before it is reported.
final class RecordFile {
    let url: URL
    private var fd: Int32 = -1
    private var size = 0
    private var pending: [UInt8] = []
    /// Where each queued record ends in `pending`.
    private var ends: [Int] = []

    init(url: URL) { self.url = url }

    deinit { if fd >= 0 { close(fd) } }

    var buffered: Int { pending.count }

    /// Queues one record's data (framed here with TFRecord's length and CRCs).
    func append(_ data: [UInt8]) {
        pending += TensorBoardEvents.frame(data)
        ends.append(pending.count)
    }

    /// Writes the queued records.
    func write() throws {
        guard !pending.isEmpty else { return }
        try openIfNeeded()
        let page = 4096
        var start = 0, next = 0
        // What was written stays written: a later retry continues after it.
        defer {
            pending.removeFirst(start)
            ends = ends[next...].map { $0 - start }
        }
        try pending.withUnsafeBytes { bytes in
            while next < ends.count {
                let room = page - size % page
                var cut = next
                while cut < ends.count, ends[cut] - start <= room { cut += 1 }
                if cut == next { cut = next + 1 }  // one record across the page boundary goes alone
                let end = ends[cut - 1]
                if let code = FileIO.writeAll(fd, UnsafeRawBufferPointer(rebasing: bytes[start..<end])) {
                    // Keep the file at its last whole record; the full disk is what to report.
                    _ = ftruncate(fd, off_t(size))
                    throw AtomicFile.failure(url.path, code)
                }
                size += end - start
                start = end
                next = cut
            }
        }
    }

    /// Writes the queued records and asks the system to put the file on disk.
    func sync() throws {
        try write()
        if fd >= 0, fsync(fd) != 0, errno != EINVAL {  // EINVAL: a file system without fsync
            throw AtomicFile.failure(url.path, errno)
        }
    }

    private func openIfNeeded() throws {
        guard fd < 0 else { return }
        fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw AtomicFile.failure(url.path, errno) }
        var st = stat()
        // A new file is empty; should fstat fail on the open file, only the page alignment of
        // the writes (not their content) would be off.
        if fstat(fd, &st) == 0 { size = Int(st.st_size) }
    }
}
