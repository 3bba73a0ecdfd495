// Bulk standard normals, evaluated eight polar-method attempts at a time in SIMD lanes and
// written straight into the output. The values are the same bits as `nextNormalPair` (same seed,
// same stream position, same IEEE operations in the same order); only the scheduling differs.
//
// Why this is bit-identical to the scalar path:
// - Philox uses only 32-bit products, xors and adds; each 32-bit word sits in a 64-bit lane, so
//   one 32×32→64 product gives both the high and the low half.
// - A uniform u = 2·(x·2⁻⁵³) − 1 with a 53-bit integer x is exact at every step, so it equals the
//   real number (x − 2⁵²)/2⁵². It is built here from the bits (1.m − 1 or 1.m − 2, both exact by
//   Sterbenz's lemma), which avoids a 64-bit integer to double conversion that SSE2 lacks.
// - An accepted s = u² + v² is never subnormal: u and v are multiples of 2⁻⁵², so a nonzero s is
//   at least 2⁻¹⁰⁴. `portableLog` therefore always takes its bit path, which the lanes replicate
//   (the exponent becomes a double through the 2⁵² trick, exact for integers below 2⁵²).
// - Swift never contracts a·b + c into a fused multiply-add, so SIMD arithmetic rounds exactly
//   like the scalar expressions, and division and square root are IEEE (correctly rounded) in
//   every lane. Rejected lanes (s ≥ 1 or s == 0) are computed too, but never kept.
//
// The attempts are split over the cores in contiguous parts; a part's pairs land after those of
// the parts before it, so only the first part writes straight into the output.
//
// On x86-64 CPUs with AVX2 or AVX-512 the bulk of each part runs in a C kernel (CKernels,
// chosen at run time) that does the same operations in wider registers; Swift itself builds for
// baseline x86-64 and cannot target those per function. The Swift lanes below finish each part
// (the last few groups, where the pair limit or the output's end is near) and are the whole path
// elsewhere.

import CKernels

/// How many attempts one SIMD group evaluates (the lane count of `Words` and `Doubles`).
private let lanes = 8

/// A value a normal tensor stores: the draw is mapped through `mean + std * z` in double and then
/// rounded, as `Tensor.normal` always did.
protocol NormalOutput {
    static func rounded(_ x: Double) -> Self
    /// Stores `(rounded(pair[0]), rounded(pair[1]))` at `p` (no alignment needed).
    static func store(_ pair: SIMD2<Double>, at p: UnsafeMutablePointer<Self>)
    /// The C kernel for this output type (`ck_normal_groups_f32` or `_f64`).
    static var kernelGroups: KernelGroups<Self> { get }
}

/// The signature of `ck_normal_groups_f32` / `_f64` (see CKernels.h).
typealias KernelGroups<T> = (Int32, UnsafePointer<ck_normal_batch>, Int64, Int64, UnsafeMutablePointer<UInt8>,
                             UnsafeMutablePointer<T>, Int64, Int64, UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>) -> Int64
extension Float: NormalOutput {
    @inline(__always) static func rounded(_ x: Double) -> Float { Float(x) }
    @inline(__always) static func store(_ pair: SIMD2<Double>, at p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: SIMD2<Float>(pair), as: SIMD2<Float>.self)
    }
    static var kernelGroups: KernelGroups<Float> { ck_normal_groups_f32 }
}
extension Double: NormalOutput {
    @inline(__always) static func rounded(_ x: Double) -> Double { x }
    @inline(__always) static func store(_ pair: SIMD2<Double>, at p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: pair, as: SIMD2<Double>.self)
    }
    static var kernelGroups: KernelGroups<Double> { ck_normal_groups_f64 }
}

/// Which code evaluates the attempts: every choice gives the same bits.
enum NormalKernel: Int32, CaseIterable, Sendable {
    /// The Swift lanes (SSE2 on x86-64, portable SIMD elsewhere); always available.
    case swift = 0  // CK_NORMAL_NONE
    case avx2 = 1  // CK_NORMAL_AVX2
    case avx512 = 2  // CK_NORMAL_AVX512

    /// The fastest kernel this machine runs.
    // An unknown code (a newer C shim) falls back to the always-available Swift lanes: same numbers.
    static let best = NormalKernel(rawValue: ck_normal_best_kernel()) ?? .swift

    /// Every kernel this machine runs (the tests compare them all).
    static var available: [NormalKernel] { allCases.filter { $0.rawValue <= best.rawValue } }
}

extension RandomGenerator {
    /// Writes `count` values `T(mean + std * z)` to `out`, where the z are the values of
    /// `(count + 1) / 2` calls of `nextNormalPair` in order (the last pair's second value dropped
    /// when `count` is odd), and leaves the stream where those calls would.
    func fillNormals<T: NormalOutput>(_ out: UnsafeMutablePointer<T>, count: Int, mean: Double, std: Double) {
        var pairs = (count + 1) / 2
        // Below a few groups the scalar loop is as fast and needs no scratch.
        if pairs < 32 {
            for k in 0..<pairs {
                let (a, b) = nextNormalPair()
                out[2 * k] = T.rounded(mean + std * a)
                if 2 * k + 1 < count { out[2 * k + 1] = T.rounded(mean + std * b) }
            }
            return
        }
        var position = wordPosition
        var written = 0  // values already in `out`
        while pairs > 0 {
            let (made, next) = NormalSampler.round(key: key, start: position, pairs: pairs,
                                                   out: out + written, capacity: count - written, mean: mean, std: std)
            written = min(count, written + 2 * made)
            pairs -= made
            position = next
        }
        seek(toWord: position)
    }
}

/// One round of bulk sampling; see `RandomGenerator.fillNormals`.
enum NormalSampler {
    /// Attempts per thread below which a second thread costs more than it saves.
    static let minimumAttemptsPerThread = 4096

    /// Evaluates a batch of attempts sized to give `pairs` pairs with near certainty, starting at
    /// stream word `start`. Returns how many pairs were written (at most `pairs`; fewer only if
    /// the batch fell short, and then the caller runs another round) and the stream word after
    /// the last attempt that counts.
    /// `groups` overrides the batch size (in groups of 8 attempts), for tests of short batches;
    /// `kernel` picks the code, for tests of each one.
    static func round<T: NormalOutput>(key: (UInt32, UInt32), start: UInt64, pairs: Int,
                                       out: UnsafeMutablePointer<T>, capacity: Int,
                                       mean: Double, std: Double, groups: Int? = nil,
                                       kernel: NormalKernel = .best) -> (pairs: Int, next: UInt64) {
        // π/4 of attempts are accepted; the attempt count for `pairs` successes has a standard
        // deviation of about 0.6·√pairs, so 3·√pairs + 16 extra leaves a shortfall only ~5σ away
        // while wasting ~1% of the work.
        let wanted = Int((Double(pairs) * (4 / Double.pi) + 3 * Double(pairs).squareRoot()).rounded(.up)) + 16
        let groups = groups ?? (wanted + lanes - 1) / lanes
        let parts = max(1, min(Parallel.threads, groups * lanes / minimumAttemptsPerThread))
        // Part p evaluates groups [bounds[p], bounds[p + 1]).
        let bounds = (0...parts).map { groups * $0 / parts }
        let masks = UnsafeMutablePointer<UInt8>.allocate(capacity: groups)
        defer { masks.deallocate() }
        // Part 0 writes straight into `out`; later parts cannot know where their pairs land until
        // the parts before them are done, so they write to scratch that is copied afterwards.
        let laterValues = 2 * (groups - bounds[1]) * lanes
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: max(1, laterValues))
        defer { scratch.deallocate() }
        var made = [Int](repeating: 0, count: parts)
        var stop = [Int](repeating: -1, count: parts)
        made.withUnsafeMutableBufferPointer { made in
            stop.withUnsafeMutableBufferPointer { stop in
                Parallel.forEachRange(parts, minimumPerThread: 1) { range in
                    for p in range {
                        let first = p == 0
                        let dest = first ? out : scratch + 2 * (bounds[p] - bounds[1]) * lanes
                        let room = first ? capacity : 2 * (bounds[p + 1] - bounds[p]) * lanes
                        let r = run(key: key, start: start, groups: bounds[p]..<bounds[p + 1], masks: masks,
                                    out: dest, capacity: room, limit: first ? pairs : Int.max, mean: mean, std: std, kernel: kernel)
                        made[p] = r.pairs
                        stop[p] = r.stop
                    }
                }
            }
        }
        if stop[0] >= 0 { return (made[0], start &+ UInt64(stop[0]) &* 4) }
        var done = made[0]
        for p in 1..<parts {
            let take = min(made[p], pairs - done)
            let values = min(2 * take, capacity - 2 * done)
            (out + 2 * done).update(from: scratch + 2 * (bounds[p] - bounds[1]) * lanes, count: values)
            done += take
            if done == pairs {
                let attempt = attemptAfter(accepted: take, of: made[p], groups: bounds[p]..<bounds[p + 1], masks: masks)
                return (done, start &+ UInt64(attempt) &* 4)
            }
        }
        return (done, start &+ UInt64(groups * lanes) &* 4)
    }

    /// The attempt index just after the `accepted`-th accepted attempt of `groups`, which hold
    /// `total` accepted attempts; scanned from the end, since the surplus is small.
    static func attemptAfter(accepted: Int, of total: Int, groups: Range<Int>, masks: UnsafePointer<UInt8>) -> Int {
        var surplus = total - accepted
        var g = groups.upperBound - 1
        while true {
            var bits = masks[g]
            let n = bits.nonzeroBitCount
            if n > surplus {
                // Drop the `surplus` highest set bits; the next highest is the attempt we want.
                for _ in 0..<surplus { bits &= ~(UInt8(0x80) >> bits.leadingZeroBitCount) }
                return g * lanes + (7 - bits.leadingZeroBitCount) + 1
            }
            surplus -= n
            g -= 1
        }
    }

    /// Evaluates the attempts of `groups` and writes their accepted pairs in order to `out`
    /// (at most `capacity` values), stopping after `limit` pairs. Records each group's accepted
    /// lanes as a bit mask. Returns the pairs written and, if the limit was reached, the index of
    /// the attempt after the last one used (else -1).
    static func run<T: NormalOutput>(key: (UInt32, UInt32), start: UInt64, groups: Range<Int>, masks: UnsafeMutablePointer<UInt8>,
                                     out: UnsafeMutablePointer<T>, capacity: Int, limit: Int,
                                     mean: Double, std: Double, kernel: NormalKernel) -> (pairs: Int, stop: Int) {
        let offset = Int(start % 4)
        let base = start / 4
        var k = 0  // values written
        var made = 0
        var groups = groups
        if kernel != .swift {
            // The C kernel takes the groups while it can store whole groups; Swift finishes.
            var batch = ck_normal_batch(key0: key.0, key1: key.1, base: base, offset: Int32(offset), mean: mean, std: std)
            var values = Int64(k), pairs = Int64(made)
            let next = T.kernelGroups(kernel.rawValue, &batch, Int64(groups.lowerBound), Int64(groups.upperBound), masks,
                                      out, Int64(capacity), Int64(limit), &values, &pairs)
            k = Int(values)
            made = Int(pairs)
            groups = Int(next)..<groups.upperBound
            if groups.isEmpty { return (made, -1) }
        }
        // Attempt j reads words 4j + offset ..< 4j + offset + 4, which straddle blocks j and j + 1
        // unless the stream position is a multiple of 4. Block j + 1 is the next lane's block;
        // the one after the group's last lane is carried over to the next group.
        // Round keys broadcast once: k0 of round r at r, k1 at 10 + r.
        let keys = UnsafeMutablePointer<Words>.allocate(capacity: 20)
        defer { keys.deallocate() }
        var k0 = key.0, k1 = key.1
        for r in 0..<10 {
            keys[r] = Words(repeating: UInt64(k0)); keys[10 + r] = Words(repeating: UInt64(k1))
            k0 &+= 0x9E37_79B9; k1 &+= 0xBB67_AE85
        }
        let zero = Words(repeating: 0)
        var block = offset == 0 ? (zero, zero, zero, zero) : philox(base &+ UInt64(groups.lowerBound * lanes), keys: keys)
        for g in groups {
            let w: (Words, Words, Words, Words)
            if offset == 0 {
                w = philox(base &+ UInt64(g * lanes), keys: keys)
            } else {
                let next = philox(base &+ UInt64((g + 1) * lanes), keys: keys)
                let n0 = block.0.shifted(next.0)
                if offset == 1 {
                    w = (block.1, block.2, block.3, n0)
                } else if offset == 2 {
                    w = (block.2, block.3, n0, block.1.shifted(next.1))
                } else {
                    w = (block.3, n0, block.1.shifted(next.1), block.2.shifted(next.2))
                }
                block = next
            }
            let u = uniform(w.0, w.1), v = uniform(w.2, w.3)
            let s = u * u + v * v
            // The scalar loop rejects s >= 1 and s == 0; s is never negative or NaN.
            let bits = laneInsideUnitDisk(s)
            masks[g] = bits
            // Rejected lanes go on with s = ½ so that none takes a slow path (the log of 0, the
            // square root of a negative number); their results are never kept.
            let safe = s.replacing(with: 0.5, where: (s .>= 1) .| (s .== 0))
            let f = laneSquareRoots(-2 * logarithm(safe) / safe)
            let a = mean + std * (u * f), b = mean + std * (v * f)
            if made + lanes < limit && k + 2 * lanes <= capacity {
                // Store every lane and advance only past accepted ones: no unpredictable branch.
                for i in 0..<lanes {
                    T.store(SIMD2(a[i], b[i]), at: out + k)
                    k += Int(bits >> i & 1) << 1
                }
                made += bits.nonzeroBitCount
            } else {
                for i in 0..<lanes where bits >> i & 1 != 0 {
                    if k < capacity { out[k] = T.rounded(a[i]) }
                    if k + 1 < capacity { out[k + 1] = T.rounded(b[i]) }
                    k += 2
                    made += 1
                    if made == limit { return (made, g * lanes + i + 1) }
                }
            }
        }
        return (made, -1)
    }

    /// Philox4x32-10 of the counters (first + i, 0) in lanes i = 0..<8, as `RandomGenerator.philox`.
    @inline(__always)
    private static func philox(_ first: UInt64, keys: UnsafePointer<Words>) -> (Words, Words, Words, Words) {
        let counter = Words(counting: first)
        let low = Words(repeating: 0xFFFF_FFFF)
        // Round 0 has c.2 = c.3 = 0, so its second product is 0.
        let p = (counter & low).multipliedLow(by: 0xD251_1F53)
        var c = ((counter &>> 32) ^ keys[0], Words(repeating: 0), (p &>> 32) ^ keys[10], p)
        philoxRound(&c, keys[1], keys[11]); philoxRound(&c, keys[2], keys[12]); philoxRound(&c, keys[3], keys[13])
        philoxRound(&c, keys[4], keys[14]); philoxRound(&c, keys[5], keys[15]); philoxRound(&c, keys[6], keys[16])
        philoxRound(&c, keys[7], keys[17]); philoxRound(&c, keys[8], keys[18]); philoxRound(&c, keys[9], keys[19])
        return (c.0 & low, c.1 & low, c.2 & low, c.3 & low)
    }

    /// One Philox round. Words carry garbage above bit 31 between rounds: the products read only
    /// the low halves, and `philox` masks the result once at the end.
    @inline(__always)
    private static func philoxRound(_ c: inout (Words, Words, Words, Words), _ k0: Words, _ k1: Words) {
        let p0 = c.0.multipliedLow(by: 0xD251_1F53)
        let p1 = c.2.multipliedLow(by: 0xCD9E_8D57)
        c = ((p1 &>> 32) ^ c.1 ^ k0, p1, (p0 &>> 32) ^ c.3 ^ k1, p0)
    }

    /// 2·(x·2⁻⁵³) − 1 for the 53-bit x = (hi·2³² + lo) >> 11, built exactly from the bits.
    @inline(__always)
    private static func uniform(_ hi: Words, _ lo: Words) -> Doubles {
        let mantissa = (hi & Words(repeating: 0x7FFF_FFFF)) &<< 21 | lo &>> 11
        // x ≥ 2⁵² (top bit of hi set): 1.m − 1; else 1.m − 2.
        let subtrahend = Words(repeating: 0x4000_0000_0000_0000) &- (hi &>> 31) &<< 52
        return (mantissa | Words(repeating: 0x3FF0_0000_0000_0000)).doubles - subtrahend.doubles
    }

    /// `portableLog` of positive normal finite lanes, the same operations in the same order.
    @inline(__always)
    private static func logarithm(_ x: Doubles) -> Doubles {
        let bits = Words(bitsOf: x)
        var m = (bits & Words(repeating: 0x000F_FFFF_FFFF_FFFF) | Words(repeating: 0x3FF0_0000_0000_0000)).doubles
        // The biased exponent b in the low bits of 2⁵² gives 2⁵² + b, so e = b − 1023 exactly.
        var e = (bits &>> 52 | Words(repeating: 0x4330_0000_0000_0000)).doubles - (0x1p52 + 1023)
        let high = m .> 1.4142135623730951
        m.replace(with: m * 0.5, where: high)
        e.replace(with: e + 1, where: high)
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var poly = Doubles(repeating: 1.0 / 27)
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
        let ln2Hi = 0.6931471803691238, ln2Lo = 1.9082149292705877e-10
        return e * ln2Hi + (logM + e * ln2Lo)
    }
}
