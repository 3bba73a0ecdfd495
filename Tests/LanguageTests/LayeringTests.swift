import Foundation
import Testing

/// The module arrows of ARCHITECTURE.md, read off the sources: each target imports only the
/// targets below it (SwiftPM builds an undeclared import of a sibling target whenever that
/// target happens to be built first, so the package manifest alone does not keep the layers
/// apart), and no library target ends the process.
struct LayeringTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    /// Project modules each target may import (system modules such as Foundation are free).
    static let allowed: [String: Set<String>] = [
        "Tensors": ["CBLAS", "CKernels"],
        "Autodiff": ["Tensors"],
        "Lab": ["Tensors", "Autodiff"],
        "Plot": [],
        "Language": ["Tensors", "Autodiff", "CProcess"],
        "Experiments": ["Tensors", "Autodiff", "Lab", "Plot", "Language"],
        "REPL": ["Tensors", "Autodiff", "Lab", "Plot", "Language", "Experiments", "CEditLine"],
    ]
    static let projectModules: Set<String> = ["Tensors", "Autodiff", "Lab", "Plot", "Language", "Experiments",
                                               "REPL", "CBLAS", "CKernels", "CEditLine", "CProcess"]

    static func swiftFiles(_ target: String) -> [URL] {
        let dir = sources.appendingPathComponent(target)
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "swift" }
    }

    @Test func everyTargetImportsOnlyTheLayersBelowIt() throws {
        for (target, allowed) in Self.allowed {
            let files = Self.swiftFiles(target)
            #expect(!files.isEmpty, "no sources found for \(target) under \(Self.sources.path)")
            for file in files {
                let text = try String(contentsOf: file, encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    guard let i = words.firstIndex(of: "import"), i + 1 < words.count,
                          words[..<i].allSatisfy({ $0.hasPrefix("@") || ["public", "package", "internal"].contains($0) }) else { continue }
                    let module = String(words[i + 1])
                    guard Self.projectModules.contains(module) else { continue }
                    #expect(allowed.contains(module), "\(target)/\(file.lastPathComponent) imports \(module)")
                }
            }
        }
    }

    /// Only the command line decides when the process ends. The REPL's one exception is the
    /// third Ctrl-C at a running input: a signal handler can only `_exit`.
    @Test func noLibraryTargetCallsExit() throws {
        for target in Self.allowed.keys {
            for file in Self.swiftFiles(target) {
                let text = try String(contentsOf: file, encoding: .utf8)
                for line in text.split(separator: "\n") where line.range(of: #"(^|[^A-Za-z_.])_?exit\("#, options: .regularExpression) != nil {
                    let code = line.split(separator: "//", maxSplits: 1).first.map(String.init) ?? ""
                    guard code.range(of: #"(^|[^A-Za-z_.])_?exit\("#, options: .regularExpression) != nil else { continue }
                    let signalHandlerQuit = target == "REPL" && file.lastPathComponent == "PromptSignals.swift" && code.contains("_exit(130)")
                    #expect(signalHandlerQuit, "\(target)/\(file.lastPathComponent) calls exit: \(line)")
                }
            }
        }
    }
}
