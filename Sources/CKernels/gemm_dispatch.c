// Run-time choice of the own float32 product kernel: AVX-512 where the CPU has it, else AVX2 with
// FMA (the same bits, gemm_avx2.c); none elsewhere, and the Swift caller uses OpenBLAS.
#include "CKernels.h"
#include "gemm_variants.h"

#if defined(__x86_64__)
typedef void (*gemm_fn)(int64_t, int64_t, int64_t, const float *, int64_t, int64_t, const float *, int64_t, int64_t,
                        float *, int64_t, bool);

static gemm_fn best_gemm(void) {
    // `__builtin_cpu_supports` also checks that the OS saves the wider registers (XCR0).
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return ck_gemm_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ck_gemm_avx2;
    return 0;
}
#endif

int32_t ck_sgemm_available(void) {
#if defined(__x86_64__)
    return best_gemm() != 0;
#else
    return 0;
#endif
}

int32_t ck_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t sai, int64_t sak, const float *b, int64_t sbk,
                 int64_t sbj, float *c, int64_t ldc, int32_t accumulate) {
#if defined(__x86_64__)
    gemm_fn gemm = best_gemm();
    if (!gemm) return 0;
    gemm(m, n, k, a, sai, sak, b, sbk, sbj, c, ldc, accumulate != 0);
    return 1;
#else
    (void)m; (void)n; (void)k; (void)a; (void)sai; (void)sak; (void)b; (void)sbk; (void)sbj; (void)c; (void)ldc;
    (void)accumulate;
    return 0;
#endif
}

int32_t ck_sgemm_batch(int64_t count, const int64_t *offsets_a, const int64_t *offsets_b, int64_t stride_c, int64_t m,
                       int64_t n, int64_t k, const float *a, int64_t sai, int64_t sak, const float *b, int64_t sbk,
                       int64_t sbj, float *c, int64_t ldc) {
#if defined(__x86_64__)
    gemm_fn gemm = best_gemm();
    if (!gemm) return 0;
    for (int64_t t = 0; t < count; t++)
        gemm(m, n, k, a + offsets_a[t], sai, sak, b + offsets_b[t], sbk, sbj, c + t * stride_c, ldc, false);
    return 1;
#else
    (void)count; (void)offsets_a; (void)offsets_b; (void)stride_c; (void)m; (void)n; (void)k; (void)a; (void)sai;
    (void)sak; (void)b; (void)sbk; (void)sbj; (void)c; (void)ldc;
    return 0;
#endif
}
