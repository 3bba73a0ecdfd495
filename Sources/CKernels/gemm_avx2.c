// The own float32 product (gemm_avx512.c) for CPUs with AVX2 and FMA but not AVX-512: the same
// panels, chunks and order of additions in 8-float vectors, so the results are bit-identical to
// the AVX-512 kernel's and, like them, do not depend on how the rows of C are split over threads
// or on how many rows a product has (OpenBLAS picks other kernels, with other roundings, for a
// handful of rows than for thousands).
#include "CKernels.h"
#include "gemm_variants.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define INLINE static inline __attribute__((always_inline, target("avx2,fma")))
#define KERNEL static __attribute__((noinline, target("avx2,fma")))

/// A 32 × 128 chunk of B is 16 KiB; 16 ymm registers hold MR × NV accumulators, NV rows of B
/// and one broadcast.
enum { KC = CK_GEMM_KC, PANEL = 32 };

/// MR rows × NV vectors of C += A[rows, chunk] · B[chunk, panel] (see gemm_avx512.c's `micro`);
/// `last` masks the columns of the last vector.
INLINE void micro(const int MR, const int NV, int64_t kc, const float *a, int64_t sai, int64_t sak,
                  const float *bp, int64_t ldb, float *c, int64_t ldc, __m256i last, bool add) {
    __m256 acc[MR][NV];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++)
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
    for (int64_t p = 0; p < kc; p++) {
        __m256 bv[NV];
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++)
            bv[v] = v + 1 < NV ? _mm256_loadu_ps(bp + p * ldb + 8 * v) : _mm256_maskload_ps(bp + p * ldb + 8 * v, last);
        const float *ap = a + p * sak;
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m256 av = _mm256_set1_ps(ap[r * sai]);
#pragma clang loop unroll(full)
            for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    const __m256i all = _mm256_set1_epi32(-1);
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        float *cr = c + r * ldc;
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++) {
            __m256i mask = v + 1 < NV ? all : last;
            __m256 x = acc[r][v];
            if (add) x = _mm256_add_ps(_mm256_maskload_ps(cr + 8 * v, mask), x);
            _mm256_maskstore_ps(cr + 8 * v, mask, x);
        }
    }
}

/// Row blocks of one panel and chunk: blocks of `MR` rows, then the leftover rows one at a time.
#define ROWS(NAME, NV, MR)                                                                                     \
    KERNEL void NAME(int64_t m, int64_t kc, const float *a, int64_t sai, int64_t sak, const float *bp,         \
                     int64_t ldb, float *c, int64_t ldc, __m256i last, bool add) {                             \
        int64_t i = 0;                                                                                         \
        for (; i + MR <= m; i += MR) micro(MR, NV, kc, a + i * sai, sai, sak, bp, ldb, c + i * ldc, ldc, last, add); \
        for (; i + 2 <= m; i += 2) micro(2, NV, kc, a + i * sai, sai, sak, bp, ldb, c + i * ldc, ldc, last, add);   \
        for (; i < m; i++) micro(1, NV, kc, a + i * sai, sai, sak, bp, ldb, c + i * ldc, ldc, last, add);           \
    }

// Register budget (16 ymm): MR × NV accumulators + NV rows of B + one broadcast.
ROWS(rows_nv1, 1, 12)
ROWS(rows_nv2, 2, 6)
ROWS(rows_nv3, 3, 4)
ROWS(rows_nv4, 4, 2)

typedef void (*rows_fn)(int64_t, int64_t, const float *, int64_t, int64_t, const float *, int64_t, float *, int64_t,
                        __m256i, bool);

__attribute__((target("avx2,fma"))) void ck_gemm_avx2(int64_t m, int64_t n, int64_t k, const float *a, int64_t sai,
                                                      int64_t sak, const float *b, int64_t sbk, int64_t sbj, float *c,
                                                      int64_t ldc, bool accumulate) {
    static const rows_fn rows[4] = {rows_nv1, rows_nv2, rows_nv3, rows_nv4};
    float packed[KC * PANEL] __attribute__((aligned(32)));
    for (int64_t j0 = 0; j0 < n; j0 += PANEL) {
        int64_t nc = n - j0 < PANEL ? n - j0 : PANEL;
        int64_t nv = (nc + 7) / 8;
        int32_t tail = (int32_t)(nc % 8 == 0 ? 8 : nc % 8);
        // Lane l of the last vector is loaded and stored when l < tail (sign bit set).
        __m256i last = _mm256_cmpgt_epi32(_mm256_set1_epi32(tail), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
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
