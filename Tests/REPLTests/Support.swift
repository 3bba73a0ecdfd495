import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Finding the binary

/// The `exp` executable built next to this test bundle (`.build*/debug/exp`).
enum ExpBinary {
    static let url: URL? = {
        let fm = FileManager.default
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("exp")
            if fm.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        // The package's default build folder.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fallback = root.appendingPathComponent(".build/debug/exp")
        return fm.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }()

    static var path: String { url?.path ?? "exp" }
}

/// A fresh temporary directory.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-repl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

// MARK: - Piped sessions

/// What a finished process printed.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `exp` with `arguments`, `input` piped to stdin, in `directory`.
func runExp(_ arguments: [String], input: String = "", in directory: URL, environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ExpBinary.path)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["EXP_HISTORY"] = ""
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    // Read both pipes to the end before waiting, so a full pipe never blocks the child.
    let group = DispatchGroup()
    let errBox = DataBox()
    DispatchQueue.global().async(group: group) { errBox.data = stderr.fileHandleForReading.readDataToEndOfFile() }
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                         stderr: String(decoding: errBox.data, as: UTF8.self))
}

private final class DataBox: @unchecked Sendable { var data = Data() }

// MARK: - Pseudo-terminal sessions

/// `exp` running on a pseudo-terminal as its controlling terminal, so libedit edits lines and
/// Ctrl-C (byte 0x03) raises SIGINT, as in a real terminal.
final class TerminalSession {
    let pid: pid_t
    private let master: Int32
    /// Everything the terminal showed so far (raw, with escape sequences).
    private(set) var raw = [UInt8]()
    /// Where the next `expect` starts looking.
    private var mark = 0

    init(directory: URL, environment: [String: String], columns: UInt16 = 100, arguments: [String] = []) throws {
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw TerminalError("openpty failed") }
        guard let name = ttyname(slave) else { throw TerminalError("ttyname failed") }
        let slavePath = String(cString: name)
        self.master = master

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, the terminal becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addclose(&actions, slave)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID | SETSIGMASK | SETSIGDEF (the constants are not imported into Swift):
        // a new session, no blocked signals and default SIGINT whatever the test runner set.
        posix_spawnattr_setflags(&attributes, 0x80 | 0x08 | 0x04)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        // The shell only changes directory, then becomes exp.
        let command = "cd '\(directory.path)' && exec '\(ExpBinary.path)'" + arguments.map { " '\($0)'" }.joined()
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["COLUMNS"] = nil
        env["LINES"] = nil
        for (k, v) in environment { env[k] = v }
        let pairs: [String] = env.map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        close(slave)
        guard rc == 0 else {
            close(master)
            throw TerminalError("posix_spawn failed: \(rc)")
        }
        self.pid = pid
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types bytes as a user would (`\r` is Enter, `\t` Tab, `\u{3}` Ctrl-C, `\u{4}` Ctrl-D).
    func type(_ text: String) {
        // Give libedit a moment to put the terminal in its editing mode after the prompt.
        usleep(30_000)
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n > 0 { off += n } else { usleep(1000) }
        }
    }

    /// Reads whatever the terminal has shown, waiting at most `timeout` for something.
    private func pump(_ timeout: Double) {
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, Int32(timeout * 1000)) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { return }
            raw += buffer[0..<n]
        }
    }

    /// The whole transcript as plain text.
    var all: String { Self.plain(raw) }

    /// Waits until `text` appears after the mark; moves the mark just past it. False on timeout.
    @discardableResult
    func expect(_ text: String, timeout: Double = 10) -> Bool {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let start = min(mark, raw.count)
            let (plain, origin) = Self.plainWithOrigins(Array(raw[start...]))
            if !needle.isEmpty, plain.count >= needle.count {
                for i in 0...(plain.count - needle.count) where plain[i..<(i + needle.count)].elementsEqual(needle) {
                    mark = start + origin[i + needle.count - 1] + 1
                    return true
                }
            }
            if Date() > deadline { return false }
            pump(0.05)
        }
    }

    /// Waits for the process to end; returns its exit status, or nil after `timeout`.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            pump(0.02)
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { return (status >> 8) & 0xff }
        }
        return nil
    }

    /// Strips ANSI escape sequences and carriage returns.
    static func plain(_ bytes: [UInt8]) -> String {
        String(decoding: plainWithOrigins(bytes).0, as: UTF8.self)
    }

    /// The bytes without escape sequences, each with its index in the input.
    static func plainWithOrigins(_ bytes: [UInt8]) -> ([UInt8], [Int]) {
        var out = [UInt8]()
        var origin = [Int]()
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x1b {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                    i += 1
                    while i < bytes.count, !(0x40...0x7e).contains(bytes[i]) { i += 1 }
                }
                i += 1
                continue
            }
            if b != UInt8(ascii: "\r") && b != 0x07 {
                out.append(b)
                origin.append(i)
            }
            i += 1
        }
        return (out, origin)
    }
}

struct TerminalError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
