// The normal-sampler kernel in 512-bit AVX-512F registers: one zmm holds the 8 lanes of a group.
// Bit identity with `RandomGenerator.nextNormalPair` rests on the same arguments as the Swift
// path (NormalSampler.swift): exact uniforms, `portableLog`'s operations in the same order, and
// IEEE division and square root. Contraction is off, so no product is fused into an FMA.
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF

#include "normal_variants.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define KERNEL __attribute__((target("avx512f,popcnt")))
#define INLINE static inline __attribute__((always_inline, target("avx512f,popcnt")))

typedef struct { __m512i w0, w1, w2, w3; } words512;

/// Round keys broadcast once per call.
typedef struct { __m512i k0[10], k1[10]; } keys512;

INLINE void make_keys(keys512 *k, const ck_normal_batch *b) {
    uint32_t k0 = b->key0, k1 = b->key1;
    for (int r = 0; r < 10; r++) {
        k->k0[r] = _mm512_set1_epi64(k0);
        k->k1[r] = _mm512_set1_epi64(k1);
        k0 += CK_PHILOX_W0;
        k1 += CK_PHILOX_W1;
    }
}

/// How many groups one step evaluates side by side. Each group is a long dependency chain (ten
/// Philox rounds, two divisions, thirteen Horner steps, a square root); spelling four of them
/// statement by statement keeps them all in flight without relying on the reorder window (4 measured fastest on Zen 4).
#define WAYS 4
#define EACH(j) for (int j = 0; j < WAYS; j++)

/// Philox4x32-10 of the counters (first[j] + i, 0), lane i. Words carry garbage above bit 31
/// between rounds (the products read only the low halves) and are masked at the end.
INLINE void philox(const uint64_t first[WAYS], const keys512 *k, words512 w[WAYS]) {
    const __m512i m0 = _mm512_set1_epi64(CK_PHILOX_M0), m1 = _mm512_set1_epi64(CK_PHILOX_M1);
    const __m512i low = _mm512_set1_epi64(0xFFFFFFFF);
    __m512i c0[WAYS], c1[WAYS], c2[WAYS], c3[WAYS];
    EACH(j) {
        __m512i counter = _mm512_add_epi64(_mm512_set1_epi64((long long)first[j]), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
        // Round 0 has c2 = c3 = 0, so its second product is 0.
        __m512i p = _mm512_mul_epu32(counter, m0);
        c0[j] = _mm512_xor_si512(_mm512_srli_epi64(counter, 32), k->k0[0]);
        c1[j] = _mm512_setzero_si512();
        c2[j] = _mm512_xor_si512(_mm512_srli_epi64(p, 32), k->k1[0]);
        c3[j] = p;
    }
    for (int r = 1; r < 10; r++) {
        EACH(j) {
            __m512i p0 = _mm512_mul_epu32(c0[j], m0), p1 = _mm512_mul_epu32(c2[j], m1);
            c0[j] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1[j], k->k0[r], 0x96);
            c1[j] = p1;
            c2[j] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c3[j], k->k1[r], 0x96);
            c3[j] = p0;
        }
    }
    EACH(j) w[j] = (words512){_mm512_and_si512(c0[j], low), _mm512_and_si512(c1[j], low),
                              _mm512_and_si512(c2[j], low), _mm512_and_si512(c3[j], low)};
}

/// 2·(x·2⁻⁵³) − 1 for the 53-bit x = (hi·2³² + lo) >> 11, built exactly from the bits.
INLINE __m512d uniform(__m512i hi, __m512i lo) {
    __m512i mantissa = _mm512_or_si512(_mm512_slli_epi64(_mm512_and_si512(hi, _mm512_set1_epi64(0x7FFFFFFF)), 21),
                                       _mm512_srli_epi64(lo, 11));
    __m512i subtrahend = _mm512_sub_epi64(_mm512_set1_epi64(0x4000000000000000LL),
                                          _mm512_slli_epi64(_mm512_srli_epi64(hi, 31), 52));
    return _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(mantissa, _mm512_set1_epi64(0x3FF0000000000000LL))),
                         _mm512_castsi512_pd(subtrahend));
}

/// `portableLog` of positive normal finite lanes, the same operations in the same order.
INLINE void logarithm(const __m512d x[WAYS], __m512d out[WAYS]) {
    const __m512d one = _mm512_set1_pd(1.0);
    __m512d t[WAYS], t2[WAYS], e[WAYS], poly[WAYS];
    EACH(j) {
        __m512i bits = _mm512_castpd_si512(x[j]);
        __m512d m = _mm512_castsi512_pd(_mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi64(0x000FFFFFFFFFFFFFLL)),
                                                        _mm512_set1_epi64(0x3FF0000000000000LL)));
        e[j] = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64(bits, 52), _mm512_set1_epi64(0x4330000000000000LL))),
                             _mm512_set1_pd(0x1p52 + 1023));
        __mmask8 high = _mm512_cmp_pd_mask(m, _mm512_set1_pd(CK_SQRT2), _CMP_GT_OQ);
        m = _mm512_mask_mul_pd(m, high, m, _mm512_set1_pd(0.5));
        e[j] = _mm512_mask_add_pd(e[j], high, e[j], one);
        t[j] = _mm512_div_pd(_mm512_sub_pd(m, one), _mm512_add_pd(m, one));
        t2[j] = _mm512_mul_pd(t[j], t[j]);
        poly[j] = _mm512_set1_pd(1.0 / 27);
    }
#define STEP(k) EACH(j) poly[j] = _mm512_add_pd(_mm512_mul_pd(poly[j], t2[j]), _mm512_set1_pd(1.0 / (k)))
    STEP(25); STEP(23); STEP(21); STEP(19); STEP(17); STEP(15); STEP(13); STEP(11); STEP(9); STEP(7); STEP(5); STEP(3);
#undef STEP
    EACH(j) {
        poly[j] = _mm512_add_pd(_mm512_mul_pd(poly[j], t2[j]), one);
        __m512d logM = _mm512_mul_pd(_mm512_mul_pd(_mm512_set1_pd(2.0), t[j]), poly[j]);
        out[j] = _mm512_add_pd(_mm512_mul_pd(e[j], _mm512_set1_pd(CK_LN2_HI)),
                               _mm512_add_pd(logM, _mm512_mul_pd(e[j], _mm512_set1_pd(CK_LN2_LO))));
    }
}

/// The state of a batch between steps: round keys, and when attempts straddle Philox blocks
/// (offset ≠ 0) the blocks of the current step's first group, whose successor lanes follow.
typedef struct {
    keys512 keys;
    words512 block;
    uint64_t base;
    int offset;
    __m512d mean, std;
} state512;

INLINE void start(state512 *st, const ck_normal_batch *b, int64_t group) {
    make_keys(&st->keys, b);
    st->base = b->base;
    st->offset = b->offset;
    st->mean = _mm512_set1_pd(b->mean);
    st->std = _mm512_set1_pd(b->std);
    if (st->offset != 0) {
        uint64_t first[WAYS];
        words512 w[WAYS];
        EACH(j) first[j] = st->base + (uint64_t)group * 8;  // the extra ways repeat the work
        philox(first, &st->keys, w);
        st->block = w[0];
    }
}

/// Lanes 1…7 of `a`, then lane 0 of `next`.
INLINE __m512i shifted(__m512i a, __m512i next) { return _mm512_alignr_epi64(next, a, 1); }

/// The words of the attempts in `c` when they start `offset` words in, `next` holding the blocks
/// after `c`'s.
INLINE words512 straddled(words512 c, words512 next, int offset) {
    __m512i n0 = shifted(c.w0, next.w0);
    if (offset == 1) return (words512){c.w1, c.w2, c.w3, n0};
    if (offset == 2) return (words512){c.w2, c.w3, n0, shifted(c.w1, next.w1)};
    return (words512){c.w3, n0, shifted(c.w1, next.w1), shifted(c.w2, next.w2)};
}

/// Evaluates groups g ..< g + WAYS: the draws mean + std·(u·f), mean + std·(v·f) and the
/// accepted lanes of each.
INLINE void evaluate(state512 *st, int64_t g, __m512d a[WAYS], __m512d b[WAYS], __mmask8 accepted[WAYS]) {
    uint64_t first[WAYS];
    words512 w[WAYS];
    if (st->offset == 0) {
        EACH(j) first[j] = st->base + (uint64_t)(g + j) * 8;
        philox(first, &st->keys, w);
    } else {
        words512 next[WAYS];
        EACH(j) first[j] = st->base + (uint64_t)(g + j + 1) * 8;
        philox(first, &st->keys, next);
        w[0] = straddled(st->block, next[0], st->offset);
        for (int j = 1; j < WAYS; j++) w[j] = straddled(next[j - 1], next[j], st->offset);
        st->block = next[WAYS - 1];
    }
    __m512d u[WAYS], v[WAYS], safe[WAYS], logs[WAYS];
    EACH(j) {
        u[j] = uniform(w[j].w0, w[j].w1);
        v[j] = uniform(w[j].w2, w[j].w3);
        __m512d s = _mm512_add_pd(_mm512_mul_pd(u[j], u[j]), _mm512_mul_pd(v[j], v[j]));
        accepted[j] = _mm512_cmp_pd_mask(s, _mm512_set1_pd(1.0), _CMP_LT_OQ)
                    & _mm512_cmp_pd_mask(s, _mm512_setzero_pd(), _CMP_GT_OQ);
        // Rejected lanes go on with s = ½ so none takes a slow path; their results are dropped.
        safe[j] = _mm512_mask_blend_pd(accepted[j], _mm512_set1_pd(0.5), s);
    }
    logarithm(safe, logs);
    EACH(j) {
        __m512d f = _mm512_sqrt_pd(_mm512_div_pd(_mm512_mul_pd(_mm512_set1_pd(-2.0), logs[j]), safe[j]));
        a[j] = _mm512_add_pd(st->mean, _mm512_mul_pd(st->std, _mm512_mul_pd(u[j], f)));
        b[j] = _mm512_add_pd(st->mean, _mm512_mul_pd(st->std, _mm512_mul_pd(v[j], f)));
    }
}

/// Each bit of an 8-bit mask doubled (bit i → bits 2i and 2i + 1): one per value of a pair.
INLINE uint32_t doubled(uint32_t m) {
    m = (m | m << 4) & 0x0F0F;
    m = (m | m << 2) & 0x3333;
    m = (m | m << 1) & 0x5555;
    return m | m << 1;
}

// Compaction goes through a register (maskz_compress) and a full store: compress straight to
// memory is microcoded and slow on Zen 4.

/// The group loop, for float (f64 == 0) or double output; inlined into each entry point with
/// a constant `f64`, so each gets its own packing and store.
INLINE int64_t groups(const ck_normal_batch *batch, int64_t group, int64_t end, uint8_t *masks, void *out, int f64,
                      int64_t capacity, int64_t limit, int64_t *values, int64_t *pairs) {
    int64_t k = *values, made = *pairs, g = group;
    if (g + WAYS <= end && made + 8 * WAYS < limit && k + 16 * WAYS <= capacity) {
        state512 st;
        start(&st, batch, g);
        const __m512i interleave = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const __m512i first = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), last = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
        for (; g + WAYS <= end && made + 8 * WAYS < limit && k + 16 * WAYS <= capacity; g += WAYS) {
            __m512d as[WAYS], bs[WAYS];
            __mmask8 acc[WAYS];
            evaluate(&st, g, as, bs, acc);
            EACH(j) {
            __m512d a = as[j], b = bs[j];
            __mmask8 accepted = acc[j];
            masks[g + j] = accepted;
            if (f64) {
                double *o = out;
                uint32_t lo = accepted & 15, hi = accepted >> 4;
                _mm512_storeu_pd(o + k, _mm512_maskz_compress_pd((__mmask8)doubled(lo), _mm512_permutex2var_pd(a, first, b)));
                k += 2 * __builtin_popcount(lo);
                _mm512_storeu_pd(o + k, _mm512_maskz_compress_pd((__mmask8)doubled(hi), _mm512_permutex2var_pd(a, last, b)));
                k += 2 * __builtin_popcount(hi);
            } else {
                __m512 ab = _mm512_permutex2var_ps(_mm512_castps256_ps512(_mm512_cvtpd_ps(a)), interleave,
                                                   _mm512_castps256_ps512(_mm512_cvtpd_ps(b)));
                _mm512_storeu_ps((float *)out + k, _mm512_maskz_compress_ps((__mmask16)doubled(accepted), ab));
                k += 2 * __builtin_popcount(accepted);
            }
            made += __builtin_popcount(accepted);
            }
        }
    }
    *values = k;
    *pairs = made;
    return g;
}

KERNEL int64_t ck_normal_avx512_f32(const ck_normal_batch *batch, int64_t group, int64_t end, uint8_t *masks, float *out,
                                    int64_t capacity, int64_t limit, int64_t *values, int64_t *pairs) {
    return groups(batch, group, end, masks, out, 0, capacity, limit, values, pairs);
}

KERNEL int64_t ck_normal_avx512_f64(const ck_normal_batch *batch, int64_t group, int64_t end, uint8_t *masks, double *out,
                                    int64_t capacity, int64_t limit, int64_t *values, int64_t *pairs) {
    return groups(batch, group, end, masks, out, 1, capacity, limit, values, pairs);
}

#endif
