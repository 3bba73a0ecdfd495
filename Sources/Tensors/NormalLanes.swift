// Eight-lane integer and float primitives for the bulk normal sampler (`NormalSampler`).
//
// On x86-64 they are SSE2 intrinsics, which every x86-64 CPU has. The portable spelling with
// `SIMD8<UInt64>` is left to LLVM's SLP vectorizer, and for baseline x86-64 its cost model turns
// the Philox rounds back into scalar `imul`s (a 2-lane 64-bit multiply looks expensive to it even
// when both factors fit in 32 bits, where one `pmuludq` does the job), and `squareRoot()` calls
// libm's `sqrt` lane by lane behind an errno check. Other targets use the portable spelling.
//
// Each lane of `Words` holds a 64-bit value; Philox keeps its 32-bit words in the low halves.

#if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
import _Builtin_intrinsics.intel

/// Eight 64-bit lanes as four SSE2 registers.
struct Words {
    typealias Half = SIMD2<Int64>
    var q0, q1, q2, q3: Half

    @inline(__always) init(_ q0: Half, _ q1: Half, _ q2: Half, _ q3: Half) {
        self.q0 = q0; self.q1 = q1; self.q2 = q2; self.q3 = q3
    }
    @inline(__always) init(repeating x: UInt64) {
        let h = Half(repeating: Int64(bitPattern: x))
        self.init(h, h, h, h)
    }
    /// Lanes `first, first + 1, …, first + 7`.
    @inline(__always) init(counting first: UInt64) {
        let f = Half(repeating: Int64(bitPattern: first))
        self.init(_mm_add_epi64(f, Half(0, 1)), _mm_add_epi64(f, Half(2, 3)),
                  _mm_add_epi64(f, Half(4, 5)), _mm_add_epi64(f, Half(6, 7)))
    }
    @inline(__always) init(bitsOf x: Doubles) {
        self.init(_mm_castpd_si128(x.lowHalf.lowHalf), _mm_castpd_si128(x.lowHalf.highHalf),
                  _mm_castpd_si128(x.highHalf.lowHalf), _mm_castpd_si128(x.highHalf.highHalf))
    }
    @inline(__always) var doubles: Doubles {
        Doubles(lowHalf: SIMD4(lowHalf: _mm_castsi128_pd(q0), highHalf: _mm_castsi128_pd(q1)),
                highHalf: SIMD4(lowHalf: _mm_castsi128_pd(q2), highHalf: _mm_castsi128_pd(q3)))
    }
    @inline(__always) func map(_ f: (Half) -> Half) -> Words { Words(f(q0), f(q1), f(q2), f(q3)) }
    @inline(__always) func zip(_ o: Words, _ f: (Half, Half) -> Half) -> Words {
        Words(f(q0, o.q0), f(q1, o.q1), f(q2, o.q2), f(q3, o.q3))
    }

    @inline(__always) static func & (a: Words, b: Words) -> Words { a.zip(b, _mm_and_si128) }
    @inline(__always) static func | (a: Words, b: Words) -> Words { a.zip(b, _mm_or_si128) }
    @inline(__always) static func ^ (a: Words, b: Words) -> Words { a.zip(b, _mm_xor_si128) }
    @inline(__always) static func &- (a: Words, b: Words) -> Words { a.zip(b, _mm_sub_epi64) }
    @inline(__always) static func &>> (a: Words, n: Int32) -> Words { a.map { _mm_srli_epi64($0, n) } }
    @inline(__always) static func &<< (a: Words, n: Int32) -> Words { a.map { _mm_slli_epi64($0, n) } }
    /// The full 64-bit product of the low 32 bits of each lane and `m` (< 2³²).
    @inline(__always) func multipliedLow(by m: UInt64) -> Words {
        let h = Half(repeating: Int64(m))
        return map { _mm_mul_epu32($0, h) }
    }
    /// Lanes 1…7 of `self`, then lane 0 of `next`.
    @inline(__always) func shifted(_ next: Words) -> Words {
        Words(Half(q0[1], q1[0]), Half(q1[1], q2[0]), Half(q2[1], q3[0]), Half(q3[1], next.q0[0]))
    }
}

/// Correctly rounded square roots (`sqrtpd`, the same result as `Double.squareRoot`).
@inline(__always)
func laneSquareRoots(_ x: Doubles) -> Doubles {
    Doubles(lowHalf: SIMD4(lowHalf: _mm_sqrt_pd(x.lowHalf.lowHalf), highHalf: _mm_sqrt_pd(x.lowHalf.highHalf)),
            highHalf: SIMD4(lowHalf: _mm_sqrt_pd(x.highHalf.lowHalf), highHalf: _mm_sqrt_pd(x.highHalf.highHalf)))
}

/// Bit i set when 0 < s[i] < 1.
@inline(__always)
func laneInsideUnitDisk(_ s: Doubles) -> UInt8 {
    let one = SIMD2<Double>(repeating: 1), zero = SIMD2<Double>()
    func bits(_ x: SIMD2<Double>) -> Int32 { _mm_movemask_pd(_mm_and_pd(_mm_cmplt_pd(x, one), _mm_cmpgt_pd(x, zero))) }
    let b = bits(s.lowHalf.lowHalf) | bits(s.lowHalf.highHalf) << 2 | bits(s.highHalf.lowHalf) << 4 | bits(s.highHalf.highHalf) << 6
    return UInt8(truncatingIfNeeded: b)
}

#else

/// Eight 64-bit lanes.
struct Words {
    var v: SIMD8<UInt64>

    @inline(__always) init(_ v: SIMD8<UInt64>) { self.v = v }
    @inline(__always) init(repeating x: UInt64) { v = SIMD8(repeating: x) }
    /// Lanes `first, first + 1, …, first + 7`.
    @inline(__always) init(counting first: UInt64) { v = first &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7) }
    @inline(__always) init(bitsOf x: Doubles) { v = unsafeBitCast(x, to: SIMD8<UInt64>.self) }
    @inline(__always) var doubles: Doubles { unsafeBitCast(v, to: Doubles.self) }

    @inline(__always) static func & (a: Words, b: Words) -> Words { Words(a.v & b.v) }
    @inline(__always) static func | (a: Words, b: Words) -> Words { Words(a.v | b.v) }
    @inline(__always) static func ^ (a: Words, b: Words) -> Words { Words(a.v ^ b.v) }
    @inline(__always) static func &- (a: Words, b: Words) -> Words { Words(a.v &- b.v) }
    @inline(__always) static func &>> (a: Words, n: Int32) -> Words { Words(a.v &>> UInt64(n)) }
    @inline(__always) static func &<< (a: Words, n: Int32) -> Words { Words(a.v &<< UInt64(n)) }
    /// The full 64-bit product of the low 32 bits of each lane and `m` (< 2³²).
    @inline(__always) func multipliedLow(by m: UInt64) -> Words { Words((v & 0xFFFF_FFFF) &* m) }
    /// Lanes 1…7 of `self`, then lane 0 of `next`.
    @inline(__always) func shifted(_ next: Words) -> Words {
        Words(SIMD8(v[1], v[2], v[3], v[4], v[5], v[6], v[7], next.v[0]))
    }
}

/// Correctly rounded square roots.
@inline(__always)
func laneSquareRoots(_ x: Doubles) -> Doubles { x.squareRoot() }

/// Bit i set when 0 < s[i] < 1.
@inline(__always)
func laneInsideUnitDisk(_ s: Doubles) -> UInt8 {
    var bits: UInt8 = 0
    for i in 0..<8 where s[i] < 1 && s[i] > 0 { bits |= 1 << i }
    return bits
}

#endif

typealias Doubles = SIMD8<Double>
