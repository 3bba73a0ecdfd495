// The per-instruction-set kernels behind `ck_normal_groups_*` (see include/CKernels.h), each
// compiled for its instruction set through target attributes so the package itself still builds
// for baseline x86-64. Callers must check the CPU first (normal_dispatch.c).
#ifndef CKERNELS_NORMAL_VARIANTS_H
#define CKERNELS_NORMAL_VARIANTS_H

#include "CKernels.h"

#if defined(__x86_64__)
#define CK_NORMAL_VARIANT(name, type) \
    int64_t name(const ck_normal_batch *batch, int64_t group, int64_t end, uint8_t *masks, type *out, \
                 int64_t capacity, int64_t limit, int64_t *values, int64_t *pairs)
CK_NORMAL_VARIANT(ck_normal_avx2_f32, float);
CK_NORMAL_VARIANT(ck_normal_avx2_f64, double);
CK_NORMAL_VARIANT(ck_normal_avx512_f32, float);
CK_NORMAL_VARIANT(ck_normal_avx512_f64, double);
#endif

// The constants of `portableLog` and of the uniform construction, shared so every variant uses
// the same literals (1.0 / k is folded to the correctly rounded quotient, as in Swift).
#define CK_SQRT2 1.4142135623730951
#define CK_LN2_HI 0.6931471803691238
#define CK_LN2_LO 1.9082149292705877e-10
#define CK_PHILOX_M0 0xD2511F53u
#define CK_PHILOX_M1 0xCD9E8D57u
#define CK_PHILOX_W0 0x9E3779B9u
#define CK_PHILOX_W1 0xBB67AE85u

#endif
