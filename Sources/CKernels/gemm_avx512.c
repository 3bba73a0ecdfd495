// Single-precision matrix products for the narrow shapes of small transformers (C at most a few
// hundred columns wide: d = 64 projections, per-head attention, weight gradients), where a
// general BLAS spends a large share of its time packing operands and zeroing C.
//
// C is computed in panels of up to 64 columns. Within a panel, row blocks of MR rows keep
// MR × NV accumulators (NV vectors of 16 floats per row) in registers; each step of the
// contraction loads one row of B (contiguous, or first packed into a contiguous buffer when B
// is read transposed) and broadcasts MR elements of A, which may have any strides. The
// contraction runs in chunks of KC so the B chunk stays in L1; each element of C sums its
// products in order of the contraction index, so the result does not depend on how the caller
// splits the rows of C over threads. gemm_avx2.c is the same kernel in 8-float vectors: it adds
// the same products in the same order, so both give the same bits.
#include "CKernels.h"
#include "gemm_variants.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdbool.h>

#define INLINE static inline __attribute__((always_inline, target("avx512f")))
#define KERNEL static __attribute__((noinline, target("avx512f")))

/// Contraction chunk: a 128 × 64 chunk of B is 32 KiB.
enum { KC = CK_GEMM_KC, PANEL = 64 };

/// MR rows × NV vectors of C += A[rows, chunk] · B[chunk, panel] for one chunk of the contraction.
/// `bp` is row p = 0 of the chunk (row stride `ldb`, contiguous columns); `last` masks the
/// columns of the last vector; `add` adds to C instead of overwriting it.
INLINE void micro(const int MR, const int NV, int64_t kc, const float *a, int64_t sai, int64_t sak,
                  const float *bp, int64_t ldb, float *c, int64_t ldc, __mmask16 last, bool add) {
    __m512 acc[MR][NV];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++)
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
    for (int64_t p = 0; p < kc; p++) {
        __m512 bv[NV];
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++)
            bv[v] = v + 1 < NV ? _mm512_loadu_ps(bp + p * ldb + 16 * v) : _mm512_maskz_loadu_ps(last, bp + p * ldb + 16 * v);
        const float *ap = a + p * sak;
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m512 av = _mm512_set1_ps(ap[r * sai]);
#pragma clang loop unroll(full)
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        float *cr = c + r * ldc;
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++) {
            __mmask16 mask = v + 1 < NV ? (__mmask16)0xFFFF : last;
            __m512 x = acc[r][v];
            if (add) x = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, cr + 16 * v), x);
            _mm512_mask_storeu_ps(cr + 16 * v, mask, x);
        }
    }
}

/// Row blocks of one panel and chunk: blocks of `MR` rows, then the leftover rows in blocks of
/// 4, 2 and 1.
#define ROWS(NAME, NV, MR)                                                                                     \
    KERNEL void NAME(int64_t m, int64_t kc, const float *a, int64_t sai, int64_t sak, const float *bp,         \
                     int64_t ldb, float *c, int64_t ldc, __mmask16 last, bool add) {                           \
        int64_t i = 0;                                                                                         \
        for (; i + MR <= m; i += MR) micro(MR, NV, kc, a + i * sai, sai, sak, bp, ldb, c + i * ldc, ldc, last, add); \
        for (; i + 4 <= m; i += 4) micro(4, NV, kc, a + i * sai, sai, sak, bp, ldb, c + i * ldc, ldc, last, add);   \
        for (; i + 2 <= m; i += 2) micro(2, NV, kc, a + i * sai, sai, sak, bp, ldb, c + i * ldc, ldc, last, add);   \
        for (; i < m; i++) micro(1, NV, kc, a + i * sai, sai, sak, bp, ldb, c + i * ldc, ldc, last, add);           \
    }

// Register budget (32 zmm): MR × NV accumulators + NV rows of B + one broadcast.
ROWS(rows_nv1, 1, 16)
ROWS(rows_nv2, 2, 12)
ROWS(rows_nv3, 3, 8)
ROWS(rows_nv4, 4, 6)

typedef void (*rows_fn)(int64_t, int64_t, const float *, int64_t, int64_t, const float *, int64_t, float *, int64_t,
                        __mmask16, bool);

__attribute__((target("avx512f"))) void ck_gemm_avx512(int64_t m, int64_t n, int64_t k, const float *a, int64_t sai, int64_t sak, const float *b,
                        int64_t sbk, int64_t sbj, float *c, int64_t ldc, bool accumulate) {
    static const rows_fn rows[4] = {rows_nv1, rows_nv2, rows_nv3, rows_nv4};
    float packed[KC * PANEL] __attribute__((aligned(64)));
    for (int64_t j0 = 0; j0 < n; j0 += PANEL) {
        int64_t nc = n - j0 < PANEL ? n - j0 : PANEL;
        int64_t nv = (nc + 15) / 16;
        __mmask16 last = (__mmask16)(nc % 16 == 0 ? 0xFFFF : (1u << (nc % 16)) - 1);
        for (int64_t k0 = 0; k0 < k; k0 += KC) {
            int64_t kc = k - k0 < KC ? k - k0 : KC;
            const float *bp = b + k0 * sbk + j0 * sbj;
            int64_t ldb = sbk;
            if (sbj != 1) {
                // B read transposed: copy the chunk into rows of contiguous columns.
                for (int64_t p = 0; p < kc; p++)
                    for (int64_t j = 0; j < nc; j++) packed[p * PANEL + j] = bp[p * sbk + j * sbj];
                bp = packed;
                ldb = PANEL;
            }
            rows[nv - 1](m, kc, a + k0 * sak, sai, sak, bp, ldb, c + j0, ldc, last, accumulate || k0 > 0);
        }
    }
}
#endif
