// The exponential the samplers use, from basic IEEE arithmetic only, for the same reason as
// `portableLog` (RandomGenerator.swift): libm's `exp` may differ by an ulp between systems, and
// a seeded gamma, beta or Dirichlet draw must give the same bits on every machine.

/// e^x to within a few ulp, bit-identical on every platform.
///
/// x = k·ln2 + r with k an integer and |r| ≤ ln2/2 (Cody–Waite reduction, ln2 split in two so
/// k·ln2_hi is exact), e^r as its Taylor series to degree 17 (the next term is below 1e-20
/// relative; accurate to about an ulp, checked against libm in SamplerTests), then scaled by 2^k through the exponent bits, in two steps when the result is
/// subnormal or 2^k alone would overflow.
func portableExp(_ x: Double) -> Double {
    if x.isNaN { return x }
    // Beyond these e^x is not a finite double, or rounds to 0.
    if x > 709.782712893384 { return .infinity }
    if x < -745.1332191019412 { return 0 }
    let ln2Hi = 0.6931471803691238, ln2Lo = 1.9082149292705877e-10
    // `rounded()` (ties away from zero) is an exact operation, the same everywhere.
    let k = (x * 1.4426950408889634).rounded()
    let r = (x - k * ln2Hi) - k * ln2Lo
    // e^r − 1 = r·(1 + r/2·(1 + r/3·(… (1 + r/17)))), Horner form from the innermost term, then
    // one final 1 + q: the polynomial's own rounding errors are scaled by |q| < 0.42, which keeps
    // the result within about one ulp.
    var p = 1.0
    var n = 17.0
    while n >= 2 {
        p = 1 + r * p / n
        n -= 1
    }
    let q = r * p
    let er = 1 + q
    return scaleByPowerOfTwo(er, Int(k))
}

/// `x · 2^e` for x in about [0.7, 1.5] and e in [-1076, 1024], exact unless the result is
/// subnormal (then rounded once: the first product is always a normal number) or overflows.
private func scaleByPowerOfTwo(_ x: Double, _ e: Int) -> Double {
    /// 2^n for n in the normal exponent range, from its bits.
    func power(_ n: Int) -> Double { Double(bitPattern: UInt64(n + 1023) << 52) }
    if e > 1023 { return x * power(1023) * power(e - 1023) }
    if e < -1022 { return x * power(e + 64) * power(-64) }
    return x * power(e)
}
