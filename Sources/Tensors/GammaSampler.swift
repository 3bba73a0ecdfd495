/// Gamma(alpha, 1) variates by Marsaglia and Tsang's method ("A simple method for generating
/// gamma variables", ACM TOMS 26(3), 2000), the sampler behind `gamma`, `beta` and `dirichlet`.
///
/// For alpha ≥ 1: with d = alpha − 1/3 and c = 1/√(9d), draw a standard normal x until
/// v = (1 + c·x)³ > 0, then a uniform u, and accept d·v when u < 1 − 0.0331·x⁴ (the squeeze) or
/// log u < x²/2 + d·(1 − v + log v); otherwise start again. For alpha < 1 the "boost" of the
/// paper's section 6: G(alpha) = G(alpha + 1) · U^(1/alpha), U uniform on (0, 1].
///
/// Every draw comes from one `RandomGenerator` in a fixed order (normals from
/// `nextNormalPair`, the second of each pair kept for the next attempt; uniforms from
/// `nextDouble`), and logarithms and exponentials are `portableLog`/`portableExp`, so a seed
/// gives the same bits on every machine and for every thread count (sampling is sequential).
struct GammaSampler {
    let generator: RandomGenerator
    /// The second normal of the last pair, not yet used.
    private var spare: Double?

    init(_ generator: RandomGenerator) { self.generator = generator }

    /// The smallest concentration the samplers accept. Below it the boost's log U / alpha can
    /// overflow to −∞, and a Dirichlet row or beta draw made only of such values has no
    /// defined normalization; every draw of such a gamma is 0 in double precision anyway.
    static let minimumAlpha = 1e-300

    private mutating func normal() -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        let (a, b) = generator.nextNormalPair()
        spare = b
        return a
    }

    /// One Gamma(alpha) draw for alpha ≥ 1 (the core of the method; always positive).
    private mutating func core(_ alpha: Double) -> Double {
        let d = alpha - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = generator.nextDouble()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if portableLog(u) < 0.5 * x2 + d * (1 - v + portableLog(v)) { return d * v }
        }
    }

    /// log U / alpha for the boost, U uniform on (0, 1] (never 0, so the log is finite).
    private mutating func boostExponent(_ alpha: Double) -> Double {
        portableLog(1 - generator.nextDouble()) / alpha
    }

    /// A Gamma(alpha, 1) draw. `alpha` must be finite and at least `minimumAlpha`.
    mutating func next(_ alpha: Double) -> Double {
        if alpha >= 1 { return core(alpha) }
        let g = core(alpha + 1)
        return g * portableExp(boostExponent(alpha))
    }

    /// The logarithm of a Gamma(alpha, 1) draw, from the same draws as `next` would use. For a
    /// small alpha most draws are below the smallest double, but their logarithms are finite
    /// and keep their order, which is what normalizing a Dirichlet row or a beta needs.
    mutating func nextLog(_ alpha: Double) -> Double {
        if alpha >= 1 { return portableLog(core(alpha)) }
        let g = core(alpha + 1)
        return portableLog(g) + boostExponent(alpha)
    }
}
