// Core benchmark: prints exp's figures beside reference figures measured in the same run.
//   matmul     exp's Tensor.matmul vs calling OpenBLAS sgemm directly (GFLOP/s)
//   elementwise  a 1M-float add vs memcpy bandwidth (GB/s moved)
//   tape        a 4x4 add, forward + backward through the tape (ns per op)
//   normal      W1's per-step draws (215k float32 normals) vs the one-pair-at-a-time polar loop (ms)
// Run: swift run -c release CoreBench
import Autodiff
import CBLAS
import Foundation
import Tensors

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Median seconds per call of `ours` and of `reference`, measured in alternating rounds of
/// `reps` calls each, so load on a shared machine hits both alike.
func measurePair(rounds: Int = 11, reps: Int, _ ours: () throws -> Void, _ reference: () throws -> Void) rethrows -> (Double, Double) {
    try ours(); try reference()  // warm-up
    var a: [Double] = [], b: [Double] = []
    for _ in 0..<rounds {
        var t0 = now()
        for _ in 0..<reps { try ours() }
        a.append((now() - t0) / Double(reps))
        t0 = now()
        for _ in 0..<reps { try reference() }
        b.append((now() - t0) / Double(reps))
    }
    return (a.sorted()[rounds / 2], b.sorted()[rounds / 2])
}

/// Median seconds per call of `body`.
func measure(rounds: Int = 11, reps: Int, _ body: () throws -> Void) rethrows -> Double {
    try measurePair(rounds: rounds, reps: reps, body, {}).0
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

nonisolated(unsafe) var failures: [String] = []
@MainActor func row(_ name: String, _ ours: Double, _ reference: Double, unit: String, ok: Bool, goal: String) {
    print(pad(name, 28) + pad(fmt(ours, ours < 10 ? 2 : 1) + " " + unit, 18) + pad(fmt(reference, reference < 10 ? 2 : 1) + " " + unit, 18)
          + (ok ? "ok   " : "MISS ") + goal)
    if !ok { failures.append(name) }
}

print("exp core benchmark (release build; medians of 11 rounds, exp and reference alternating)")
print(pad("figure", 28) + pad("exp", 18) + pad("reference", 18) + "goal")

// MARK: matmul
for n in [64, 256, 1024] {
    let a = try Tensor.ones([n, n], dtype: .float32), b = try Tensor.ones([n, n], dtype: .float32)
    let c = try Tensor.zeros([n, n], dtype: .float32)
    let reps = max(1, 200_000_000 / (2 * n * n * n))
    let (ours, direct) = try measurePair(reps: reps, { _ = try Tensor.matmul(a, b) }, {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                    a.pointer(Float.self), Int32(n), b.pointer(Float.self), Int32(n), 0, c.pointer(Float.self), Int32(n))
    })
    let flops = 2 * Double(n * n * n)
    row("matmul f32 \(n)x\(n)", flops / ours / 1e9, flops / direct / 1e9, unit: "GFLOP/s",
        ok: ours <= direct * 1.10, goal: "within 10% of direct sgemm")
}

// MARK: elementwise vs memcpy
do {
    let n = 1 << 20
    let a = try Tensor.ones([n], dtype: .float32), b = try Tensor.ones([n], dtype: .float32)
    let src = UnsafeMutableRawPointer.allocate(byteCount: 4 * n, alignment: 64)
    let dst = UnsafeMutableRawPointer.allocate(byteCount: 4 * n, alignment: 64)
    src.initializeMemory(as: UInt8.self, repeating: 1, count: 4 * n)
    dst.initializeMemory(as: UInt8.self, repeating: 0, count: 4 * n)
    let (ours, copy) = try measurePair(reps: 50, { _ = try Tensor.binary(.add, a, b) }, { memcpy(dst, src, 4 * n) })
    // An add moves 12 bytes per element (two reads, one write); memcpy moves 8.
    let oursGBs = 12 * Double(n) / ours / 1e9, copyGBs = 8 * Double(n) / copy / 1e9
    row("add 1M f32 (bandwidth)", oursGBs, copyGBs, unit: "GB/s", ok: oursGBs >= copyGBs / 2, goal: "at least half of memcpy")
}

// MARK: tape overhead
do {
    let tape = Tape()
    Tape.current = tape
    let x = try Tensor.ones([4, 4], dtype: .float32)
    let chain = 100
    let perChain = try measure(reps: 200) {
        tape.reset()
        let a = tape.variable(x), b = tape.variable(x)
        var y = a
        for _ in 0..<chain { y = try add(y, b) }
        _ = try tape.gradients(of: y, wrt: [a, b])
    }
    let perOp = perChain / Double(chain) * 1e9
    row("4x4 add fwd+bwd (per op)", perOp, 1000, unit: "ns", ok: perOp <= 1000, goal: "at most 1 µs")
}

// MARK: normal draws vs the scalar polar loop
do {
    // W1 draws randn([512, 41, 10]) and randn([512, 10, 1]) every step.
    let g = RandomGenerator(seed: 1)
    let n = 512 * 41 * 10 + 512 * 10
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: n)
    let (ours, scalar) = try measurePair(reps: 20, {
        _ = try Tensor.normal([512, 41, 10], generator: g)
        _ = try Tensor.normal([512, 10, 1], generator: g)
    }, {
        var i = 0
        while i < n {
            let (a, b) = g.nextNormalPair()
            buffer[i] = Float(a); buffer[i + 1] = Float(b)
            i += 2
        }
    })
    row("normal 215k f32", ours * 1e3, scalar * 1e3, unit: "ms", ok: ours * 4 <= scalar, goal: "at least 4x the scalar loop")
}

print(failures.isEmpty ? "all core figures meet their goals" : "goals missed: \(failures.joined(separator: ", "))")
