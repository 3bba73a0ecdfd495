import Experiments
import ArgumentParser
import Foundation
import Lab
import Language

/// `exp compare RUNDIR... [--out DIR]`: one report overlaying each shared metric across runs.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Overlay the same metrics across runs in one report.",
        discussion: "Each RUNDIR is a run directory (runs/<script>/<time>/) or a sweep combination's directory "
            + "inside one. Every metric all runs logged gets a figure with one curve per run, labelled by the "
            + "settings that differ; a table lists those settings.")

    @Argument(help: ArgumentHelp("Run directories to compare (two or more).", valueName: "RUNDIR"))
    var directories: [String] = []

    @Option(name: .customLong("out"), help: ArgumentHelp("Where the report goes (default runs/compare/<time>/).", valueName: "DIR"))
    var outputDirectory: String?

    func run() throws {
        let report: CompareReport
        do {
            report = try CompareReport(directories: directories)
        } catch {
            FileHandle.standardError.write(Data("error: \(FileIO.reason(error))\n".utf8))
            throw ExitCode(directories.count < 2 ? Language.ExitCode.usage.rawValue : Language.ExitCode.missingInput.rawValue)
        }
        do {
            let url = try report.write(out: outputDirectory)
            print("compared \(report.runs.count) runs on \(report.shared.count) metric\(report.shared.count == 1 ? "" : "s"): \(url.path)")
        } catch {
            FileHandle.standardError.write(Data("error: \(FileIO.reason(error))\n".utf8))
            throw ExitCode(Language.ExitCode.runtimeError.rawValue)
        }
    }
}
