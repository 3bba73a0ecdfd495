@testable import Experiments
import Foundation
import Lab
import Language
import Tensors
import Testing

/// A script writes only inside its run directory and reads only from its own folder, the run
/// directory and the folders the user allows; file errors are located, plain and keep what
/// was written.
@Suite struct FileAccessTests {
    final class Sink: @unchecked Sendable { var out: [String] = []; var err = "" }

    /// A script folder, a run directory and a folder outside both, fresh for each test.
    struct Place {
        let folder: URL, out: URL, other: URL
        var script: URL { folder.appendingPathComponent("s.exp") }

        init() throws {
            let root = try ExperimentRunTests.tempDir()
            folder = root.appendingPathComponent("scripts")
            out = root.appendingPathComponent("run")
            other = root.appendingPathComponent("elsewhere")
            for d in [folder, out, other] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        }

        /// Runs (or checks) `text` as `s.exp` in the script folder with `access`.
        func run(_ text: String, access: FileAccess = FileAccess(), check: Bool = false) throws -> (code: ExitCode, err: String, out: [String]) {
            try text.write(to: script, atomically: true, encoding: .utf8)
            let sink = Sink()
            var runner = ScriptRunner(output: { sink.out.append($0) }, errorOutput: { sink.err += $0 })
            var config = ExperimentRuntime.Config(scriptPath: script.path, scriptText: text, outDirectory: out.path)
            config.quiet = true
            config.fileAccess = access
            runner.makeExperiments = { ExperimentRuntime(config) }
            let code = check ? runner.check(path: script.path) : runner.run(path: script.path)
            return (code, sink.err, sink.out)
        }

        func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
    }

    // MARK: - Writes

    @Test func writesOutsideTheRunDirectoryAreLocatedErrorsNamingTheFlag() throws {
        let p = try Place()
        let cases: [(String, URL)] = [
            ("save tensor([1.0, 2.0]) to \"../x.npy\"", p.out.deletingLastPathComponent().appendingPathComponent("x.npy")),
            ("save tensor([1.0, 2.0]) to \"\(p.other.path)/x.npy\"", p.other.appendingPathComponent("x.npy")),
            ("plot [1, 2, 3], to: \"../../fig.svg\"", p.out.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fig.svg")),
            ("plot [1, 2, 3], to: \"\(p.other.path)/fig.png\"", p.other.appendingPathComponent("fig.png")),
        ]
        for (line, target) in cases {
            let r = try p.run("let a = 1\n" + line + "\n")
            #expect(r.code == .runtimeError, "\(line)")
            #expect(r.err.contains("s.exp:2:"), "located at the line: \(r.err)")
            #expect(r.err.contains("cannot write \(target.path): a script writes only inside its run directory"), "\(r.err)")
            #expect(r.err.contains("--allow-write \(target.deletingLastPathComponent().path)"), "\(r.err)")
            #expect(!p.exists(target))
        }
    }

    @Test func allowWriteOpensAFolder() throws {
        let p = try Place()
        let r = try p.run("save tensor([1.0, 2.0]) to \"\(p.other.path)/x.npy\"\nplot [1, 2], to: \"\(p.other.path)/sub/fig.svg\"\n",
                          access: FileAccess(allowWrite: [p.other.path]))
        #expect(r.code == .ok, "\(r.err)")
        #expect(p.exists(p.other.appendingPathComponent("x.npy")) && p.exists(p.other.appendingPathComponent("sub/fig.svg")))
    }

    @Test func aSymlinkOutOfTheRunDirectoryIsCaught() throws {
        let p = try Place()
        try FileManager.default.createSymbolicLink(at: p.out.appendingPathComponent("link"), withDestinationURL: p.other)
        try Data("kept".utf8).write(to: p.other.appendingPathComponent("w.npy"))
        try FileManager.default.createSymbolicLink(at: p.out.appendingPathComponent("w.npy"), withDestinationURL: p.other.appendingPathComponent("w.npy"))
        for line in ["save tensor([1.0]) to \"link/x.npy\"", "save tensor([1.0]) to \"w.npy\"", "plot [1, 2], to: \"link/fig.svg\""] {
            let r = try p.run(line + "\n")
            #expect(r.code == .runtimeError, "\(line)")
            #expect(r.err.contains("s.exp:1:") && r.err.contains("a script writes only inside its run directory"), "\(r.err)")
            #expect(r.err.contains(p.other.resolvingSymlinksInPath().path), "the real path is named: \(r.err)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: p.other.path) == ["w.npy"])
        #expect(try String(contentsOf: p.other.appendingPathComponent("w.npy"), encoding: .utf8) == "kept")
    }

    @Test func writesInsideTheRunDirectoryWork() throws {
        let p = try Place()
        let r = try p.run("save tensor([1.0, 2.0]) to \"a/b/x.npy\"\nsave tensor([3.0]) to \"\(p.out.path)/y.npy\"\nload x from \"a/b/x.npy\"\nprint(x.tolist())\n")
        #expect(r.code == .ok, "\(r.err)")
        #expect(r.out == ["[1.0, 2.0]"])
    }

    @Test func aSweepBodyMayWriteTheSameFilesForAnyJobs() throws {
        // Each combination's directory is inside the run directory: `../` from it stays inside
        // (allowed), an outside path is refused, with --jobs 1 and in child processes alike.
        let p = try Place()
        let body = """
        sweep k in [1, 2] {
          save tensor([1.0, 2.0]) to "../shared.npy"
          save tensor([1.0]) to "w.npy"
        }
        save tensor([3.0]) to "\(p.other.path)/out.npy"

        """
        try body.write(to: p.script, atomically: true, encoding: .utf8)
        var outcomes: [(Int32, String)] = []
        for jobs in ["1", "2"] {
            let out = p.out.appendingPathComponent("jobs\(jobs)")
            let (proc, _, err) = try ExperimentRunTests.launch(["run", p.script.path, "--out", out.path, "--quiet", "--jobs", jobs])
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            proc.waitUntilExit()
            #expect(p.exists(out.appendingPathComponent("sweep-1/shared.npy")), "jobs \(jobs): \(text)")
            #expect(p.exists(out.appendingPathComponent("sweep-1/1_k=2/w.npy")))
            outcomes.append((proc.terminationStatus, text))
        }
        #expect(outcomes[0].0 == 70 && outcomes[1].0 == 70)
        #expect(outcomes[0].1 == outcomes[1].1)
        #expect(outcomes[0].1.contains("s.exp:5:23: error: cannot write \(p.other.path)/out.npy: a script writes only inside its run directory"), "\(outcomes[0].1)")
        #expect(!p.exists(p.other.appendingPathComponent("out.npy")))
    }

    // MARK: - Reads

    @Test func readsComeFromTheScriptFolderTheRunDirectoryOrAllowedFolders() throws {
        let p = try Place()
        let w = try Tensor([1, 2, 3], dtype: .float32)
        try FileManager.default.createDirectory(at: p.folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        try NPY.encode(w).write(to: p.folder.appendingPathComponent("data/w.npy"))
        try NPY.encode(w).write(to: p.other.appendingPathComponent("w.npy"))
        try FileManager.default.createSymbolicLink(at: p.folder.appendingPathComponent("escape"), withDestinationURL: p.other)

        #expect(try p.run("load w from \"data/w.npy\"\nprint(w.tolist())\n").out == ["[1.0, 2.0, 3.0]"])
        for path in [p.other.appendingPathComponent("w.npy").path, "../elsewhere/w.npy", "escape/w.npy"] {
            let r = try p.run("let a = 1\nload w from \"\(path)\"\n")
            #expect(r.code == .runtimeError, "\(path)")
            #expect(r.err.contains("s.exp:2:") && r.err.contains("a script reads only from its own folder and its run directory"), "\(r.err)")
            #expect(r.err.contains("--allow-read \(p.other.resolvingSymlinksInPath().path)"), "\(r.err)")
        }
        let allowed = try p.run("load w from \"escape/w.npy\"\nprint(w.tolist())\n", access: FileAccess(allowRead: [p.other.path]))
        #expect(allowed.code == .ok && allowed.out == ["[1.0, 2.0, 3.0]"], "\(allowed.err)")
    }

    @Test func importsAreReadsToo() throws {
        let p = try Place()
        try "fn twice(x) = 2 * x\n".write(to: p.other.appendingPathComponent("lib.exp"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: p.folder.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try "fn thrice(x) = 3 * x\n".write(to: p.folder.appendingPathComponent("lib/ok.exp"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: p.folder.appendingPathComponent("lib/link.exp"), withDestinationURL: p.other.appendingPathComponent("lib.exp"))

        #expect(try p.run("import \"lib/ok.exp\"\nprint(thrice(2))\n").out == ["6"])
        for path in ["../elsewhere/lib.exp", p.other.appendingPathComponent("lib.exp").path, "lib/link.exp"] {
            // `exp check` refuses exactly what `exp run` refuses, before anything runs.
            for check in [false, true] {
                let r = try p.run("import \"\(path)\"\nprint(twice(2))\n", check: check)
                #expect(r.code == .scriptError, "\(path)")
                #expect(r.err.contains("s.exp:1:8: error: cannot read \(p.other.resolvingSymlinksInPath().path)/lib.exp: a script reads only"), "\(r.err)")
                #expect(r.err.contains("--allow-read"))
                #expect(r.out.isEmpty)
            }
        }
        let allowed = try p.run("import \"lib/link.exp\"\nprint(twice(2))\n", access: FileAccess(allowRead: [p.other.path]))
        #expect(allowed.out == ["4"], "\(allowed.err)")
    }

    @Test func theRealPathFollowsLinksTheWayTheSystemDoes() throws {
        let p = try Place()
        let deep = p.other.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: p.out.appendingPathComponent("link"), withDestinationURL: deep)
        // link/.. is a/ (the link's parent), not the run directory: a name-only `..` would be fooled.
        let real = p.other.resolvingSymlinksInPath().path
        let r = try p.run("save tensor([1.0]) to \"link/../x.npy\"\n")
        #expect(r.code == .runtimeError)
        #expect(r.err.contains("cannot write \(real)/a/x.npy: a script writes only inside its run directory"), "\(r.err)")
        #expect(!p.exists(p.other.appendingPathComponent("a/x.npy")))
        // Folders that do not exist yet hold no links: their `..` is applied by name.
        #expect(try p.run("save tensor([1.0]) to \"new/dir/../x.npy\"\n").code == .ok)
        #expect(p.exists(p.out.appendingPathComponent("new/x.npy")))
    }

    // MARK: - File errors

    @Test func aPathUnderARegularFileIsALocatedPlainError() throws {
        let p = try Place()
        let r = try p.run("let x = tensor([1.0, 2.0])\nsave x to \"a.npy\"\nsave x to \"a.npy/b.npy\"\n")
        #expect(r.code == .runtimeError)
        #expect(r.err.contains("s.exp:3:11: error: cannot write \(p.out.path)/a.npy/b.npy: \(p.out.path)/a.npy is a file, not a folder"), "\(r.err)")
        #expect(!r.err.contains("Domain") && !r.err.contains("Code="))
        // The file written before is intact.
        #expect(try NPY.decode(Data(contentsOf: p.out.appendingPathComponent("a.npy"))).toDoubles() == [1, 2])

        let plot = try p.run("save tensor([1.0]) to \"a.npy\"\nplot [1, 2, 3], to: \"a.npy/fig.svg\"\n")
        #expect(plot.code == .runtimeError)
        #expect(plot.err.contains("s.exp:2:21: error: cannot write \(p.out.path)/a.npy/fig.svg: \(p.out.path)/a.npy is a file, not a folder"), "\(plot.err)")
    }

    @Test func writingIntoProcIsALocatedPlainError() throws {
        let p = try Place()
        let r = try p.run("save tensor([1.0]) to \"/proc/x.npy\"\n", access: FileAccess(allowWrite: ["/proc"]))
        #expect(r.code == .runtimeError)
        #expect(r.err.contains("s.exp:1:23: error: cannot write /proc/x.npy: "), "\(r.err)")
        #expect(!r.err.contains("Domain") && !r.err.contains("Code="))
    }

    @Test func anUnwritableFolderIsALocatedPlainError() throws {
        // Root writes anywhere, so only another user can see this refusal.
        guard geteuid() != 0 else { return }
        let p = try Place()
        let locked = p.other.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        chmod(locked.path, 0o500)
        defer { chmod(locked.path, 0o700) }
        let r = try p.run("plot [1, 2], to: \"\(locked.path)/fig.svg\"\n", access: FileAccess(allowWrite: [p.other.path]))
        #expect(r.err.contains("s.exp:1:18: error: cannot write \(locked.path)/fig.svg: permission denied"), "\(r.err)")
    }

    @Test func outUnderARegularFileIsAUsageError() throws {
        let p = try Place()
        try "print(1)\n".write(to: p.script, atomically: true, encoding: .utf8)
        let file = p.other.appendingPathComponent("notes.txt")
        try Data("notes".utf8).write(to: file)
        let (proc, _, err) = try ExperimentRunTests.launch(["run", p.script.path, "--out", file.path + "/run"])
        proc.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(proc.terminationStatus == 64)
        #expect(text == "error: --out \(file.path)/run: cannot create the run directory \(file.path)/run: \(file.path) is a file, not a folder\n")
        #expect(try String(contentsOf: file, encoding: .utf8) == "notes")
    }

    @Test func aMetricsFileThatCannotGrowStopsTrainingAtItsLine() throws {
        // A file-size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC).
        let p = try Place()
        try MetricsKillTests.script.write(to: p.script, atomically: true, encoding: .utf8)
        let exe = try #require(ExperimentRunTests.binary)
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "trap '' XFSZ; ulimit -f 100; exec \"$0\" run \"$1\" --out \"$2\" --quiet", exe.path, p.script.path, p.out.path]
        let err = Pipe()
        shell.standardError = err
        shell.standardOutput = FileHandle.nullDevice
        try shell.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 70)
        #expect(text.contains("s.exp:5:1: error: cannot write \(p.out.path)/metrics."), "\(text)")
        #expect(text.contains(": the file would be too large"))
        #expect(!text.contains("Domain"))
        let csv = try String(contentsOf: p.out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.hasSuffix("\n") && csv.split(separator: "\n").count > 100)
        _ = try MetricsKillTests.checkFiles(p.out, finished: true)
    }
}
