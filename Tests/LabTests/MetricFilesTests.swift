import Foundation
import Testing
import Tensors
@testable import Lab

/// The metrics files are appended to, never rewritten, and always hold whole lines; whole-file
/// writes never leave temporary files; file errors read as plain words with the path.
@Suite struct MetricFilesTests {
    @Test func metricsFilesAreAppendedToNotRewritten() throws {
        let dir = try tempDir()
        let log = MetricLog(directory: dir)
        for step in 0..<100 { try log.record("loss", step: Double(step), value: 1 / Double(step + 1)) }
        try log.flush()
        // Mark the first byte of each file: a rewrite would restore it.
        for name in ["metrics.csv", "metrics.jsonl"] {
            let h = try FileHandle(forUpdating: dir.appendingPathComponent(name))
            try h.write(contentsOf: Data("#".utf8))
            try h.close()
        }
        for step in 100..<200 { try log.record("loss", step: Double(step), value: 1 / Double(step + 1)) }
        try log.flush()
        let csv = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let jsonl = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(csv.hasPrefix("#tep,name,value\n0,loss,1\n"))
        #expect(jsonl.hasPrefix("#\"step\":0,"))
        #expect(csv.split(separator: "\n").count == 201 && csv.hasSuffix("199,loss,0.005\n"))
        #expect(jsonl.split(separator: "\n").count == 200)
    }

    @Test func rowsAreWrittenWhileTrainingNotOnlyAtTheEnd() throws {
        let dir = try tempDir()
        let log = MetricLog(directory: dir)
        // Past 64 KiB of buffered lines (about 500 of these rows) the log writes them unasked.
        for step in 0..<2000 { try log.record("a_long_metric_name_to_fill_the_buffer", step: Double(step), value: Double(step)) }
        let csv = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count > 500)
        #expect(csv.hasSuffix("\n"))
    }

    @Test func linesCrossingPageBoundariesArriveWhole() throws {
        let dir = try tempDir()
        let file = LineFile(url: dir.appendingPathComponent("lines.txt"))
        var want = ""
        var rng = SystemRandomNumberGenerator()
        for i in 0..<3000 {
            // Short lines, lines of about a page and one longer than two pages.
            let length = i == 1500 ? 9000 : i % 97 == 0 ? Int.random(in: 3000...5000, using: &rng) : Int.random(in: 1...80, using: &rng)
            let line = String(repeating: Character(UnicodeScalar(UInt8(97 + i % 26))), count: length)
            file.append(line)
            want += line + "\n"
            if i % 500 == 0 { try file.write() }
        }
        try file.sync()
        #expect(try String(contentsOf: dir.appendingPathComponent("lines.txt"), encoding: .utf8) == want)
    }

    @Test func aFullDiskIsAPlainErrorAndTheFileKeepsWholeLines() throws {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let file = LineFile(url: URL(fileURLWithPath: "/dev/full"))
        file.append("0,loss,1")
        #expect {
            try file.write()
        } throws: { error in
            "\(error)" == "cannot write /dev/full: the disk is full"
        }
    }

    @Test func aTensorSeriesGrowsAsAValidNpyFile() throws {
        let dir = try tempDir()
        let log = MetricLog(directory: dir)
        let url = dir.appendingPathComponent("tensors/attn.npy")
        var sizes: [Int] = []
        for step in 0..<5 {
            let values: [Double] = (0..<6).map { Double($0 + 10 * step) }
            let t = try Tensor(values, shape: [2, 3], dtype: .float32)
            try log.record("attn", step: Double(step * 10), tensor: t)
            // Readable after every step, with every step so far, and nothing rewritten.
            let npy = try NPY.decode(Data(contentsOf: url))
            #expect(npy.shape == [step + 1, 2, 3])
            #expect(Array(npy.toDoubles().suffix(6)) == values)
            sizes.append(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int)
        }
        let growth: [Int] = zip(sizes, sizes.dropFirst()).map { $1 - $0 }
        #expect(growth == [24, 24, 24, 24])
        // A second train logging the name again, with another shape: a new file, the first kept.
        log.reset("attn")
        try log.record("attn", step: 0, tensor: Tensor([1, 2], dtype: .float64))
        try log.record("attn", step: 1, tensor: Tensor([1, 2, 3], dtype: .float64))
        try log.close()
        #expect(try NPY.decode(Data(contentsOf: url)).shape == [5, 2, 3])
        #expect(try NPY.decode(Data(contentsOf: dir.appendingPathComponent("tensors/attn-2.npy"))).toDoubles() == [1, 2])
        #expect(try NPY.decode(Data(contentsOf: dir.appendingPathComponent("tensors/attn-3.npy"))).toDoubles() == [1, 2, 3])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as! [String: Any]
        let attn = (json["metrics"] as! [String: Any])["attn"] as! [String: Any]
        #expect(attn["file"] is NSNull)
        #expect((attn["parts"] as? [[String: Any]])?.map { $0["file"] as? String } == ["tensors/attn-2.npy", "tensors/attn-3.npy"])
    }

    @Test func atomicWritesReplaceWholeFilesAndLeaveNoTemporaryFile() throws {
        let dir = try tempDir()
        let url = dir.appendingPathComponent("summary.txt")
        try AtomicFile.write("first\n", to: url)
        try AtomicFile.write("second\n", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["summary.txt"])
    }

    @Test func aFailedWriteLeavesTheEarlierFileAsItWas() throws {
        let dir = try tempDir()
        let url = dir.appendingPathComponent("w.npy")
        try AtomicFile.write("weights", to: url)
        // A folder in the way: the error says so and names the path.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("fig.svg"), withIntermediateDirectories: false)
        #expect { try AtomicFile.write("x", to: dir.appendingPathComponent("fig.svg")) } throws: { error in
            "\(error)" == "cannot write \(dir.path)/fig.svg: it is a folder"
        }
        // A path under a regular file.
        #expect { try AtomicFile.write("x", to: url.appendingPathComponent("x.npy")) } throws: { error in
            "\(error)" == "cannot write \(url.path)/x.npy: \(url.path) is a file, not a folder"
        }
        #expect { try FileIO.createParent(of: url.appendingPathComponent("a/b.svg")) } throws: { error in
            "\(error)" == "cannot write \(url.path)/a/b.svg: \(url.path) is a file, not a folder"
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "weights")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["fig.svg", "w.npy"])
    }

    @Test func aSpecialFileIsNeverReplaced() throws {
        let dir = try tempDir()
        let fifo = dir.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect { try AtomicFile.write("x", to: fifo) } throws: { error in
            "\(error)" == "cannot write \(fifo.path): it is not a regular file"
        }
        var st = stat()
        #expect(lstat(fifo.path, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func fileErrorsArePlainWords() {
        #expect(FileIO.reason(errno: ENOSPC) == "the disk is full")
        #expect(FileIO.reason(errno: EACCES) == "permission denied")
        #expect(FileIO.reason(errno: EROFS) == "the file system is read-only")
        let cocoa = CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: "/x"])
        #expect(FileIO.reason(cocoa) == "a file of that name is in the way")
        let wrapped = NSError(domain: NSCocoaErrorDomain, code: 512, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])
        #expect(FileIO.reason(wrapped) == "the disk is full")
        #expect(!FileIO.reason(NSError(domain: NSCocoaErrorDomain, code: 4)).contains("Domain"))
    }
}
