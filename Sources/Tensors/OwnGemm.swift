import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// When a float32 product runs on exp's own kernel (`ck_sgemm`) instead of OpenBLAS.
///
/// Measured on this project's benchmark machine (AMD Zen 4, one core, OpenBLAS 0.3.21): the
/// own kernel is 15–25% faster for products whose C is at most 128 columns wide (the d = 64
/// projections, attention heads and weight gradients of small transformers), where OpenBLAS
/// spends much of its time packing operands and zeroing C; OpenBLAS is 8–23% faster once C is
/// 256 or more columns wide, and for short products with B read transposed (the kernel copies
/// B's transpose first, which a few rows of C do not pay back).
enum OwnGemm {
    /// False when the CPU has neither AVX-512 nor AVX2 with FMA: every product then runs on
    /// OpenBLAS. (With AVX2 the kernel gives the AVX-512 kernel's bits, and it is what keeps a
    /// row of a product independent of the other rows there too: OpenBLAS rounds a product of
    /// five rows differently from one of four thousand.)
    ///
    /// `EXP_OWN_GEMM=0` in the environment sends every product to OpenBLAS: for comparing a
    /// build against one from before the kernel existed on this CPU (`scripts/output-fingerprint`).
    static let available = ck_sgemm_available() != 0 && getenv("EXP_OWN_GEMM").map { String(cString: $0) } != "0"

    @inline(__always)
    static func handles(m: Int, n: Int, bTransposed: Bool) -> Bool {
        available && n <= 128 && (!bTransposed || m >= 64)
    }
}
