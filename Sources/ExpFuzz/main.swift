// ExpFuzz: a deterministic fuzzer for the exp language.
//
//   ExpFuzz [--seed S] [--count N] [--seconds T] [--timeout T] [--batch K] [--out DIR] [--corpus DIR]
//       The driver: runs inputs S:0 ..< S:N in worker child processes (batches of K), and logs
//       every crash (a signal, a Swift trap), hang (an input over --timeout seconds) and error
//       diagnostic without file:line:col into DIR (default fuzz-crashes/).
//   ExpFuzz --worker --seed S --from I --count K
//       Runs inputs I ..< I+K in this process (what the driver spawns; a crash kills only it).
//   ExpFuzz --replay FILE...
//       Checks and runs FILE the way the worker does, printing its diagnostics.
//   ExpFuzz --print --seed S --from I [--count K]
//       Prints the generated inputs (to see what input S:I is).
//
// Input I of seed S depends only on (S, I) and the corpus (the golden scripts and examples/),
// so every logged failure is reproducible from its seed and index, and is saved as a file too.

import Experiments
import Foundation
import Language
import Tensors
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Options

struct Options {
    var worker = false
    var replay: [String] = []
    var printInputs = false
    var seed: UInt64 = 1
    var from = 0
    var count = 10_000
    var seconds: Double = 0
    var timeout: Double = 5
    /// After this many seconds an input is asked to stop, as Ctrl-C would: the interpreter's
    /// tick and the training loop end it. Only an input that never reaches a tick (a parser,
    /// resolver or kernel that loops) runs on to `timeout` and counts as a hang.
    var budget: Double = 0.25
    var batch = 2000
    var stepLimit = 20_000
    var maxMemory = 512 << 20
    var out = "fuzz-crashes"
    var corpus = "."
    var verbose = false
}

func parseOptions() -> Options {
    var o = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    func value() -> String {
        guard !args.isEmpty else { die("missing value") }
        return args.removeFirst()
    }
    while !args.isEmpty {
        let a = args.removeFirst()
        switch a {
        case "--worker": o.worker = true
        case "--replay": o.replay.append(value())
        case "--print": o.printInputs = true
        case "--seed": o.seed = number(value(), "--seed")
        case "--from": o.from = number(value(), "--from")
        case "--count": o.count = number(value(), "--count")
        case "--seconds": o.seconds = number(value(), "--seconds")
        case "--timeout": o.timeout = number(value(), "--timeout")
        case "--batch": o.batch = max(1, number(value(), "--batch"))
        case "--budget": o.budget = number(value(), "--budget")
        case "--steps": o.stepLimit = number(value(), "--steps")
        case "--max-memory": o.maxMemory = { let v = value(); guard let b = MemoryBudget.parse(v) else { die("bad --max-memory") }; return b }()
        case "--out": o.out = value()
        case "--corpus": o.corpus = value()
        case "-v", "--verbose": o.verbose = true
        case "-h", "--help":
            print("usage: ExpFuzz [--seed S] [--count N] [--seconds T] [--timeout T] [--batch K] [--out DIR] [--corpus REPO]\n       ExpFuzz --replay FILE")
            exit(0)
        default:
            if a.hasPrefix("-") { die("unknown option \(a)") }
            o.replay.append(a)
        }
    }
    return o
}

func number<T: LosslessStringConvertible>(_ text: String, _ flag: String) -> T {
    guard let v = T(text) else { die("bad \(flag) \(text)") }
    return v
}

func die(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ExpFuzz: \(message)\n".utf8))
    exit(64)
}

// MARK: - Deterministic randomness

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

// MARK: - Corpus and vocabulary

struct CorpusFile {
    var relative: String
    var bytes: [UInt8]
    var tokens: [String]
}

/// Number edge cases substituted into scripts.
let edgeNumbers = [
    "0", "-1", "1", "2**63", "2**64", "-(2**63)", "9223372036854775807", "-9223372036854775808",
    "9223372036854775808", "1e308", "-1e308", "1e309", "1e-320", "0.0", "-0.0", "nan", "inf", "-inf",
    "0/0", "1/0", "0//0", "5%0", "2**62", "2**31", "-2**31", "1e9", "1e18", "0.5", "-0.5", "1e-9",
]
let edgeShapes = [
    "[1e9, 1e9]", "[0, 5]", "[5, 0]", "[0]", "[]", "[0, 0]", "[-1]", "[-1, 3]", "[2**31, 2**31]",
    "[1e9]", "[9223372036854775807]", "[2**32, 2**32, 2**32]", "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]", "[3.5]",
    "[nan]", "[inf, 2]", "[[1, 2], [3]]", "[1, [2]]",
]

final class Corpus {
    var files: [CorpusFile] = []
    var vocabulary: [String] = []
    var callees: [String] = []
    let symbols = Symbol.allCases.map(\.rawValue)
    let keywords = Keyword.allCases.map(\.rawValue)

    init(repo: String) {
        var paths: [String] = []
        for sub in ["Tests/LanguageTests/Golden", "examples"] {
            let dir = (repo as NSString).appendingPathComponent(sub)
            guard let e = FileManager.default.enumerator(atPath: dir) else { continue }
            for case let p as String in e where p.hasSuffix(".exp") { paths.append(sub + "/" + p) }
        }
        paths.sort()
        var idents = Set<String>(), calls = Set<String>()
        for rel in paths {
            guard let data = FileManager.default.contents(atPath: (repo as NSString).appendingPathComponent(rel)) else { continue }
            let bytes = Array(data)
            let toks = Lexer.tokenize(SourceFile(name: rel, bytes: bytes)).tokens
            var texts: [String] = []
            for (i, t) in toks.enumerated() {
                switch t.kind {
                case .endOfInput: continue
                case .newline: texts.append("\n")
                case .identifier(let n):
                    texts.append(t.text); idents.insert(n)
                    if i + 1 < toks.count, case .symbol(.leftParen) = toks[i + 1].kind { calls.insert(n) }
                default: texts.append(t.text)
                }
            }
            files.append(CorpusFile(relative: rel, bytes: bytes, tokens: texts))
        }
        vocabulary = idents.sorted()
        callees = calls.sorted()
        if files.isEmpty { die("no corpus scripts under \(repo) (Tests/LanguageTests/Golden, examples); pass --corpus REPO") }
    }

    /// Copies the corpus into `dir` so scripts that import their neighbours still find them, and
    /// files a script writes next to itself land in the temporary folder.
    func mirror(into dir: String) {
        for f in files {
            let path = (dir as NSString).appendingPathComponent(f.relative)
            makeDirectory((path as NSString).deletingLastPathComponent)
            // A corpus file missing from the mirror would change what the inputs import or load.
            guard FileManager.default.createFile(atPath: path, contents: Data(f.bytes)) else { die("cannot write \(path)") }
        }
        // Any other file the golden scripts read (data files for `load`, modules).
        for sub in ["Tests/LanguageTests/Golden", "examples"] {
            let src = (corpusRoot as NSString).appendingPathComponent(sub)
            guard let e = FileManager.default.enumerator(atPath: src) else { continue }
            for case let p as String in e where !p.hasSuffix(".exp") {
                var isDir: ObjCBool = false
                let from = (src as NSString).appendingPathComponent(p)
                guard FileManager.default.fileExists(atPath: from, isDirectory: &isDir), !isDir.boolValue else { continue }
                let to = ((dir as NSString).appendingPathComponent(sub) as NSString).appendingPathComponent(p)
                makeDirectory((to as NSString).deletingLastPathComponent)
                do { try FileManager.default.copyItem(atPath: from, toPath: to) } catch { die("cannot copy \(from) into the mirror: \(error)") }
            }
        }
    }
    var corpusRoot = "."
}

// MARK: - Input generation

struct Input {
    var name: String      // the path (relative to the mirror) the input pretends to be
    var kind: String
    var bytes: [UInt8]
}

func render(_ tokens: [String]) -> [UInt8] {
    var s = ""
    var lineStart = true
    for t in tokens {
        if t == "\n" { s += "\n"; lineStart = true; continue }
        if !lineStart { s += " " }
        s += t
        lineStart = false
    }
    return Array(s.utf8)
}

func randomToken(_ r: inout SplitMix, _ c: Corpus) -> String {
    switch r.int(10) {
    case 0, 1: return r.pick(c.keywords)
    case 2, 3, 4: return r.pick(c.symbols)
    case 5, 6: return r.pick(c.vocabulary)
    case 7: return r.chance(0.5) ? r.pick(edgeNumbers) : String(r.int(100))
    case 8: return r.pick(["\n", "\n", "\"s\"", "\"\"", "\"\\n\"", "\"unterminated", "#", "0.5", "1e3", "[", "]", "(", ")", "{", "}"])
    default: return r.chance(0.5) ? r.pick(edgeShapes) : r.pick(c.callees) + "("
    }
}

func tokenSoup(_ r: inout SplitMix, _ c: Corpus) -> [String] {
    (0..<(1 + r.int(60))).map { _ in randomToken(&r, c) }
}

func mutateTokens(_ t: inout [String], _ r: inout SplitMix, _ c: Corpus) {
    for _ in 0..<(1 + r.int(4)) {
        let n = t.count
        let a = r.int(n + 1)
        let len = 1 + r.int(r.chance(0.7) ? 3 : 20)
        let b = min(n, a + len)
        switch r.int(7) {
        case 0: if a < b { t.removeSubrange(a..<b) }
        case 1: t.insert(contentsOf: (0..<len).map { _ in randomToken(&r, c) }, at: a)
        case 2: if a < b { t.insert(contentsOf: Array(t[a..<b]), at: b) }       // duplicate
        case 3:                                                                 // swap two spans
            let a2 = r.int(n + 1), b2 = min(n, a2 + len)
            if b <= a2 || b2 <= a {
                let (x, y) = a < a2 ? ((a, b), (a2, b2)) : ((a2, b2), (a, b))
                let s1 = Array(t[x.0..<x.1]), s2 = Array(t[y.0..<y.1])
                t.replaceSubrange(y.0..<y.1, with: s1)
                t.replaceSubrange(x.0..<x.1, with: s2)
            }
        case 4: if a < n { t[a] = randomToken(&r, c) }
        case 5: numberEdge(&t, &r)
        default:                                                                // splice from another file
            let other = r.pick(c.files).tokens
            let o = r.int(other.count + 1), ob = min(other.count, o + len * 3)
            t.insert(contentsOf: other[o..<ob], at: a)
        }
    }
}

func isNumber(_ s: String) -> Bool { s.first.map { $0.isNumber } ?? false }

/// Replaces a number (or a list of numbers) in the script by an edge case.
func numberEdge(_ t: inout [String], _ r: inout SplitMix) {
    let numbers = t.indices.filter { isNumber(t[$0]) }
    guard !numbers.isEmpty else { return }
    let i = r.pick(numbers)
    if r.chance(0.4), i > 0, t[i - 1] == "[" || t[i - 1] == "," {
        // The whole list literal around it becomes an edge shape.
        var lo = i, hi = i
        while lo > 0, t[lo] != "[" { lo -= 1 }
        while hi < t.count - 1, t[hi] != "]" { hi += 1 }
        if t[lo] == "[", t[hi] == "]" { t.replaceSubrange(lo...hi, with: [r.pick(edgeShapes)]); return }
    }
    t[i] = r.pick(edgeNumbers)
}

func mutateBytes(_ b: inout [UInt8], _ r: inout SplitMix) {
    for _ in 0..<(1 + r.int(6)) {
        let n = b.count
        let a = r.int(n + 1)
        let len = 1 + r.int(r.chance(0.8) ? 4 : 64)
        let e = min(n, a + len)
        switch r.int(5) {
        case 0: if a < e { b.removeSubrange(a..<e) }
        case 1: b.insert(contentsOf: (0..<len).map { _ in UInt8(truncatingIfNeeded: r.next()) }, at: a)
        case 2: if a < n { b[a] ^= UInt8(1 << r.int(8)) }
        case 3: if a < e { b.insert(contentsOf: Array(b[a..<e]), at: e) }
        default: if a < n { b[a] = r.pick(Array("()[]{},.:;=+-*/\"#\n0123456789e".utf8)) }
        }
    }
}

/// A call of a builtin (a name the corpus calls) with edge-case arguments.
func edgeCall(_ r: inout SplitMix, _ c: Corpus) -> [UInt8] {
    var lines: [String] = []
    for _ in 0..<(1 + r.int(3)) {
        let f = r.pick(c.callees)
        let args = (0..<r.int(4)).map { _ in r.chance(0.5) ? r.pick(edgeShapes) : r.pick(edgeNumbers) }
        let call = "\(f)(\(args.joined(separator: ", ")))"
        switch r.int(4) {
        case 0: lines.append("let x = \(call)\nprint(x)")
        case 1: lines.append("print(\(call))")
        case 2: lines.append("let y = \(call)\nprint(sum(y))")
        default: lines.append("expect \(call) == \(r.pick(edgeNumbers))")
        }
    }
    return Array(lines.joined(separator: "\n").utf8)
}

func generate(seed: UInt64, index: Int, corpus c: Corpus) -> Input {
    var r = SplitMix(seed &* 0x1000_0000_01B3 ^ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
    _ = r.next()
    let roll = r.int(100)
    if roll < 8 {
        let n = r.int(r.chance(0.8) ? 64 : 400)
        let ascii = r.chance(0.6)
        let bytes = (0..<n).map { _ -> UInt8 in
            ascii ? UInt8(9 + r.int(118)) : UInt8(truncatingIfNeeded: r.next())
        }
        return Input(name: "fuzz.exp", kind: "bytes", bytes: bytes)
    }
    if roll < 25 { return Input(name: "fuzz.exp", kind: "soup", bytes: render(tokenSoup(&r, c))) }
    if roll < 33 { return Input(name: "fuzz.exp", kind: "edgecall", bytes: edgeCall(&r, c)) }
    let f = r.pick(c.files)
    if roll < 43 {
        var b = f.bytes
        mutateBytes(&b, &r)
        return Input(name: f.relative, kind: "bytemut", bytes: b)
    }
    var t = f.tokens
    if roll < 60 {
        for _ in 0..<(1 + r.int(3)) { numberEdge(&t, &r) }
        return Input(name: f.relative, kind: "edge", bytes: render(t))
    }
    mutateTokens(&t, &r, c)
    return Input(name: f.relative, kind: "tokmut", bytes: render(t))
}

// MARK: - Running one input in this process

final class Sink { var errors: [String] = [] }

/// Checks and runs one input; returns the rendered error diagnostics that name no place.
func runInput(_ input: Input, mirror: String, options o: Options, runDir: String) -> [String] {
    let path = (mirror as NSString).appendingPathComponent(input.name)
    let source = SourceFile(name: path, bytes: input.bytes)
    let sink = Sink()
    var runner = ScriptRunner(output: { _ in }, errorOutput: { sink.errors.append($0) })
    runner.options.stepLimit = o.stepLimit
    runner.options.endsOnInterrupt = true
    var config = ExperimentRuntime.Config(scriptPath: path, scriptText: String(decoding: input.bytes, as: UTF8.self), outDirectory: runDir)
    config.quiet = true
    config.terminalOutput = { _ in }
    runner.makeExperiments = { ExperimentRuntime(config) }
    _ = runner.check(source)
    _ = runner.run(source)
    // Cleanup only: a run directory left in the temporary folder changes no later input.
    try? FileManager.default.removeItem(atPath: runDir)
    return unlocated(sink.errors)
}

/// The rendered errors that name no place. Each rendered error starts "file:line:col: error: ...";
/// one without a place starts "error:". The two summary lines after a hundred located errors
/// ("stopped after 100 syntax errors", "N more errors not shown") have no place by design.
func unlocated(_ errors: [String]) -> [String] {
    errors.filter { e in
        guard e.hasPrefix("error:") else { return false }
        let first = e.prefix { $0 != "\n" }
        return !(first.hasPrefix("error: stopped after ") && first.hasSuffix(" syntax errors"))
            && !(first.hasSuffix(" not shown") && first.contains(" more error"))
    }
}

/// Creates a folder (and its parents); the fuzzer cannot go on without it.
func makeDirectory(_ path: String) {
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
        die("cannot create \(path): \(error)")
    }
}

func makeMirror(_ corpus: Corpus) -> String {
    let dir = NSTemporaryDirectory() + "expfuzz-\(getpid())"
    // A mirror left by an earlier process of this pid is replaced; none there is the usual case.
    try? FileManager.default.removeItem(atPath: dir)
    makeDirectory(dir)
    corpus.mirror(into: dir)
    return dir
}

func setUpWorkerProcess(_ o: Options) {
    MemoryBudget.limit = o.maxMemory
    // A hard cap on the heap, so a script that allocates outside the tensor budget fails here
    // (and is logged) instead of taking the machine's memory.
    var lim = rlimit(rlim_cur: rlim_t(4 << 30), rlim_max: rlim_t(4 << 30))
    setrlimit(Int32(RLIMIT_DATA.rawValue), &lim)
}

/// Asks the running input to stop (Interrupt.request, what Ctrl-C does) once it has run for
/// `budget` seconds, and keeps asking (a training clears the flag when it starts).
final class Watchdog: @unchecked Sendable {
    let budget: Double
    let lock = NSLock()
    var started: Date?
    init(budget: Double) { self.budget = budget }
    func begin() { lock.lock(); started = Date(); lock.unlock() }
    func end() { lock.lock(); started = nil; lock.unlock() }
    func start() {
        let t = Thread { [self] in
            while true {
                usleep(10_000)
                lock.lock()
                let over = started.map { Date().timeIntervalSince($0) > budget } ?? false
                lock.unlock()
                if over { Interrupt.request(SIGINT) }
            }
        }
        t.start()
    }
}

func workerMain(_ o: Options, _ corpus: Corpus) {
    // The protocol goes to the original stdout; anything the library prints goes nowhere.
    let proto = dup(1)
    let devnull = open("/dev/null", O_WRONLY)
    dup2(devnull, 1)
    setUpWorkerProcess(o)
    let mirror = makeMirror(corpus)
    func send(_ line: String) {
        let bytes = Array((line.replacingOccurrences(of: "\n", with: "\\n") + "\n").utf8)
        bytes.withUnsafeBytes { p in var off = 0; while off < p.count { let n = write(proto, p.baseAddress! + off, p.count - off); if n <= 0 { break }; off += n } }
    }
    let selfTest = ProcessInfo.processInfo.environment["EXPFUZZ_SELF_TEST"] == "1"
    let watchdog = Watchdog(budget: o.budget)
    watchdog.start()
    for i in o.from..<(o.from + o.count) {
        let input = generate(seed: o.seed, index: i, corpus: corpus)
        send("S \(i)")
        Interrupt.clear()
        // EXPFUZZ_SELF_TEST=1 checks the driver: input 1 traps, input 3 hangs, input 5 prints an
        // error without a place.
        if selfTest, i == 1 { fatalError("ExpFuzz self-test crash") }
        if selfTest, i == 3 { while true { sleep(1) } }
        if selfTest, i == 5 { send("U \(i) error: ExpFuzz self-test unlocated error") }
        watchdog.begin()
        defer { watchdog.end() }
        let t0 = Date()
        let unlocated = runInput(input, mirror: mirror, options: o, runDir: mirror + "/run-\(i)")
        if o.verbose { FileHandle.standardError.write(Data("\(i) \(input.kind) \(input.name) \(String(format: "%.4f", Date().timeIntervalSince(t0)))\n".utf8)) }
        for u in unlocated { send("U \(i) \(u)") }
        send("D \(i)")
    }
    // Cleanup only: the mirror is in the temporary folder.
    try? FileManager.default.removeItem(atPath: mirror)
}

func replayMain(_ o: Options, _ corpus: Corpus) {
    setUpWorkerProcess(o)
    let mirror = makeMirror(corpus)
    for file in o.replay {
        guard let data = FileManager.default.contents(atPath: file) else { die("cannot read \(file)") }
        let sink = Sink()
        let source = SourceFile(name: file, bytes: Array(data))
        var runner = ScriptRunner(output: { print($0, terminator: "") }, errorOutput: { sink.errors.append($0); FileHandle.standardError.write(Data($0.utf8)) })
        runner.options.stepLimit = o.stepLimit
        var config = ExperimentRuntime.Config(scriptPath: file, scriptText: String(decoding: data, as: UTF8.self), outDirectory: mirror + "/run")
        config.quiet = true
        config.terminalOutput = { _ in }
        runner.makeExperiments = { ExperimentRuntime(config) }
        let c1 = runner.check(source)
        let c2 = runner.run(source)
        let n = unlocated(sink.errors).count
        print("\(file): check exit \(c1.rawValue), run exit \(c2.rawValue), \(n) error(s) without file:line:col")
    }
    // Cleanup only: the mirror is in the temporary folder.
    try? FileManager.default.removeItem(atPath: mirror)
}

// MARK: - The driver

struct Failure {
    var kind: String
    var index: Int
    var detail: String
}

final class Driver {
    let o: Options
    let corpus: Corpus
    var done = 0
    var failures: [Failure] = []
    var unlocatedSeen: [String: Int] = [:]
    var saved = 0
    let started = Date()

    init(_ o: Options, _ corpus: Corpus) { self.o = o; self.corpus = corpus }

    var timeUp: Bool { o.seconds > 0 && Date().timeIntervalSince(started) >= o.seconds }

    enum Outcome { case finished, crashed(Int, String), hung(Int, String), stopped }

    /// Runs inputs from..<from+count in one child; returns how the child ended and the index of
    /// the input it was on.
    func runChild(from: Int, count: Int, checkTime: Bool, onDone: (Int) -> Void, onUnlocated: (Int, String) -> Void) -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0])
        if let exe = Bundle.main.executableURL { p.executableURL = exe }
        p.arguments = ["--worker", "--seed", "\(o.seed)", "--from", "\(from)", "--count", "\(count)",
                       "--steps", "\(o.stepLimit)", "--budget", "\(o.budget)", "--max-memory", "\(o.maxMemory)", "--corpus", corpus.corpusRoot]
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,symbolicate=full,preset=full,threads=crashed,registers=none,images=none"
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let errPath = NSTemporaryDirectory() + "expfuzz-stderr-\(getpid())-\(from).txt"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let errHandle = FileHandle(forWritingAtPath: errPath)!
        p.standardError = errHandle
        // Cleanup only: the worker's stderr file has been read (or the worker is gone).
        defer { try? errHandle.close(); try? FileManager.default.removeItem(atPath: errPath) }
        do { try p.run() } catch { die("cannot start worker: \(error)") }
        let fd = pipe.fileHandleForReading.fileDescriptor
        var buffer: [UInt8] = []
        var current: Int? = nil
        var currentStart = Date()
        var killedForHang = false
        var stopped = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        readLoop: while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let rc = poll(&pfd, 1, 200)
            if rc < 0 { if errno == EINTR { continue }; break }
            if rc > 0 {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break readLoop }
                buffer.append(contentsOf: chunk[0..<n])
                while let nl = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[..<nl], as: UTF8.self)
                    buffer.removeSubrange(...nl)
                    let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
                    guard parts.count >= 2, let i = Int(parts[1]) else { continue }
                    switch parts[0] {
                    case "S": current = i; currentStart = Date()
                    case "D": current = nil; onDone(i)
                    case "U": onUnlocated(i, parts.count > 2 ? String(parts[2]) : "")
                    default: break
                    }
                }
            }
            if current != nil, Date().timeIntervalSince(currentStart) > o.timeout {
                killedForHang = true
                kill(p.processIdentifier, SIGKILL)
                break
            }
            if checkTime, timeUp {
                stopped = true
                kill(p.processIdentifier, SIGKILL)
                break
            }
        }
        p.waitUntilExit()
        // The worker's stderr only adds detail to a report: unreadable, the report says so.
        try? errHandle.synchronizeFile()
        let stderrText = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "(the worker's stderr could not be read)"
        if stopped { return .stopped }
        if killedForHang, let c = current {
            let crashedLate = stderrText.contains("Fatal error") || stderrText.contains("Crash")
            return crashedLate ? .crashed(c, "killed after \(o.timeout) s while writing a crash report\n" + stderrText) : .hung(c, "no result after \(o.timeout) s")
        }
        let status = p.terminationStatus
        if p.terminationReason == .uncaughtSignal || status != 0 {
            let how = p.terminationReason == .uncaughtSignal ? "signal \(status)" : "exit status \(status)"
            return .crashed(current ?? from, "worker died: \(how)\n" + stderrText)
        }
        return .finished
    }

    func save(_ f: Failure, alone: String) {
        failures.append(f)
        guard saved < 500 else { return }
        saved += 1
        let input = generate(seed: o.seed, index: f.index, corpus: corpus)
        let base = (o.out as NSString).appendingPathComponent("\(f.kind)-s\(o.seed)-i\(f.index)")
        makeDirectory(o.out)
        // A failure that cannot be saved must not pass unseen.
        guard FileManager.default.createFile(atPath: base + ".exp", contents: Data(input.bytes)) else { die("cannot save \(base).exp") }
        let info = """
            kind: \(f.kind)
            input: seed \(o.seed) index \(f.index) (\(input.kind), from \(input.name))
            alone: \(alone)
            reproduce: ExpFuzz --replay \(base).exp    (or: ExpFuzz --worker --seed \(o.seed) --from \(f.index) --count 1)

            \(f.detail)
            """
        FileManager.default.createFile(atPath: base + ".txt", contents: Data(info.utf8))
        FileHandle.standardError.write(Data("ExpFuzz: \(f.kind) at input \(f.index) (\(input.kind) of \(input.name)) -> \(base).exp\n".utf8))
    }

    /// Runs input i alone in a fresh child: does the failure need only this input?
    func confirm(_ i: Int) -> String {
        switch runChild(from: i, count: 1, checkTime: false, onDone: { _ in }, onUnlocated: { _, _ in }) {
        case .finished, .stopped: return "no (passes when run alone: it needs the inputs before it in the same process)"
        case .crashed(_, let d): return "yes, crashes alone (\(d.split(separator: "\n").first ?? ""))"
        case .hung: return "yes, hangs alone"
        }
    }

    func run() -> Int32 {
        let end = o.from + o.count
        var i = o.from
        var lastReport = Date()
        while i < end, !timeUp {
            let n = min(o.batch, end - i)
            let outcome = runChild(from: i, count: n, checkTime: true, onDone: { _ in
                self.done += 1
                if Date().timeIntervalSince(lastReport) > 10 {
                    lastReport = Date()
                    let rate = Double(self.done) / Date().timeIntervalSince(self.started)
                    FileHandle.standardError.write(Data("ExpFuzz: \(self.done) inputs, \(String(format: "%.0f", rate))/s, \(self.failures.count) failures\n".utf8))
                }
            }, onUnlocated: { idx, msg in
                let key = String(msg.prefix(200).map { $0.isNumber ? "#" : $0 })
                self.unlocatedSeen[key, default: 0] += 1
                if self.unlocatedSeen[key] == 1 {
                    self.save(Failure(kind: "unlocated", index: idx, detail: "error diagnostic without file:line:col:\n" + msg.replacingOccurrences(of: "\\n", with: "\n")), alone: "n/a (the diagnostic is printed by this input)")
                } else {
                    self.failures.append(Failure(kind: "unlocated", index: idx, detail: msg))
                }
            })
            switch outcome {
            case .finished: i += n
            case .stopped: i = end
            case .crashed(let c, let d):
                done += 1
                save(Failure(kind: "crash", index: c, detail: d), alone: confirm(c))
                i = c + 1
            case .hung(let c, let d):
                done += 1
                save(Failure(kind: "hang", index: c, detail: d), alone: confirm(c))
                i = c + 1
            }
        }
        let secs = Date().timeIntervalSince(started)
        let counts = Dictionary(grouping: failures, by: \.kind).mapValues(\.count)
        print("ExpFuzz: seed \(o.seed): \(done) inputs in \(String(format: "%.1f", secs)) s (\(String(format: "%.0f", Double(done) / max(secs, 0.001))) inputs/s)")
        print("ExpFuzz: crashes \(counts["crash"] ?? 0), hangs \(counts["hang"] ?? 0), unlocated errors \(counts["unlocated"] ?? 0) (\(unlocatedSeen.count) distinct)")
        if !failures.isEmpty { print("ExpFuzz: inputs saved in \(o.out)/") }
        return failures.isEmpty ? 0 : 1
    }
}

// MARK: - Main

let options = parseOptions()
let corpus = Corpus(repo: options.corpus)
corpus.corpusRoot = options.corpus
if options.worker {
    workerMain(options, corpus)
    exit(0)
} else if options.printInputs {
    for i in options.from..<(options.from + options.count) {
        let input = generate(seed: options.seed, index: i, corpus: corpus)
        print("=== \(options.seed):\(i) \(input.kind) \(input.name)")
        print(String(decoding: input.bytes, as: UTF8.self))
    }
} else if !options.replay.isEmpty {
    replayMain(options, corpus)
} else {
    exit(Driver(options, corpus).run())
}
