// Run-time choice of the normal-sampler kernel. Non-x86 builds report no kernel, and the Swift
// caller keeps its portable path.
#include "CKernels.h"
#include "normal_variants.h"

int32_t ck_normal_best_kernel(void) {
#if defined(__x86_64__)
    // `__builtin_cpu_supports` also checks that the OS saves the wider registers (XCR0).
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("popcnt")) return CK_NORMAL_NONE;
    if (__builtin_cpu_supports("avx512f")) return CK_NORMAL_AVX512;
    if (__builtin_cpu_supports("avx2")) return CK_NORMAL_AVX2;
#endif
    return CK_NORMAL_NONE;
}

int64_t ck_normal_groups_f32(int32_t kernel, const ck_normal_batch *batch, int64_t group, int64_t end,
                             uint8_t *masks, float *out, int64_t capacity, int64_t limit,
                             int64_t *values, int64_t *pairs) {
#if defined(__x86_64__)
    // Checked again here so a forced kernel the CPU lacks degrades to "did nothing".
    int32_t best = ck_normal_best_kernel();
    if (kernel == CK_NORMAL_AVX512 && best >= CK_NORMAL_AVX512)
        return ck_normal_avx512_f32(batch, group, end, masks, out, capacity, limit, values, pairs);
    if (kernel == CK_NORMAL_AVX2 && best >= CK_NORMAL_AVX2)
        return ck_normal_avx2_f32(batch, group, end, masks, out, capacity, limit, values, pairs);
#endif
    (void)kernel; (void)batch; (void)end; (void)masks; (void)out; (void)capacity; (void)limit; (void)values; (void)pairs;
    return group;
}

int64_t ck_normal_groups_f64(int32_t kernel, const ck_normal_batch *batch, int64_t group, int64_t end,
                             uint8_t *masks, double *out, int64_t capacity, int64_t limit,
                             int64_t *values, int64_t *pairs) {
#if defined(__x86_64__)
    int32_t best = ck_normal_best_kernel();
    if (kernel == CK_NORMAL_AVX512 && best >= CK_NORMAL_AVX512)
        return ck_normal_avx512_f64(batch, group, end, masks, out, capacity, limit, values, pairs);
    if (kernel == CK_NORMAL_AVX2 && best >= CK_NORMAL_AVX2)
        return ck_normal_avx2_f64(batch, group, end, masks, out, capacity, limit, values, pairs);
#endif
    (void)kernel; (void)batch; (void)end; (void)masks; (void)out; (void)capacity; (void)limit; (void)values; (void)pairs;
    return group;
}
