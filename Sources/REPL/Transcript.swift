import Foundation
import Language

// MARK: - :save

/// The session's successful inputs, in order, for `:save`: a script that `exp run` accepts and
/// that recomputes what the session showed. Inputs are recorded only after they succeed, so a
/// failed line never reaches the script.
public struct Transcript {
    /// One recorded input.
    public struct Entry: Equatable {
        /// The code as it goes into the script.
        public var code: String
        /// A comment line placed above the code (`:load` origin, an interrupted training run).
        public var note: String?
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Records a successful input. `echoed` is the source range (byte offsets) of its last
    /// expression statement when the REPL printed that value: the script prints it too.
    public mutating func record(_ input: String, echoed: Range<Int>? = nil, note: String? = nil) {
        var code = input
        if let r = echoed {
            let bytes = Array(input.utf8)
            if r.lowerBound >= 0, r.upperBound <= bytes.count, r.lowerBound <= r.upperBound {
                let before = String(decoding: bytes[..<r.lowerBound], as: UTF8.self)
                let expr = String(decoding: bytes[r], as: UTF8.self)
                let after = String(decoding: bytes[r.upperBound...], as: UTF8.self)
                code = before + "print(" + expr + ")" + after
            }
        }
        // Trailing blank lines and spaces add nothing to the script.
        while let last = code.last, last.isWhitespace { code.removeLast() }
        entries.append(Entry(code: code, note: note))
    }

    /// Records a `:load`ed file inline, so the saved script stands alone.
    public mutating func recordLoad(path: String, text: String) {
        var code = text
        while let last = code.last, last.isWhitespace { code.removeLast() }
        entries.append(Entry(code: code, note: ":load \(path)"))
    }

    /// Forgets everything (`:reset`).
    public mutating func clear() { entries = [] }

    /// The script text.
    public func script(date: Date = Date()) -> String {
        var out = "# exp REPL session saved \(ISO8601DateFormatter().string(from: date))\n"
        for e in entries {
            if let note = e.note { out += "# " + note + "\n" }
            out += e.code + "\n"
        }
        return out
    }
}
