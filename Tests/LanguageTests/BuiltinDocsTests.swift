import Foundation
import Testing
@testable import Experiments
@testable import Language

/// The builtin list in grammar/README.md is the builtins that exist, family by family, and
/// every builtin has a description for `help` to show.
@Suite struct BuiltinDocsTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../grammar/README.md").standardizedFileURL

    /// The rows of the `## Builtins` table: family name and the backquoted names in its row.
    static func documentedFamilies() throws -> [String: [String]] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let start = text.range(of: "\n## Builtins\n") else { return [:] }
        let section = text[start.upperBound...]
        var rows: [String: [String]] = [:]
        for line in section.split(separator: "\n") {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 4, BuiltinFamily(rawValue: cells[1]) != nil else { continue }
            rows[cells[1]] = cells[2].split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        }
        return rows
    }

    /// What a script run by `exp` sees: the core builtins and the experiments layer's.
    static let builtins = BuiltinTable(registering: ExperimentBuiltins.table)

    @Test func readmeListsEveryBuiltinInItsFamily() throws {
        let documented = try Self.documentedFamilies()
        #expect(!documented.isEmpty, "no builtin table found under ## Builtins in \(Self.readme.path)")
        for family in BuiltinFamily.allCases {
            let actual = Self.builtins.all.filter { $0.family == family }.map(\.name)
            let listed = documented[family.rawValue] ?? []
            #expect(Set(listed) == Set(actual),
                    "\(family.rawValue): missing from README \(actual.filter { !listed.contains($0) }), not builtins \(listed.filter { !actual.contains($0) })")
        }
    }

    /// A registered builtin whose name a core one already has would be dropped from the table:
    /// every experiments-layer builtin must keep a name of its own.
    @Test func registeredBuiltinsKeepTheirNames() {
        let core = Set(Builtins.core.names)
        for b in ExperimentBuiltins.table {
            #expect(!core.contains(b.name), "\(b.name) is both a core and an experiments builtin")
        }
        #expect(Self.builtins.all.count == Builtins.core.all.count + ExperimentBuiltins.table.count)
    }

    @Test func everyBuiltinHasADescription() {
        for b in Self.builtins.all {
            #expect(!b.doc.trimmingCharacters(in: .whitespaces).isEmpty, "\(b.name) has no doc string")
        }
    }
}
