import Foundation

/// The `#` comment lines written directly above a declaration (no blank line between), the
/// way a `fn` or `model` is documented in the prelude and in scripts; `:help NAME` shows them.
public enum DocComment {
    /// The comment block above the line where `span` starts, without the `# ` markers; nil when
    /// there is none. A `# MARK:` line ends the block (it titles a section, not the function).
    public static func above(_ span: SourceSpan) -> String? {
        var lines: [String] = []
        var n = span.start.line - 1
        while n >= 1 {
            let text = span.file.line(n).trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("#"), !text.hasPrefix("# MARK:") else { break }
            var body = text.dropFirst()
            if body.hasPrefix(" ") { body = body.dropFirst() }
            lines.append(String(body))
            n -= 1
        }
        return lines.isEmpty ? nil : lines.reversed().joined(separator: "\n")
    }
}
