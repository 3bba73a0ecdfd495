import Foundation
import Testing
import Tensors
@testable import Lab

func tempDir() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct RunOutputTests {
    @Test func metricsAreWrittenAsCSVAndJSON() throws {
        let dir = try tempDir()
        let log = MetricLog(directory: dir)
        try log.record("loss", step: 0, value: 2.5)
        try log.record("acc", step: 0, value: 0.1)
        try log.record("loss", step: 10, value: 1.25)
        try log.record("W", step: 10, tensor: Tensor([1, 2, 3, 4], dtype: .float32).viewing(as: [2, 2]))
        try log.record("loss", step: 20, value: .nan)
        try log.flush()
        let csv = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv == "step,name,value\n0,loss,2.5\n0,acc,0.1\n10,loss,1.25\n20,loss,nan\n")
        let lines = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(lines == """
            {"step":0,"name":"loss","value":2.5}
            {"step":0,"name":"acc","value":0.1}
            {"step":10,"name":"loss","value":1.25}
            {"step":10,"name":"W","file":"tensors/W.npy","index":0,"shape":[2,2]}
            {"step":20,"name":"loss","value":"nan"}

            """)
        // metrics.json, every series whole, appears once the log is closed (the script's end).
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("metrics.json").path))
        try log.close()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as! [String: Any]
        #expect(json["order"] as? [String] == ["loss", "acc", "W"])
        let npy = try NPY.decode(Data(contentsOf: dir.appendingPathComponent("tensors/W.npy")))
        #expect(npy.shape == [1, 2, 2] && npy.toDoubles() == [1, 2, 3, 4])
        // No temporary files are left behind by the atomic writes.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!names.contains { $0.contains(".tmp-") })
    }

    @Test func runDirectoryGetsAFreshFolderPerRun() throws {
        let root = try tempDir().path
        let date = Date(timeIntervalSince1970: 0)
        let a = try RunDirectory.create(scriptName: "x.exp", out: nil, root: root, now: date)
        let b = try RunDirectory.create(scriptName: "x.exp", out: nil, root: root, now: date)
        #expect(a.url != b.url)
        #expect(a.url.path.contains("/x/"))
        try a.write("seed 1\n", to: "script.exp")
        #expect(try String(contentsOf: a.file("script.exp"), encoding: .utf8) == "seed 1\n")
    }

    @Test func safetensorsRoundTrip() throws {
        let w = try Tensor([1.5, -2, 3, 4, 5, 6], shape: [2, 3], dtype: .float32)
        let i = try Tensor(ints: [7, 8, 9])
        let data = try Safetensors.encode([("w", w), ("idx", i)], metadata: ["format": "pt"])
        let back = try Safetensors.decode(data)
        #expect(back.map(\.0) == ["idx", "w"])
        #expect(back[1].1.shape == [2, 3] && back[1].1.dtype == .float32 && back[1].1.toDoubles() == w.toDoubles())
        #expect(back[0].1.toInts() == [7, 8, 9])
        #expect(throws: RunError.self) { try Safetensors.decode(Data([1, 2, 3])) }
        #expect(throws: RunError.self) { try Safetensors.decode(data.prefix(40)) }
    }

    @Test func npyRoundTripAndNumpyCanReadIt() throws {
        let x = try Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2], dtype: .float64)
        let dir = try tempDir()
        let file = dir.appendingPathComponent("x.npy")
        try NPY.encode(x).write(to: file)
        #expect(try NPY.decode(Data(contentsOf: file)).toDoubles() == x.toDoubles())
        // When numpy is installed, check the file with the real reader too.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import numpy as n; a = n.load('\(file.path)'); print(a.shape, a.dtype, a.sum())"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus == 0 {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "(3, 2) float64 21.0")
        }
    }
}
