#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdint.h>

/// Vector kernels for the bulk normal sampler (Tensors' `NormalSampler`), chosen at run time
/// from the CPU's features. Every kernel gives the same bits as the scalar
/// `RandomGenerator.nextNormalPair` stream.

/// No C kernel: the caller uses its portable path.
#define CK_NORMAL_NONE 0
/// 256-bit AVX2 kernel.
#define CK_NORMAL_AVX2 1
/// 512-bit AVX-512F kernel.
#define CK_NORMAL_AVX512 2

/// The best kernel this CPU (and operating system) supports.
int32_t ck_normal_best_kernel(void);

/// The fixed inputs of one batch of polar-method attempts.
typedef struct {
    /// The Philox key (seed low and high words).
    uint32_t key0, key1;
    /// Attempt j reads the four stream words starting at word 4 * (base + j) + offset.
    uint64_t base;
    int32_t offset;
    /// Accepted draws z are stored as mean + std * z.
    double mean, std;
} ck_normal_batch;

/// Evaluates groups of 8 attempts from `group` up to `end` with `kernel`, a few groups at a
/// time (n, at most 4), while the n groups about to start can neither reach `limit` pairs nor
/// overflow `capacity` values: `*pairs + 8n < limit` and `*values + 16n <= capacity`. Stores each group's accepted lanes as a bit mask in
/// `masks[g]`, appends the accepted pairs in order at `out + *values` (it may write garbage up to
/// 16 values past them, within `capacity`), and advances `*values` and `*pairs`. Returns the
/// group it stopped at; the caller finishes from there. An unavailable kernel does nothing.
int64_t ck_normal_groups_f32(int32_t kernel, const ck_normal_batch *batch, int64_t group, int64_t end,
                             uint8_t *masks, float *out, int64_t capacity, int64_t limit,
                             int64_t *values, int64_t *pairs);

/// `ck_normal_groups_f32` for double output.
int64_t ck_normal_groups_f64(int32_t kernel, const ck_normal_batch *batch, int64_t group, int64_t end,
                             uint8_t *masks, double *out, int64_t capacity, int64_t limit,
                             int64_t *values, int64_t *pairs);

/// A hint to the CPU that the caller is spinning on a shared flag (x86 `pause`).
static inline void ck_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// 1 when `ck_sgemm` runs on this CPU (it needs AVX-512F, or AVX2 with FMA), else 0.
int32_t ck_sgemm_available(void);

/// Single-precision C = A·B, or C += A·B when `accumulate` is nonzero, for an m × k matrix A
/// whose element (i, p) is at `a[i * sai + p * sak]`, a k × n matrix B whose element (p, j) is
/// at `b[p * sbk + j * sbj]`, and a row-major C with row stride `ldc`. Each element sums its
/// products in contraction order, so splitting the rows of C over threads does not change
/// the result. Returns 0 without touching C when this CPU lacks the kernel.
int32_t ck_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t sai, int64_t sak, const float *b, int64_t sbk,
                 int64_t sbj, float *c, int64_t ldc, int32_t accumulate);

/// `ck_sgemm` (overwriting C) for each of `count` products of a stack: product t reads A at
/// `a + offsets_a[t]`, B at `b + offsets_b[t]` and writes C at `c + t * stride_c`.
int32_t ck_sgemm_batch(int64_t count, const int64_t *offsets_a, const int64_t *offsets_b, int64_t stride_c, int64_t m,
                       int64_t n, int64_t k, const float *a, int64_t sai, int64_t sak, const float *b, int64_t sbk,
                       int64_t sbj, float *c, int64_t ldc);

#endif
