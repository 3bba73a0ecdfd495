import Foundation

// MARK: - Ticks

/// One labelled tick on an axis.
public struct Tick: Sendable, Hashable {
    public var value: Double
    public var label: String

    public init(_ value: Double, _ label: String) {
        self.value = value
        self.label = label
    }
}

/// The ticks of one axis: labelled major ticks and unlabelled minor ones.
public struct AxisTicks: Sendable, Hashable {
    public var major: [Tick]
    public var minor: [Double]

    public var labels: [String] { major.map(\.label) }
    public var values: [Double] { major.map(\.value) }
}

/// Chooses "nice" tick positions: 1-2-5 steps on linear axes, powers of ten on log axes.
public enum TickGenerator {
    /// The smallest step of the form {1, 2, 5} × 10^k that is at least `raw`.
    public static func niceStep(atLeast raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let e = floor(log10(raw))
        let mag = pow(10, e)
        let f = raw / mag
        let m: Double = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10
        return m * mag
    }

    /// Among the 1-2-5 steps near span/target, the one whose tick count is closest to `target`
    /// (ties go to more ticks).
    static func bestStep(lower: Double, upper: Double, target: Int) -> Double {
        let raw = niceStep(atLeast: (upper - lower) / Double(target))
        var best = raw
        var bestScore = Double.infinity
        for candidate in [raw, smallerNiceStep(raw), smallerNiceStep(smallerNiceStep(raw))] {
            let count = (upper / candidate + 1e-9).rounded(.down) - (lower / candidate - 1e-9).rounded(.up) + 1
            guard count <= 1000 else { continue }
            let score = abs(count - Double(target))
            if score < bestScore || (score == bestScore && candidate < best) { best = candidate; bestScore = score }
        }
        return best
    }

    /// The next 1-2-5 step below `step` (5 → 2 → 1 → 0.5).
    private static func smallerNiceStep(_ step: Double) -> Double {
        let e = floor(log10(step) + 1e-9)
        let m = (step / pow(10, e)).rounded()
        switch m {
        case 5: return 2 * pow(10, e)
        case 2: return pow(10, e)
        default: return 5 * pow(10, e - 1)
        }
    }

    /// Ticks for `scale` between `lower` and `upper` (both inclusive), aiming for about
    /// `target` labelled ticks. Bad limits (NaN, reversed, ≤ 0 on log) give no ticks.
    public static func ticks(lower: Double, upper: Double, scale: AxisScale, target: Int) -> AxisTicks {
        switch scale {
        case .linear: return linear(lower: lower, upper: upper, target: target)
        case .log: return log(lower: lower, upper: upper, target: target)
        }
    }

    /// Linear ticks at multiples of a 1-2-5 step.
    public static func linear(lower: Double, upper: Double, target: Int) -> AxisTicks {
        guard lower.isFinite, upper.isFinite, upper > lower else {
            if lower.isFinite, lower == upper { return AxisTicks(major: [Tick(lower, NumberFormat.compact(lower))], minor: []) }
            return AxisTicks(major: [], minor: [])
        }
        let step = bestStep(lower: lower, upper: upper, target: max(1, target))
        let first = (lower / step - 1e-9).rounded(.up)
        let last = (upper / step + 1e-9).rounded(.down)
        guard first.isFinite, last.isFinite, last >= first, last - first <= 1000 else {
            return AxisTicks(major: [], minor: [])
        }
        let places = NumberFormat.decimals(forStep: step)
        let scale = pow(10, Double(min(places, 15)))
        var values: [Double] = []
        var k = first
        while k <= last {
            var v = k * step
            // k·step carries binary noise (0.30000000000000004); round to the step's decimals.
            if places > 0, abs(v) * scale < 1e15 { v = (v * scale).rounded() / scale }
            if v == 0 { v = 0 }  // no -0
            values.append(v)
            k += 1
        }
        let labels = NumberFormat.linearLabels(values, step: step)
        return AxisTicks(major: zip(values, labels).map { Tick($0, $1) }, minor: [])
    }

    /// Log ticks. Over more than two decades: powers of ten (every k-th decade when there are too
    /// many) with 2…9 as unlabelled minor ticks. Over two decades or less: 1, 2 and 5 × 10^k are
    /// labelled. Under about half a decade, where that leaves fewer than three labels, 1-2-5
    /// linear steps are used instead (still placed on the log axis).
    public static func log(lower: Double, upper: Double, target: Int) -> AxisTicks {
        guard lower.isFinite, upper.isFinite, lower > 0, upper > lower else {
            if lower.isFinite, lower > 0, lower == upper {
                return AxisTicks(major: [Tick(lower, NumberFormat.logLabel(lower))], minor: [])
            }
            return AxisTicks(major: [], minor: [])
        }
        let a = log10(lower), b = log10(upper)
        let kLo = Int((a - 1e-9).rounded(.down)), kHi = Int((b + 1e-9).rounded(.up))
        let inRange = { (v: Double) in v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) }
        let target = max(2, target)
        if b - a <= 2 {
            var major: [Double] = []
            var minor: [Double] = []
            for k in kLo...kHi {
                let p = pow(10, Double(k))
                for m in 1...9 {
                    let v = Double(m) * p
                    guard inRange(v) else { continue }
                    if m == 1 || m == 2 || m == 5 { major.append(v) } else { minor.append(v) }
                }
            }
            if major.count > target + 2 {
                // Crowded (small panel): keep the powers of ten, demote 2 and 5.
                let powers = major.filter { isPowerOfTen($0) }
                if powers.count >= 2 {
                    minor += major.filter { !isPowerOfTen($0) }
                    major = powers
                }
            }
            if major.count >= 3 || (major.count >= 2 && b - a > 0.5) {
                return AxisTicks(major: zip(major, NumberFormat.logLabels(major)).map { Tick($0, $1) }, minor: minor.sorted())
            }
            let lin = linear(lower: lower, upper: upper, target: min(target, 5))
            return AxisTicks(major: lin.major.filter { $0.value > 0 }, minor: [])
        }
        // Powers of ten actually inside the range decide the stride.
        let decades = Int((b + 1e-9).rounded(.down)) - Int((a - 1e-9).rounded(.up)) + 1
        let stride = max(1, Int((Double(decades) / Double(target)).rounded(.up)))
        var major: [Double] = []
        var minor: [Double] = []
        for k in kLo...kHi {
            let p = pow(10, Double(k))
            if ((k % stride) + stride) % stride == 0 {
                if inRange(p) { major.append(p) }
            } else if inRange(p) {
                minor.append(p)
            }
            if stride == 1 && decades <= 10 {
                for m in 2...9 where inRange(Double(m) * p) { minor.append(Double(m) * p) }
            }
        }
        return AxisTicks(major: zip(major, NumberFormat.logLabels(major)).map { Tick($0, $1) }, minor: minor)
    }

    private static func isPowerOfTen(_ v: Double) -> Bool {
        let l = log10(v)
        return abs(l - l.rounded()) < 1e-9
    }
}

// MARK: - Axis limits

/// Turns a data extent into axis limits that show it well.
public enum AxisRange {
    /// Pads [lower, upper] by `fraction` of its span (in log space on log axes).
    /// A zero-width range is widened (±10 % of the value, or ±1 around 0; half a decade on log axes).
    /// With `keepSign`, a range that starts at or above zero is not padded below zero (loss curves
    /// stay positive), and likewise for ranges at or below zero.
    public static func padded(lower: Double, upper: Double, scale: AxisScale, fraction: Double,
                              keepSign: Bool = true) -> (Double, Double) {
        guard lower.isFinite, upper.isFinite, lower <= upper else {
            return scale == .log ? (1, 10) : (0, 1)
        }
        switch scale {
        case .linear:
            if lower == upper {
                let d = lower == 0 ? 1 : abs(lower) * 0.1
                return (lower - d, upper + d)
            }
            let pad = (upper - lower) * fraction
            var lo = lower - pad, hi = upper + pad
            if keepSign && lower >= 0 && lo < 0 { lo = 0 }
            if keepSign && upper <= 0 && hi > 0 { hi = 0 }
            // Guard against spans too small to be represented after padding.
            if !(hi > lo) { return (lower - 1, upper + 1) }
            return (lo, hi)
        case .log:
            guard lower > 0 else { return (1, 10) }
            let a = log10(lower), b = log10(upper)
            if a == b { return (pow(10, a - 0.5), pow(10, b + 0.5)) }
            let pad = (b - a) * fraction
            return (pow(10, a - pad), pow(10, b + pad))
        }
    }
}
