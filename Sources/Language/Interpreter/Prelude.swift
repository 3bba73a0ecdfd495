import Foundation

/// The bundled prelude: the shared task families and model blocks every script sees.
public enum Prelude {
    /// The prelude shipped as resources: every `.exp` file in Prelude/, in name order, each
    /// file one family of shared tasks or model blocks.
    public static func sources() -> [SourceFile] {
        guard let dir = Bundle.module.url(forResource: "Prelude", withExtension: nil) else { return [] }
        // The prelude ships inside the build; an unreadable folder would show at once as unknown
        // prelude names (every task family), which the golden tests pin.
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".exp") }.sorted()
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path), !data.isEmpty else { return nil }
            return SourceFile(name: "prelude/" + name, bytes: Array(data))
        }
    }
}
