import Foundation

/// Process exit codes of `exp run` / `exp check`: the one list (the README's table copies it).
public enum ExitCode: Int32, Sendable {
    /// Everything ran and every `expect` held.
    case ok = 0
    /// The script ran to its end but an `expect` failed.
    case expectFailed = 1
    /// The command line was wrong (an unknown `--set` name, a bad flag value).
    case usage = 64
    /// The script has a syntax, name or vocabulary error: found before anything ran.
    case scriptError = 65
    /// The script file could not be read.
    case missingInput = 66
    /// The script failed while running.
    case runtimeError = 70
    /// `exp collect` aggregated a sweep over fewer runs than it has (some are missing or
    /// failed), or `exp status` found runs that have not finished.
    case incomplete = 75
    /// SIGHUP ended the run (the terminal closed).
    case hangUp = 129
    /// Ctrl-C ended the run (128 + SIGINT, as shells report it).
    case interrupted = 130
    /// SIGTERM ended the run (a scheduler's or `kill`'s request to stop).
    case terminated = 143

    /// The code of a run that `signal` ended.
    public init(signal: Int32) {
        switch signal {
        case SIGHUP: self = .hangUp
        case SIGTERM: self = .terminated
        default: self = .interrupted
        }
    }

    /// How a user names the signal that ended the run, or nil when no signal did.
    public var signalName: String? {
        switch self {
        case .interrupted: return "Ctrl-C"
        case .terminated: return "SIGTERM"
        case .hangUp: return "SIGHUP"
        default: return nil
        }
    }

    /// True when `code` is the exit code of a run a signal ended.
    public static func endedBySignal(_ code: Int32) -> Bool { ExitCode(rawValue: code)?.signalName != nil }
}
