import CEditLine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - libedit

/// Line editing through libedit's native API: Emacs keys, Ctrl-R incremental search, history
/// kept in a file, and Tab bound to the session's completer.
final class LineEditor {
    /// What one read returned.
    enum Read: Equatable {
        case line(String)
        /// Ctrl-C at the prompt: the line was dropped.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case end
    }

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private var event = HistEvent()
    /// The prompt libedit shows; kept alive here because libedit reads it through a callback.
    private var promptBuffer: UnsafeMutablePointer<CChar>
    private let historyPath: String?
    private let output: UnsafeMutablePointer<FILE>
    /// Completes the text before the cursor (earlier lines of the open input included).
    var completer: (String) -> Completion = { _ in Completion(word: "", candidates: []) }
    /// The open input's earlier lines, for completion inside a multi-line input.
    var context: () -> String = { "" }

    /// Nil when libedit cannot start (no terminal).
    init?(historyPath: String?) {
        guard let input = fdopen(0, "r"), let output = fdopen(1, "w"), let errors = fdopen(2, "w"),
              let el = el_init("exp", input, output, errors) else { return nil }
        guard let h = history_init() else {
            el_end(el)
            return nil
        }
        editLine = el
        history = h
        self.output = output
        self.historyPath = historyPath
        promptBuffer = strdup("") ?? UnsafeMutablePointer<CChar>.allocate(capacity: 1)

        _ = exp_history_set_size(history, &event, 2000)
        _ = exp_history_set_unique(history, &event, 1)
        if let historyPath { _ = exp_history_load(history, &event, historyPath) }
        _ = exp_el_set_history(editLine, history)
        _ = exp_el_set_editor(editLine, "emacs")
        _ = exp_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
        _ = exp_el_set_prompt(editLine) { el in
            guard let el, let data = exp_el_get_client_data(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptBuffer
        }
        _ = exp_el_add_function(editLine, "exp-complete", "complete the word before the cursor") { el, _ in
            guard let el, let data = exp_el_get_client_data(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().completeAtCursor()
        }
        // Our own reader, so Ctrl-C ends the read whatever libedit was doing when it came.
        _ = exp_el_set_getc(editLine) { _, character in
            guard let character else { return -1 }
            return LineEditor.readCharacter(into: character)
        }
        _ = exp_el_bind(editLine, "^I", "exp-complete")
        _ = exp_el_bind(editLine, "^R", "em-inc-search-prev")
        // The user's ~/.editrc may rebind keys.
        _ = el_source(editLine, nil)
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(promptBuffer)
    }

    /// Reads one line under `prompt`.
    func read(prompt: String) -> Read {
        free(promptBuffer)
        promptBuffer = strdup(prompt) ?? UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        PromptSignals.clear()
        // Pick up a terminal resized while the last input ran.
        el_resize(editLine)
        var count: Int32 = 0
        guard let p = el_gets(editLine, &count) else {
            if count < 0 || PromptSignals.interrupted {
                // Drop what was typed; libedit left the terminal in its editing mode.
                el_reset(editLine)
                return .interrupted
            }
            return .end
        }
        if PromptSignals.interrupted {
            el_reset(editLine)
            return .interrupted
        }
        var line = String(cString: p)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Adds a line to the history and writes the history file.
    func remember(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace) else { return }
        _ = exp_history_enter(history, &event, line)
        if let historyPath { _ = exp_history_save(history, &event, historyPath) }
    }

    // MARK: Reading

    /// libedit's character source: one UTF-8 character from the terminal. It polls, so a
    /// Ctrl-C at any moment of the read ends it (returns -1, as an interrupted read would).
    static func readCharacter(into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        var bytes: [UInt8] = []
        var needed = 1
        while bytes.count < needed {
            if PromptSignals.interrupted {
                errno = EINTR
                return -1
            }
            var request = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, 100)
            if ready < 0 && errno != EINTR { return -1 }
            if ready <= 0 { continue }
            var byte: UInt8 = 0
            let n = Glibc.read(0, &byte, 1)
            if n == 0 { return 0 }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return -1
            }
            if bytes.isEmpty {
                needed = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            } else if byte & 0xC0 != 0x80 {
                break  // a broken sequence: show what came as a replacement character
            }
            bytes.append(byte)
        }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) {
            character.pointee = wchar_t(bitPattern: scalar.value)
        } else {
            character.pointee = 0xFFFD
        }
        return 1
    }

    // MARK: Completion

    /// Tab: inserts the unique completion or the common prefix; otherwise lists the choices.
    private func completeAtCursor() -> UInt8 {
        guard let info = el_line(editLine), let buffer = info.pointee.buffer, let cursor = info.pointee.cursor else {
            return UInt8(CC_ERROR)
        }
        let start = UnsafeRawPointer(buffer)
        let n = UnsafeRawPointer(cursor) - start
        let current = String(decoding: UnsafeRawBufferPointer(start: start, count: max(0, n)), as: UTF8.self)
        let earlier = context()
        let completion = completer(earlier.isEmpty ? current : earlier + "\n" + current)
        if completion.candidates.isEmpty { return UInt8(CC_REFRESH_BEEP) }
        let insertion = completion.insertion
        if !insertion.isEmpty {
            _ = el_insertstr(editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        fputs("\n" + Self.columns(completion.candidates.map { $0.text }, width: Self.terminalWidth()), output)
        fflush(output)
        return UInt8(CC_REDISPLAY)
    }

    /// Lays names out in columns, as shells list completions.
    static func columns(_ names: [String], width: Int, limit: Int = 120) -> String {
        let shown = Array(names.prefix(limit))
        let cell = (shown.map(\.count).max() ?? 0) + 2
        let perLine = max(1, width / max(1, cell))
        var out = ""
        for (i, name) in shown.enumerated() {
            let last = i % perLine == perLine - 1 || i == shown.count - 1
            out += last ? name + "\n" : name + String(repeating: " ", count: cell - name.count)
        }
        if names.count > shown.count { out += "... and \(names.count - shown.count) more\n" }
        return out
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}
