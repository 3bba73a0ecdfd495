/// The seeded random number generator: Philox4x32-10 (Salmon et al., "Parallel random numbers:
/// as easy as 1, 2, 3", SC 2011).
///
/// Why Philox rather than xoshiro256**: it is counter-based, so the whole state is a key (the
/// seed) and a block counter. Any position of the stream is a pure function of (seed, counter),
/// which makes streams trivially reproducible, skippable and splittable (an independent stream
/// per sweep run or per thread is just another key), and it passes BigCrush. Only 32-bit
/// multiplies, xors and adds are used, so every machine produces the same bits.
///
/// Derived numbers are portable too: uniforms are built from integer bits, normals use the
/// Marsaglia polar method with the arithmetic-only `portableLog` below and IEEE `sqrt`, never
/// the platform's libm, so the same seed gives bit-identical tensors everywhere.
///
/// A generator is not thread-safe; each thread has its own `current` one.
public final class RandomGenerator {
    /// The seed this generator started from.
    public let seed: UInt64
    let key: (UInt32, UInt32)
    /// Index of the next 128-bit block.
    private var counter: UInt64 = 0
    private var block: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    /// How many words of `block` have been handed out (4 = exhausted).
    private var used = 4

    public init(seed: UInt64) {
        self.seed = seed
        self.key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }

    /// An independent generator at the same position of the same stream: what it draws next is
    /// what this one would (the REPL keeps one to roll the stream back when an input fails).
    public func copy() -> RandomGenerator {
        let g = RandomGenerator(seed: seed)
        g.counter = counter
        g.block = block
        g.used = used
        return g
    }

    // MARK: - Per-thread current generator

    private final class Holder { var generator = RandomGenerator(seed: 0) }
    private static let perThread = ThreadLocal { Holder() }

    /// This thread's generator, the one random functions use unless given another. It starts
    /// from seed 0; `seed(_:)` restarts it.
    public static var current: RandomGenerator {
        get { perThread.value.generator }
        set { perThread.value.generator = newValue }
    }

    /// Replaces this thread's current generator with a fresh one started from `seed` (the
    /// language's `seed N`).
    public static func seed(_ seed: UInt64) {
        current = RandomGenerator(seed: seed)
    }

    // MARK: - Philox4x32-10

    /// The Philox4x32-10 bijection of one 128-bit counter under a 64-bit key.
    public static func philox(counter c: (UInt32, UInt32, UInt32, UInt32), key k: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = c, k = k
        for round in 0..<10 {
            if round > 0 { k = (k.0 &+ 0x9E37_79B9, k.1 &+ 0xBB67_AE85) }
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            c = (hi1 ^ c.1 ^ k.0, lo1, hi0 ^ c.3 ^ k.1, lo0)
        }
        return c
    }

    // MARK: - Raw draws

    /// The next 32 random bits.
    @inline(__always)
    public func nextUInt32() -> UInt32 {
        if used == 4 {
            block = RandomGenerator.philox(counter: (UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 0, 0), key: key)
            counter &+= 1
            used = 0
        }
        defer { used += 1 }
        switch used {
        case 0: return block.0
        case 1: return block.1
        case 2: return block.2
        default: return block.3
        }
    }

    /// The next 64 random bits (two 32-bit words, the first one high).
    @inline(__always)
    public func nextUInt64() -> UInt64 {
        let hi = UInt64(nextUInt32())
        return hi << 32 | UInt64(nextUInt32())
    }

    /// A uniform double in [0, 1) with 53 random bits. Float32 tensors use the same draw
    /// rounded, so both precisions see the same underlying stream.
    @inline(__always)
    public func nextDouble() -> Double {
        Double(nextUInt64() >> 11) * 0x1p-53
    }

    /// A uniform integer in `0..<bound` without modulo bias: draws that fall in the last,
    /// incomplete copy of the range are rejected and redrawn. `bound` must be positive.
    @inline(__always)
    public func nextBelow(_ bound: UInt64) -> UInt64 {
        // 2^64 mod bound, computed without 128-bit arithmetic.
        let threshold = (0 &- bound) % bound
        while true {
            let x = nextUInt64()
            if x >= threshold { return x % bound }
        }
    }

    // MARK: - Bulk normals

    /// Index of the next unread 32-bit word of the stream.
    var wordPosition: UInt64 { counter &* 4 &- UInt64(4 - used) }

    /// Continues the stream at word `position` (as if every word before it had been read).
    func seek(toWord position: UInt64) {
        counter = position / 4
        used = Int(position % 4)
        if used == 0 {
            used = 4
        } else {
            block = RandomGenerator.philox(counter: (UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 0, 0), key: key)
            counter &+= 1
        }
    }

    /// `count` standard normal pairs, the same values (and the same stream position afterwards) as
    /// `count` calls of `nextNormalPair`, drawn in bulk (see `fillNormals`). `emit(i, a, b)`
    /// receives pair i.
    public func normalPairs(_ count: Int, _ emit: (Int, Double, Double) -> Void) {
        guard count > 0 else { return }
        let values = UnsafeMutablePointer<Double>.allocate(capacity: 2 * count)
        defer { values.deallocate() }
        fillNormals(values, count: 2 * count, mean: 0, std: 1)
        for i in 0..<count { emit(i, values[2 * i], values[2 * i + 1]) }
    }

    /// Two independent standard normal draws (Marsaglia polar method).
    @inline(__always)
    public func nextNormalPair() -> (Double, Double) {
        while true {
            let u = 2 * nextDouble() - 1, v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let f = (-2 * portableLog(s) / s).squareRoot()
            return (u * f, v * f)
        }
    }
}

// MARK: - Portable logarithm

/// Natural log of a positive finite double from basic IEEE arithmetic only, so it gives the same
/// bits on every platform (libm's `log` may differ by an ulp between systems). Accurate to a few
/// ulp, which is plenty for turning uniforms into normals.
///
/// x = m·2^e with m in [√½, √2); log m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.1716, summed as
/// the odd series t + t³/3 + … until the terms fall below double precision.
func portableLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
    let bits = x.bitPattern
    let biased = Int(bits >> 52) & 0x7FF
    var e: Int, m: Double
    if biased != 0 {
        // A normal number: exponent and significand straight from the bits (the same values
        // `exponent` and `significand` give, without the library calls).
        e = biased - 1023
        m = Double(bitPattern: bits & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000)
    } else {
        e = Int(x.exponent)
        m = x.significand  // in [1, 2), exact
    }
    if m > 1.4142135623730951 { m *= 0.5; e += 1 }
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    // Horner form of 1 + t²/3 + t⁴/5 + … + t²⁶/27 (t²⁸/29 < 1e-21 is negligible). The
    // coefficients are the correctly rounded 1/k, folded at compile time.
    var poly = 1.0 / 27
    poly = poly * t2 + 1.0 / 25
    poly = poly * t2 + 1.0 / 23
    poly = poly * t2 + 1.0 / 21
    poly = poly * t2 + 1.0 / 19
    poly = poly * t2 + 1.0 / 17
    poly = poly * t2 + 1.0 / 15
    poly = poly * t2 + 1.0 / 13
    poly = poly * t2 + 1.0 / 11
    poly = poly * t2 + 1.0 / 9
    poly = poly * t2 + 1.0 / 7
    poly = poly * t2 + 1.0 / 5
    poly = poly * t2 + 1.0 / 3
    poly = poly * t2 + 1.0
    let logM = 2 * t * poly
    // ln 2 split in two so e·ln2_hi is exact for |e| < 2^11.
    let ln2Hi = 0.6931471803691238, ln2Lo = 1.9082149292705877e-10
    let de = Double(e)
    return de * ln2Hi + (logM + de * ln2Lo)
}
