import Foundation
import Testing
@testable import REPL
import Language

@Suite("Completer")
struct CompleterTests {
    func texts(_ c: Completion) -> [String] { c.candidates.map(\.text) }

    @Test("builtins complete with an opening parenthesis; keywords and names too")
    func names() throws {
        let s = try CapturedSession()
        s.type("let learning_rate = 0.1\nfn lerp(a, b, t) = a + (b - a) * t")
        let c = Completer(session: s.session)
        #expect(c.complete("linsp").insertion == "ace(")
        #expect(c.complete("learn").insertion == "ing_rate")
        #expect(c.complete("ler").insertion == "p(")
        #expect(c.complete("let x = learning_rate * lerp(1, 2, lea").insertion == "rning_rate")
        #expect(c.complete("tra").candidates.contains(Completion.Candidate("train", suffix: " ")))
        // Several choices share no longer prefix: nothing is inserted, all are listed.
        let many = c.complete("s")
        #expect(many.insertion == "")
        #expect(texts(many).contains("sum") && texts(many).contains("seed") && texts(many).contains("softmax"))
        #expect(c.complete("").candidates.isEmpty)
        #expect(c.complete("12").candidates.isEmpty)
    }

    @Test("fields after a dot: records, models, series, tensors")
    func members() throws {
        let s = try CapturedSession()
        s.type(copyTaskSource)
        s.type("let cfg = {learning_rate: 0.1, width: 4, inner: {depth: 2}}\nlet t = ones([2, 2])")
        s.type("train lin on pairs with gd {\n  steps 3\n  batch 4\n  loss cross_entropy(output, target)\n  log train_loss = loss\n}")
        let c = Completer(session: s.session)
        #expect(c.complete("cfg.lea").insertion == "rning_rate")
        #expect(texts(c.complete("cfg.")) == ["inner", "learning_rate", "width"])
        #expect(c.complete("print(cfg.inner.de").insertion == "pth")
        #expect(texts(c.complete("lin.")) == ["E", "W", "forward"])
        #expect(c.complete("lin.fo").insertion == "rward")
        #expect(texts(c.complete("pairs.")) == ["sample"])
        #expect(texts(c.complete("train_loss.")).contains("last"))
        #expect(texts(c.complete("t.")).contains("shape"))
        #expect(c.complete("t.resh").insertion == "ape(")
        // A range is not a member access.
        #expect(!texts(c.complete("0..w")).contains("T"))
        #expect(c.complete("nothing_here.").candidates.isEmpty)
    }

    @Test("keyword-argument names inside a call")
    func keywordArguments() throws {
        let s = try CapturedSession()
        s.type("fn f(x, scale: 2.0, shift: 0) = x * scale + shift")
        let c = Completer(session: s.session)
        #expect(c.complete("sgd(l").candidates.first == Completion.Candidate("lr", suffix: ": "))
        #expect(c.complete("adam(l").candidates.first == Completion.Candidate("lr", suffix: ": "))
        #expect(c.complete("sum(x, keep").insertion == "dims: ")
        #expect(texts(c.complete("f(1, ")) == ["scale", "shift", "x"])
        #expect(texts(c.complete("f(1, scale: 3, ")) == ["shift", "x"])
        // Method sugar: the receiver is the first argument.
        #expect(c.complete("w.sum(ax").insertion == "is: ")
        // Outside the call's parentheses, no labels.
        #expect(!texts(c.complete("f(1) + s")).contains("scale"))
    }

    @Test("file paths inside strings and after :load")
    func paths() throws {
        let dir = try makeTemporaryDirectory()
        try "".write(to: dir.appendingPathComponent("weights.safetensors"), atomically: true, encoding: .utf8)
        try "".write(to: dir.appendingPathComponent("warmup.exp"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("runs"), withIntermediateDirectories: true)
        let s = try CapturedSession()
        let c = Completer(session: s.session)
        #expect(c.complete("load m from \"\(dir.path)/we").insertion == "ights.safetensors\"")
        #expect(c.complete("save m to \"\(dir.path)/ru").insertion == "ns/")
        #expect(texts(c.complete("import \"\(dir.path)/w")) == ["warmup.exp", "weights.safetensors"])
        #expect(c.complete(":load \(dir.path)/wa").insertion == "rmup.exp")
        // A closed string is code again.
        #expect(c.complete("print(\"a\", linsp").insertion == "ace(")
        // A quote inside a comment does not open a string.
        #expect(c.complete("# say \"hi\nlinsp").insertion == "ace(")
    }

    @Test(":commands and :help names")
    func commands() throws {
        let s = try CapturedSession()
        let c = Completer(session: s.session)
        #expect(c.complete(":sa").insertion == "ve ")
        #expect(texts(c.complete(":t")) == ["time", "type"])
        #expect(c.complete(":help linsp").insertion == "ace")
    }
}

@Suite("Completer and help for models as modules")
struct ModuleCompletionTests {
    func texts(_ c: Completion) -> [String] { c.candidates.map(\.text) }

    @Test("constructor keywords, members of built models and of param collections")
    func constructorsAndCollections() throws {
        let s = try CapturedSession()
        s.type("model Stack(L: 2, d: 4) {\n  param layers = [{Wq: zeros([d, d]), b: zeros([d])} for i in 0..L]\n  forward(x) = x\n}")
        s.type("let a = Stack(L: 3)")
        let c = Completer(session: s.session)
        #expect(texts(c.complete("Stack(")) == ["L", "d"])
        #expect(c.complete("Stack(L: 1, ").candidates.first == Completion.Candidate("d", suffix: ": "))
        #expect(texts(c.complete("a.")) == ["L", "d", "forward", "layers"])
        #expect(texts(c.complete("a.layers[0].")) == ["Wq", "b"])
        #expect(c.complete("parame").insertion == "ters(")
    }

    @Test(":help shows a prelude function's or constructor's doc comment")
    func helpDocComments() throws {
        let s = try CapturedSession()
        s.type(":help Transformer")
        #expect(s.output.contains("Transformer(vocab, T, d, layers, heads: 1"))
        #expect(s.output.contains("model constructor, defined in transformer.exp"))
        #expect(s.output.contains("logits [B, T, vocab]"))
        s.clear()
        s.type(":help multihead_attention")
        #expect(s.output.contains("weights: true returns [output, A]"))
        s.clear()
        let dir = try makeTemporaryDirectory()
        try "let k = 2\n# Doubles x.\nfn twice(x) = k * x\n".write(to: dir.appendingPathComponent("lib.exp"), atomically: true, encoding: .utf8)
        s.type(":load \(dir.path)/lib.exp")
        s.type(":help twice")
        #expect(s.output.contains("twice(x) — function, defined in this session\n  Doubles x."))
    }
}
