import Foundation

// MARK: - Tick labels
//
// One clear format, chosen per axis from the largest tick and the step:
// - plain decimals with as many places as the step needs: 0, 0.25, 0.5, 1.5, 120
// - thousands and up (largest |tick| ≥ 10 000): SI suffixes k, M, G, T: 2.5k, 10k, 1.5M
// - tiny (largest |tick| < 0.001) or beyond 1e15: compact e-notation with no "+" and no
//   leading zeros in the exponent: 1e-7, 2.5e-7, -3e-5
// Zero is always "0" and minus signs are ASCII "-" so the text stays plain.

/// Number formatting used for tick labels; `compact` is handy for legend and reference labels.
public enum NumberFormat {
    /// Decimal places a step of this size needs (0.25 → 2, 0.5 → 1, 20 → 0).
    static func decimals(forStep step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        var d = 0
        var s = step
        // Count places until the step is (close to) an integer; cap to stay readable.
        while d < 15, abs(s - s.rounded()) > 1e-9 * max(1, abs(s)) {
            s *= 10
            d += 1
        }
        return d
    }

    /// Fixed-point with `places` decimals; "-0" becomes "0".
    static func fixed(_ v: Double, places: Int) -> String {
        let s = String(format: "%.\(max(0, min(15, places)))f", v)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }

    /// Strips trailing zeros after a decimal point: "2.50" → "2.5", "3.0" → "3".
    static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    /// e-notation with at most `places` mantissa decimals: 2.5e-7, 1e-7.
    static func scientific(_ v: Double, places: Int = 3) -> String {
        guard v != 0, v.isFinite else { return v == 0 ? "0" : plainNonFinite(v) }
        var e = Int(floor(log10(abs(v))))
        var m = v / pow(10, Double(e))
        let scale = pow(10, Double(max(0, places)))
        m = (m * scale).rounded() / scale
        if abs(m) >= 10 { m /= 10; e += 1 }
        return trimmed(fixed(m, places: places)) + "e" + String(e)
    }

    static func plainNonFinite(_ v: Double) -> String { v.isNaN ? "NaN" : (v > 0 ? "inf" : "-inf") }

    /// Labels for evenly spaced linear ticks (`step` apart), all in one style.
    static func linearLabels(_ values: [Double], step: Double) -> [String] {
        let maxAbs = values.map(abs).max() ?? 0
        guard maxAbs > 0, maxAbs.isFinite else { return values.map { $0 == 0 ? "0" : plainNonFinite($0) } }
        let labels: [String]
        if maxAbs < 1e-3 || maxAbs >= 1e15 {
            let places = max(0, Int(floor(log10(maxAbs))) - Int(floor(log10(step) + 1e-9)))
            labels = values.map { $0 == 0 ? "0" : scientific($0, places: min(places, 6)) }
        } else if maxAbs >= 1e4 {
            let (unit, suffix) = siUnit(maxAbs)
            let places = decimals(forStep: step / unit)
            labels = values.map { $0 == 0 ? "0" : trimmedIfFraction(fixed($0 / unit, places: places)) + suffix }
        } else {
            let places = decimals(forStep: step)
            labels = values.map { fixed($0, places: places) }
        }
        // Ticks very close together relative to their size can format alike; fall back to full precision.
        if Set(labels).count < labels.count {
            return values.map { trimmed(String(format: "%.12g", $0)) }
        }
        return labels
    }

    private static func trimmedIfFraction(_ s: String) -> String { trimmed(s) }

    static func siUnit(_ maxAbs: Double) -> (Double, String) {
        if maxAbs >= 1e12 { return (1e12, "T") }
        if maxAbs >= 1e9 { return (1e9, "G") }
        if maxAbs >= 1e6 { return (1e6, "M") }
        return (1e3, "k")
    }

    /// A label for a tick on a log axis, m × 10^k with m in {1, 2, 5, …}:
    /// decimals for 0.001 … 9999, e-notation outside (1e-7, 2e4).
    static func logLabel(_ v: Double) -> String {
        guard v > 0, v.isFinite else { return plainNonFinite(v) }
        let k = Int(floor(log10(v) + 1e-9))
        if k >= -3 && k <= 3 {
            let places = max(0, -k + significantExtra(v, k))
            return trimmed(fixed(v, places: places))
        }
        return scientific(v, places: 2)
    }

    /// Labels for the ticks of one log axis, all in one format: plain decimals when every tick
    /// has a short decimal form, e-notation for all of them otherwise (never 0.001 next to 1e-4).
    static func logLabels(_ values: [Double]) -> [String] {
        let plain = values.map(logLabel)
        guard plain.contains(where: { $0.contains("e") }) else { return plain }
        return values.map { scientific($0, places: 2) }
    }

    /// Extra decimals when the mantissa is not a whole number (1.5 × 10^k).
    private static func significantExtra(_ v: Double, _ k: Int) -> Int {
        let m = v / pow(10, Double(k))
        return abs(m - m.rounded()) < 1e-6 ? 0 : 2
    }

    /// A short general-purpose number for legends and notes: 0.611, 2.5k, 1e-7.
    public static func compact(_ v: Double) -> String {
        guard v.isFinite else { return plainNonFinite(v) }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e4 && a < 1e15 {
            let (unit, suffix) = siUnit(a)
            return trimmed(fixed(v / unit, places: 2)) + suffix
        }
        if a < 1e-3 || a >= 1e15 { return scientific(v, places: 2) }
        return trimmed(String(format: "%.4g", v))
    }
}
