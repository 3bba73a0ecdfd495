import Foundation
import Lab
import Testing

/// `kill -9` of `exp run` at any moment leaves metrics files a reader can trust: only complete
/// rows, the JSON lines agreeing with the CSV, tensor slices the JSON lines name, and no
/// temporary file.
@Suite struct MetricsKillTests {
    static let script = """
    let x = randn([8, 2])
    let y = x @ tensor([[3.0], [-1.0]])
    task data = {train: {input: x, target: y}}
    model m { param w = zeros([2, 1]); forward(x) = x @ w }
    train m on data with sgd(lr: 0.01) {
      steps 100000000
      batch full
      loss mean((output - target) ** 2)
      every 10 { log l = loss; log w0 = m.w[0, 0] }
      every 100 { log W = m.w }
    }

    """

    @Test func killedRunsLeaveOnlyCompleteAgreeingRows() throws {
        let dir = try ExperimentRunTests.tempDir()
        let script = dir.appendingPathComponent("long.exp")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        // Moments from before the first write to a few seconds of logging.
        let waits: [Double] = [0.05, 0.4, 0.7, 1.1, 1.6, 2.2, 2.9, 3.5]
        var rowsSeen: [Int] = []
        for (i, wait) in waits.enumerated() {
            let out = dir.appendingPathComponent("run\(i)")
            let (p, _, _) = try ExperimentRunTests.launch(["run", script.path, "--out", out.path, "--quiet"])
            usleep(useconds_t(wait * 1_000_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(p.terminationReason == .uncaughtSignal)
            rowsSeen.append(try Self.checkFiles(out))
        }
        // The later kills found rows (training logs while it runs, not only at its end).
        #expect(rowsSeen.suffix(4).allSatisfy { $0 > 100 }, "rows per kill: \(rowsSeen)")
    }

    /// Checks one killed (or failed, when `finished`) run's files and returns how many CSV rows
    /// it had.
    static func checkFiles(_ out: URL, finished: Bool = false) throws -> Int {
        let names = (FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String]) ?? []
        #expect(!names.contains { $0.contains(".tmp") }, "temporary files in \(out.path): \(names)")
        #expect(finished || !names.contains("metrics.json"), "metrics.json is written when a run ends, and this one was killed")
        let csvURL = out.appendingPathComponent("metrics.csv")
        guard FileManager.default.fileExists(atPath: csvURL.path) else { return 0 }
        let csv = try String(contentsOf: csvURL, encoding: .utf8)
        #expect(csv.hasPrefix("step,name,value\n"))
        #expect(csv.hasSuffix("\n"), "metrics.csv ends in a partial row: …\(csv.suffix(40))")
        var rows: [(step: Int, name: String, value: Double)] = []
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let value = f.count == 3 ? (f[2] == "nan" ? Double.nan : Double(f[2])) : nil
            guard f.count == 3, let step = Int(f[0]), let value, ["l", "w0"].contains(f[1]) else {
                Issue.record("a row that is not step,name,value: \(line)")
                return rows.count
            }
            rows.append((step, String(f[1]), value))
        }
        let jsonl = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(jsonl.isEmpty || jsonl.hasSuffix("\n"), "metrics.jsonl ends in a partial line")
        var scalarLines: [(step: Int, name: String, value: Double)] = []
        var slices = 0
        for line in jsonl.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let object, let step = object["step"] as? Int, let name = object["name"] as? String else {
                Issue.record("a JSON line without step and name: \(line)")
                continue
            }
            if let value = object["value"] as? Double {
                scalarLines.append((step, name, value))
            } else {
                #expect(name == "W" && object["file"] as? String == "tensors/W.npy" && object["index"] as? Int == slices)
                slices += 1
            }
        }
        // The CSV is written first: the JSON lines hold the same rows, at most one write behind.
        #expect(scalarLines.count <= rows.count)
        for (a, b) in zip(rows, scalarLines) where a.step != b.step || a.name != b.name || a.value != b.value {
            Issue.record("metrics.jsonl disagrees with metrics.csv: \(b) vs \(a)")
            break
        }
        // The TensorBoard event file: whole records with good CRCs, the CSV's rows in order
        // (written after it, so at most one write behind).
        if let events = names.first(where: { $0.hasPrefix("events.out.tfevents.") }) {
            let scalars = try TensorBoardRecords.scalars(Array(try Data(contentsOf: out.appendingPathComponent(events))))
            #expect(scalars.count <= rows.count)
            for (a, b) in zip(rows, scalars) where a.step != b.step || a.name != b.tag || Float(a.value) != b.value {
                Issue.record("the event file disagrees with metrics.csv: \(b) vs \(a)")
                break
            }
        }
        if slices > 0 {
            // The .npy is written before its JSON line: it holds at least the slices named.
            let npy = try NPY.decode(Data(contentsOf: out.appendingPathComponent("tensors/W.npy")))
            #expect(npy.shape.count == 3 && npy.shape[0] >= slices && Array(npy.shape.dropFirst()) == [2, 1])
        }
        return rows.count
    }
}

/// Reads a TensorBoard event file by hand (TFRecord framing, then the Event fields exp
/// writes), checking every CRC: a reader that trusts nothing.
enum TensorBoardRecords {
    struct Scalar: Equatable { var step: Int; var tag: String; var value: Float }

    static func scalars(_ bytes: [UInt8]) throws -> [Scalar] {
        var out: [Scalar] = [], at = 0
        func u32(_ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[i + $1]) << (8 * $1) } }
        while at < bytes.count {
            try #require(at + 12 <= bytes.count, "the event file ends inside a record header")
            let length = Int((0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * $1) })
            try #require(at + 16 + length <= bytes.count, "the event file ends inside a record")
            #expect(u32(at + 8) == CRC32C.masked(bytes[at..<at + 8]))
            let data = Array(bytes[at + 12..<at + 12 + length])
            #expect(u32(at + 12 + length) == CRC32C.masked(data))
            var step = 0, tag: String?, value: Float = 0
            for (field, payload) in fields(data) {
                if field == 2 { step = Int(payload.varint) }
                if field == 5, let v = fields(payload.bytes).first(where: { $0.0 == 1 }) {
                    for (f, p) in fields(v.1.bytes) {
                        if f == 1 { tag = String(decoding: p.bytes, as: UTF8.self) }
                        if f == 2 { value = Float(bitPattern: UInt32(truncatingIfNeeded: p.varint)) }
                    }
                }
            }
            if let tag { out.append(Scalar(step: step, tag: tag, value: value)) }
            at += 16 + length
        }
        return out
    }

    /// A field's payload: a number (varint or fixed) or bytes.
    struct Payload { var varint: UInt64 = 0; var bytes: [UInt8] = [] }

    static func fields(_ b: [UInt8]) -> [(Int, Payload)] {
        var out: [(Int, Payload)] = [], i = 0
        func varint() -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while i < b.count { let x = b[i]; i += 1; v |= UInt64(x & 0x7F) << shift; shift += 7; if x < 0x80 { break } }
            return v
        }
        while i < b.count {
            let key = varint()
            var p = Payload()
            switch key & 7 {
            case 0: p.varint = varint()
            case 1: p.varint = (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[i + $1]) << (8 * $1) }; i += 8
            case 5: p.varint = (0..<4).reduce(UInt64(0)) { $0 | UInt64(b[i + $1]) << (8 * $1) }; i += 4
            case 2: let n = Int(varint()); p.bytes = Array(b[i..<i + n]); i += n
            default: return out
            }
            out.append((Int(key >> 3), p))
        }
        return out
    }
}
