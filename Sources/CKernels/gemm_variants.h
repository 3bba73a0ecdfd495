// The per-instruction-set kernels behind `ck_sgemm` (see include/CKernels.h), each compiled for
// its instruction set through target attributes so the package itself still builds for baseline
// x86-64. Callers must check the CPU first (gemm_dispatch.c).
#ifndef CKERNELS_GEMM_VARIANTS_H
#define CKERNELS_GEMM_VARIANTS_H

#include "CKernels.h"
#include <stdbool.h>

#if defined(__x86_64__)
#define CK_GEMM_VARIANT(name)                                                                                  \
    void name(int64_t m, int64_t n, int64_t k, const float *a, int64_t sai, int64_t sak, const float *b,       \
              int64_t sbk, int64_t sbj, float *c, int64_t ldc, bool accumulate)
CK_GEMM_VARIANT(ck_gemm_avx512);
CK_GEMM_VARIANT(ck_gemm_avx2);
#endif

/// Contraction chunk shared by every variant: each element of C sums its products over a chunk
/// of KC contraction indices in order, then adds the chunk's sum to C, so every variant rounds
/// the same way.
enum { CK_GEMM_KC = 128 };

#endif
