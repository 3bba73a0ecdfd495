import Foundation
import Testing

/// A prelude Transformer (the shape of examples/transformer_recall.exp) saved by exp loads into a PyTorch module of the same shape with
/// `load_state_dict` (after renaming LayerNorm keys) and gives the same logits. Skipped, with a
/// message, where `python3 -c "import torch"` fails (CI has no torch; run it where torch is).
@Suite struct TorchInteropTests {
    static var torchAvailable: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import torch"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    static let script = """
    seed 3
    let cfg = {vocab: 32, T: 16, d: 64, layers: 4, heads: 4, mlp: 4}
    let m = Transformer(vocab: cfg.vocab, T: cfg.T, d: cfg.d, layers: cfg.layers, heads: cfg.heads, mlp: cfg.mlp)
    # Non-trivial LayerNorm gains and biases, so a wrong key mapping cannot pass.
    m.blocks = [{attn: b.attn, ln1: {g: 1 + 0.1 * randn([cfg.d]), b: 0.1 * randn([cfg.d])}, mlp: b.mlp, ln2: {g: 1 + 0.1 * randn([cfg.d]), b: 0.1 * randn([cfg.d])}} for b in m.blocks]
    let tokens = randint(0, cfg.vocab, [3, 12])
    save m to "model.safetensors"
    save {tokens: tokens, logits: m.forward(tokens), vocab: tensor(cfg.vocab), T: tensor(cfg.T), d: tensor(cfg.d), layers: tensor(cfg.layers), heads: tensor(cfg.heads), mlp: tensor(cfg.mlp)} to "io.safetensors"
    """

    @Test func preludeTransformerLoadsIntoPyTorch() throws {
        guard Self.torchAvailable else {
            print("TorchInteropTests skipped: python3 cannot import torch")
            return
        }
        let dir = try ExperimentRunTests.tempDir()
        let scriptURL = dir.appendingPathComponent("save.exp")
        try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let (p, _, err) = try ExperimentRunTests.launch(["run", scriptURL.path, "--out", out.path, "--quiet"])
        p.waitUntilExit()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try #require(p.terminationStatus == 0, "exp failed: \(errors)")
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        py.arguments = ["python3", packageRoot() + "/Tests/python/load_exp_transformer.py", out.path]
        let pyOut = Pipe(), pyErr = Pipe()
        py.standardOutput = pyOut
        py.standardError = pyErr
        try py.run()
        py.waitUntilExit()
        let printed = String(decoding: pyOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let failed = String(decoding: pyErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(py.terminationStatus == 0 && printed.hasPrefix("ok"), "PyTorch side: \(printed)\(failed)")
    }
}
