import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Terminal detection

extension TerminalColorMode {
    /// The colour mode the environment asks for: none when `NO_COLOR` is set, `TERM` is `dumb`
    /// or stdout is not a terminal; truecolor when `COLORTERM` says so; otherwise 256 colours.
    public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment,
                              isTerminal: Bool = isatty(STDOUT_FILENO) != 0) -> TerminalColorMode {
        if environment["NO_COLOR"].map({ !$0.isEmpty }) == true { return .none }
        if !isTerminal || environment["TERM"] == "dumb" { return .none }
        let colorterm = environment["COLORTERM"]?.lowercased() ?? ""
        return colorterm == "truecolor" || colorterm == "24bit" ? .trueColor : .ansi256
    }
}

extension TerminalOptions {
    /// Options sized to the terminal on stdout (else `COLUMNS`/`LINES`, else 80×24), with the chart
    /// height capped at `maxHeight` lines so a plot does not scroll the session away.
    public static func detect(maxHeight: Int = 24,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalOptions {
        var cols = 0, rows = 0
        #if canImport(Glibc) || canImport(Darwin)
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 {
            cols = Int(size.ws_col)
            rows = Int(size.ws_row)
        }
        #endif
        // No tty size and no usable COLUMNS/LINES (piped output): the classic 80×24 terminal.
        if cols <= 0 { cols = environment["COLUMNS"].flatMap { Int($0) } ?? 80 }
        if rows <= 0 { rows = environment["LINES"].flatMap { Int($0) } ?? 24 }
        return TerminalOptions(width: cols, height: min(maxHeight, max(6, rows - 2)),
                               color: .detect(environment: environment))
    }
}
