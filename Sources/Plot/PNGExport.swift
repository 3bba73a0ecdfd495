import Foundation

// MARK: - PNG through rsvg-convert

/// Converts SVG to PNG by running `rsvg-convert` (Debian package librsvg2-bin).
public enum PNGExport {
    /// The install hint shown when the converter is missing.
    public static let installHint = "install it with `sudo apt-get install librsvg2-bin` (Debian/Ubuntu), or write .svg instead"

    /// Full path of `rsvg-convert` on PATH, or nil.
    public static func findConverter(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = String(dir) + "/rsvg-convert"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Renders the SVG file at `svgPath` to a PNG at `pngPath`. `scale` > 1 gives a sharper image
    /// (2 = 1280×840 for one default panel).
    /// - Throws: `PlotError(.missingTool)` when rsvg-convert is not installed (the message says how
    ///   to install it), `.conversionFailed` with its stderr when it fails.
    /// `format` is "png" or "pdf" (rsvg-convert writes both).
    public static func convert(svgPath: String, to pngPath: String, format: String = "png", scale: Double = 1,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let data = try render(svgPath: svgPath, format: format, scale: scale, environment: environment, target: pngPath)
        try writeAtomically(data, to: pngPath)
    }

    /// The PNG or PDF bytes of the SVG file at `svgPath`, from rsvg-convert's standard output
    /// (so no half-written or temporary file is ever left next to the target; the caller
    /// writes the bytes where they belong).
    public static func render(svgPath: String, format: String = "png", scale: Double = 1,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              target: String? = nil) throws -> Data {
        let shown = target ?? svgPath
        guard let tool = findConverter(environment: environment) else {
            throw PlotError(.missingTool, "cannot write \(shown): rsvg-convert was not found on PATH",
                            hint: installHint)
        }
        guard FileManager.default.fileExists(atPath: svgPath) else {
            throw PlotError(.io, "cannot convert \(svgPath): no such file")
        }
        let zoom = scale.isFinite && scale > 0 ? min(scale, 16) : 1
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--format=\(format)", "--zoom=\(zoom)", "--background-color=white", svgPath]
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        do {
            try process.run()
        } catch {
            throw PlotError(.conversionFailed, "cannot run \(tool): \(plainReason(error))", hint: installHint)
        }
        // stderr is read on another thread: a converter that fills one pipe while we wait on
        // the other would otherwise hang.
        final class Box: @unchecked Sendable { var data = Data() }
        let errors = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errors.data = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let output = outPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        guard process.terminationStatus == 0 else {
            let msg = String(decoding: errors.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PlotError(.conversionFailed, "rsvg-convert failed on \(svgPath) (exit \(process.terminationStatus))"
                            + (msg.isEmpty ? "" : ": \(msg)"))
        }
        return output
    }

    /// The reason of a file or process error in plain words (the system's message for its
    /// error number), not a Foundation error dump.
    static func plainReason(_ error: Error) -> String {
        let ns = error as NSError
        let posix = ns.domain == NSPOSIXErrorDomain ? ns : ns.userInfo[NSUnderlyingErrorKey] as? NSError
        if let posix, posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))).lowercased() }
        return "error \(ns.code)"
    }
}

extension Figure {
    /// Writes the figure as PNG via rsvg-convert (an SVG is written next to it first and removed after).
    public func writePNG(to path: String, scale: Double = 1) throws {
        let svgPath = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier).svg"
        try writeSVG(to: svgPath)
        // The intermediate SVG; one left behind costs disk space, not a result.
        defer { try? FileManager.default.removeItem(atPath: svgPath) }
        try PNGExport.convert(svgPath: svgPath, to: path, scale: scale)
    }
}
