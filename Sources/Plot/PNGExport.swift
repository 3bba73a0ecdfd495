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
        guard let tool = findConverter(environment: environment) else {
            throw PlotError(.missingTool, "cannot write \(pngPath): rsvg-convert was not found on PATH",
                            hint: installHint)
        }
        guard FileManager.default.fileExists(atPath: svgPath) else {
            throw PlotError(.io, "cannot convert \(svgPath): no such file")
        }
        let zoom = scale.isFinite && scale > 0 ? min(scale, 16) : 1
        // Convert into a temporary file next to the target, then rename: no half-written PNGs.
        let tmp = pngPath + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--format=\(format)", "--zoom=\(zoom)", "--background-color=white", "--output=\(tmp)", svgPath]
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PlotError(.conversionFailed, "cannot run \(tool): \(error.localizedDescription)", hint: installHint)
        }
        let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            // Cleanup on the error path: the error being thrown is the one to report.
            try? FileManager.default.removeItem(atPath: tmp)
            let msg = String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PlotError(.conversionFailed, "rsvg-convert failed on \(svgPath) (exit \(process.terminationStatus))"
                            + (msg.isEmpty ? "" : ": \(msg)"))
        }
        do {
            if FileManager.default.fileExists(atPath: pngPath) { try FileManager.default.removeItem(atPath: pngPath) }
            try FileManager.default.moveItem(atPath: tmp, toPath: pngPath)
        } catch {
            // Cleanup on the error path: the error being thrown is the one to report.
            try? FileManager.default.removeItem(atPath: tmp)
            throw PlotError(.io, "cannot write \(pngPath): \(error.localizedDescription)")
        }
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
