// The normal-sampler kernel in 256-bit AVX2 registers: a group's 8 lanes are two ymm halves.
// Bit identity with `RandomGenerator.nextNormalPair` rests on the same arguments as the Swift
// path (NormalSampler.swift): exact uniforms, `portableLog`'s operations in the same order, and
// IEEE division and square root. Contraction is off, so no product is fused into an FMA.
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF

#include "normal_variants.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,popcnt")))
#define INLINE static inline __attribute__((always_inline, target("avx2,popcnt")))

/// Four Philox output words for four lanes.
typedef struct { __m256i w0, w1, w2, w3; } words256;

typedef struct { __m256i k0[10], k1[10]; } keys256;

INLINE void make_keys(keys256 *k, const ck_normal_batch *b) {
    uint32_t k0 = b->key0, k1 = b->key1;
    for (int r = 0; r < 10; r++) {
        k->k0[r] = _mm256_set1_epi64x(k0);
        k->k1[r] = _mm256_set1_epi64x(k1);
        k0 += CK_PHILOX_W0;
        k1 += CK_PHILOX_W1;
    }
}

/// Philox4x32-10 of the counters (first + i, 0), lane i = 0..<4. Words carry garbage above
/// bit 31 between rounds (the products read only the low halves) and are masked at the end.
INLINE words256 philox(uint64_t first, const keys256 *k) {
    const __m256i m0 = _mm256_set1_epi64x(CK_PHILOX_M0), m1 = _mm256_set1_epi64x(CK_PHILOX_M1);
    const __m256i low = _mm256_set1_epi64x(0xFFFFFFFF);
    __m256i counter = _mm256_add_epi64(_mm256_set1_epi64x((long long)first), _mm256_setr_epi64x(0, 1, 2, 3));
    // Round 0 has c2 = c3 = 0, so its second product is 0.
    __m256i p = _mm256_mul_epu32(counter, m0);
    __m256i c0 = _mm256_xor_si256(_mm256_srli_epi64(counter, 32), k->k0[0]);
    __m256i c1 = _mm256_setzero_si256();
    __m256i c2 = _mm256_xor_si256(_mm256_srli_epi64(p, 32), k->k1[0]);
    __m256i c3 = p;
    for (int r = 1; r < 10; r++) {
        __m256i p0 = _mm256_mul_epu32(c0, m0), p1 = _mm256_mul_epu32(c2, m1);
        c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1), k->k0[r]);
        c1 = p1;
        c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3), k->k1[r]);
        c3 = p0;
    }
    words256 w = {_mm256_and_si256(c0, low), _mm256_and_si256(c1, low), _mm256_and_si256(c2, low), _mm256_and_si256(c3, low)};
    return w;
}

/// 2·(x·2⁻⁵³) − 1 for the 53-bit x = (hi·2³² + lo) >> 11, built exactly from the bits.
INLINE __m256d uniform(__m256i hi, __m256i lo) {
    __m256i mantissa = _mm256_or_si256(_mm256_slli_epi64(_mm256_and_si256(hi, _mm256_set1_epi64x(0x7FFFFFFF)), 21),
                                       _mm256_srli_epi64(lo, 11));
    __m256i subtrahend = _mm256_sub_epi64(_mm256_set1_epi64x(0x4000000000000000LL),
                                          _mm256_slli_epi64(_mm256_srli_epi64(hi, 31), 52));
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(mantissa, _mm256_set1_epi64x(0x3FF0000000000000LL))),
                         _mm256_castsi256_pd(subtrahend));
}

/// `portableLog` of positive normal finite lanes, the same operations in the same order.
INLINE __m256d logarithm(__m256d x) {
    __m256i bits = _mm256_castpd_si256(x);
    __m256d m = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)),
                                                    _mm256_set1_epi64x(0x3FF0000000000000LL)));
    __m256d e = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_set1_epi64x(0x4330000000000000LL))),
                              _mm256_set1_pd(0x1p52 + 1023));
    __m256d high = _mm256_cmp_pd(m, _mm256_set1_pd(CK_SQRT2), _CMP_GT_OQ);
    m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), high);
    e = _mm256_blendv_pd(e, _mm256_add_pd(e, _mm256_set1_pd(1.0)), high);
    const __m256d one = _mm256_set1_pd(1.0);
    __m256d t = _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
    __m256d t2 = _mm256_mul_pd(t, t);
    __m256d poly = _mm256_set1_pd(1.0 / 27);
#define STEP(k) poly = _mm256_add_pd(_mm256_mul_pd(poly, t2), _mm256_set1_pd(1.0 / (k)))
    STEP(25); STEP(23); STEP(21); STEP(19); STEP(17); STEP(15); STEP(13); STEP(11); STEP(9); STEP(7); STEP(5); STEP(3);
#undef STEP
    poly = _mm256_add_pd(_mm256_mul_pd(poly, t2), one);
    __m256d logM = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(2.0), t), poly);
    return _mm256_add_pd(_mm256_mul_pd(e, _mm256_set1_pd(CK_LN2_HI)),
                         _mm256_add_pd(logM, _mm256_mul_pd(e, _mm256_set1_pd(CK_LN2_LO))));
}

/// Four attempts from their words: the draws mean + std·(u·f), mean + std·(v·f) and the
/// accepted lanes as 4 bits.
INLINE int attempts(words256 w, __m256d mean, __m256d std, __m256d *a, __m256d *b) {
    __m256d u = uniform(w.w0, w.w1), v = uniform(w.w2, w.w3);
    __m256d s = _mm256_add_pd(_mm256_mul_pd(u, u), _mm256_mul_pd(v, v));
    __m256d accepted = _mm256_and_pd(_mm256_cmp_pd(s, _mm256_set1_pd(1.0), _CMP_LT_OQ),
                                     _mm256_cmp_pd(s, _mm256_setzero_pd(), _CMP_GT_OQ));
    // Rejected lanes go on with s = ½ so none takes a slow path; their results are dropped.
    __m256d safe = _mm256_blendv_pd(_mm256_set1_pd(0.5), s, accepted);
    __m256d f = _mm256_sqrt_pd(_mm256_div_pd(_mm256_mul_pd(_mm256_set1_pd(-2.0), logarithm(safe)), safe));
    *a = _mm256_add_pd(mean, _mm256_mul_pd(std, _mm256_mul_pd(u, f)));
    *b = _mm256_add_pd(mean, _mm256_mul_pd(std, _mm256_mul_pd(v, f)));
    return _mm256_movemask_pd(accepted);
}

/// The state of a batch between groups: round keys, and when attempts straddle Philox blocks
/// (offset ≠ 0) the blocks of the current group's two halves, whose successor lanes follow.
typedef struct {
    keys256 keys;
    words256 lo, hi;
    uint64_t base;
    int offset;
    __m256d mean, std;
} state256;

INLINE void start(state256 *st, const ck_normal_batch *b, int64_t group) {
    make_keys(&st->keys, b);
    st->base = b->base;
    st->offset = b->offset;
    st->mean = _mm256_set1_pd(b->mean);
    st->std = _mm256_set1_pd(b->std);
    if (st->offset != 0) {
        st->lo = philox(st->base + (uint64_t)group * 8, &st->keys);
        st->hi = philox(st->base + (uint64_t)group * 8 + 4, &st->keys);
    }
}

/// Lanes 1…3 of `a`, then lane 0 of `next`.
INLINE __m256i shifted(__m256i a, __m256i next) {
    return _mm256_alignr_epi8(_mm256_permute2x128_si256(a, next, 0x21), a, 8);
}

/// The words of the attempts in `c` when they start `offset` words in, `next` holding the blocks
/// after `c`'s.
INLINE words256 straddled(words256 c, words256 next, int offset) {
    __m256i n0 = shifted(c.w0, next.w0);
    if (offset == 1) return (words256){c.w1, c.w2, c.w3, n0};
    if (offset == 2) return (words256){c.w2, c.w3, n0, shifted(c.w1, next.w1)};
    return (words256){c.w3, n0, shifted(c.w1, next.w1), shifted(c.w2, next.w2)};
}

/// Evaluates group g in two halves of four lanes; returns the accepted lanes as 8 bits.
INLINE int evaluate(state256 *st, int64_t g, __m256d *a0, __m256d *b0, __m256d *a1, __m256d *b1) {
    uint64_t first = st->base + (uint64_t)g * 8;
    words256 w0, w1;
    if (st->offset == 0) {
        w0 = philox(first, &st->keys);
        w1 = philox(first + 4, &st->keys);
    } else {
        words256 n0 = philox(first + 8, &st->keys), n1 = philox(first + 12, &st->keys);
        w0 = straddled(st->lo, st->hi, st->offset);
        w1 = straddled(st->hi, n0, st->offset);
        st->lo = n0;
        st->hi = n1;
    }
    int m0 = attempts(w0, st->mean, st->std, a0, b0);
    int m1 = attempts(w1, st->mean, st->std, a1, b1);
    return m0 | m1 << 4;
}

/// For 4 accepted bits, the float indices that move the accepted pairs of [a0 b0 … a3 b3] to the
/// front, in order.
static const int32_t compactPairs[16][8] = {
    {0, 0, 0, 0, 0, 0, 0, 0},
    {0, 1, 0, 0, 0, 0, 0, 0},
    {2, 3, 0, 0, 0, 0, 0, 0},
    {0, 1, 2, 3, 0, 0, 0, 0},
    {4, 5, 0, 0, 0, 0, 0, 0},
    {0, 1, 4, 5, 0, 0, 0, 0},
    {2, 3, 4, 5, 0, 0, 0, 0},
    {0, 1, 2, 3, 4, 5, 0, 0},
    {6, 7, 0, 0, 0, 0, 0, 0},
    {0, 1, 6, 7, 0, 0, 0, 0},
    {2, 3, 6, 7, 0, 0, 0, 0},
    {0, 1, 2, 3, 6, 7, 0, 0},
    {4, 5, 6, 7, 0, 0, 0, 0},
    {0, 1, 4, 5, 6, 7, 0, 0},
    {2, 3, 4, 5, 6, 7, 0, 0},
    {0, 1, 2, 3, 4, 5, 6, 7},};

/// Appends the accepted pairs of four float32 lanes at out + *k with one full store.
INLINE void store_f32(float *out, int64_t *k, __m256d a, __m256d b, int bits) {
    __m128 af = _mm256_cvtpd_ps(a), bf = _mm256_cvtpd_ps(b);
    __m256 ab = _mm256_set_m128(_mm_unpackhi_ps(af, bf), _mm_unpacklo_ps(af, bf));
    __m256i order = _mm256_loadu_si256((const __m256i *)compactPairs[bits]);
    _mm256_storeu_ps(out + *k, _mm256_permutevar8x32_ps(ab, order));
    *k += 2 * __builtin_popcount(bits);
}

/// Appends the accepted pairs of four float64 lanes at out + *k: every pair is stored, and the
/// position advances only past accepted ones (no unpredictable branch).
INLINE void store_f64(double *out, int64_t *k, __m256d a, __m256d b, int bits) {
    __m256d even = _mm256_unpacklo_pd(a, b), odd = _mm256_unpackhi_pd(a, b);  // pairs 0, 2 and 1, 3
    _mm_storeu_pd(out + *k, _mm256_castpd256_pd128(even)); *k += 2 * (bits & 1);
    _mm_storeu_pd(out + *k, _mm256_castpd256_pd128(odd)); *k += bits & 2;
    _mm_storeu_pd(out + *k, _mm256_extractf128_pd(even, 1)); *k += (bits >> 1) & 2;
    _mm_storeu_pd(out + *k, _mm256_extractf128_pd(odd, 1)); *k += (bits >> 2) & 2;
}

/// The group loop, for float (f64 == 0) or double output; inlined into each entry point with
/// a constant `f64`, so each gets its own store.
INLINE int64_t groups(const ck_normal_batch *batch, int64_t group, int64_t end, uint8_t *masks, void *out, int f64,
                      int64_t capacity, int64_t limit, int64_t *values, int64_t *pairs) {
    int64_t k = *values, made = *pairs, g = group;
    if (g < end && made + 8 < limit && k + 16 <= capacity) {
        state256 st;
        start(&st, batch, g);
        for (; g < end && made + 8 < limit && k + 16 <= capacity; g++) {
            __m256d a0, b0, a1, b1;
            int accepted = evaluate(&st, g, &a0, &b0, &a1, &b1);
            masks[g] = (uint8_t)accepted;
            if (f64) {
                store_f64((double *)out, &k, a0, b0, accepted & 15);
                store_f64((double *)out, &k, a1, b1, accepted >> 4);
            } else {
                store_f32((float *)out, &k, a0, b0, accepted & 15);
                store_f32((float *)out, &k, a1, b1, accepted >> 4);
            }
            made += __builtin_popcount(accepted);
        }
    }
    *values = k;
    *pairs = made;
    return g;
}

KERNEL int64_t ck_normal_avx2_f32(const ck_normal_batch *batch, int64_t group, int64_t end, uint8_t *masks, float *out,
                                  int64_t capacity, int64_t limit, int64_t *values, int64_t *pairs) {
    return groups(batch, group, end, masks, out, 0, capacity, limit, values, pairs);
}

KERNEL int64_t ck_normal_avx2_f64(const ck_normal_batch *batch, int64_t group, int64_t end, uint8_t *masks, double *out,
                                  int64_t capacity, int64_t limit, int64_t *values, int64_t *pairs) {
    return groups(batch, group, end, masks, out, 1, capacity, limit, values, pairs);
}

#endif
