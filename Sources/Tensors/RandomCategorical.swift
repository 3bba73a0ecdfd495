// Categorical draws, one per row of a probability table: the sampler for Markov chains,
// next-token sampling and random class labels.

extension Tensor {
    /// One index per row of `probabilities` (shape [..., K]), drawn with probability
    /// proportional to the row's entries: an int64 tensor of shape [...].
    ///
    /// Rows are weights, not necessarily normalized (each is divided by its sum); every entry
    /// must be finite and non-negative and every row must have a positive sum, otherwise the
    /// draw would be meaningless and this throws naming the row. Entries of weight 0 are never
    /// drawn. Each row uses one uniform draw, in row-major order, inverted through the row's
    /// cumulative sums (binary search), so a seed gives the same indices everywhere.
    public static func categorical(_ probabilities: Tensor, generator: RandomGenerator = .current) throws -> Tensor {
        let op = "categorical"
        guard let k = probabilities.shape.last else {
            throw TensorError(.shape, op: op, "needs probabilities with the K categories on the last axis, got a scalar")
        }
        guard k >= 1 else {
            throw TensorError(.shape, op: op, "needs at least one category, got probabilities of shape \(TensorError.show(probabilities.shape))")
        }
        let batch = Array(probabilities.shape.dropLast())
        // Size-checked first: a broadcast view can be far larger once dense and in float64.
        _ = try Shape.checkedCount(probabilities.shape, dtype: .float64, op: op)
        let weights = try probabilities.checkedCast(to: .float64, op: op).contiguous()
        let out = try Tensor.uninitialized(batch, dtype: .int64, op: op)
        let pw = weights.pointer(Double.self), po = out.pointer(Int.self)
        var cdf = [Double](repeating: 0, count: k)
        // A bad weight is shown as written: a float32 -0.1 as -0.1, not its double expansion.
        let show: (Double) -> String = { x in x.isNaN ? "nan" : probabilities.dtype == .float32 ? "\(Float(x))" : "\(x)" }
        for row in 0..<out.count {
            let w = pw + row * k
            try cumulative(w, k, into: &cdf, row: row, batch: batch, show: show, op: op)
            let total = cdf[k - 1]
            po[row] = pick(cdf, w, generator.nextDouble() * total)
        }
        return out
    }

    /// Fills `cdf` with the running sums of the row's `k` weights after checking them. A row
    /// whose sum overflows (weights near the largest double) is summed again divided by its
    /// largest weight, which leaves the distribution unchanged.
    private static func cumulative(_ w: UnsafePointer<Double>, _ k: Int, into cdf: inout [Double], row: Int, batch: [Int],
                                   show: (Double) -> String, op: String) throws {
        var total = 0.0, largest = 0.0
        for j in 0..<k {
            guard w[j].isFinite, w[j] >= 0 else {
                throw TensorError(.value, op: op, "probabilities must be finite and non-negative, got \(show(w[j])) in row \(rowName(row, batch)) at category \(j)")
            }
            largest = Swift.max(largest, w[j])
            total += w[j]
            cdf[j] = total
        }
        guard total > 0 else {
            throw TensorError(.value, op: op, "row \(rowName(row, batch)) of the probabilities sums to 0; there is nothing to draw",
                              hint: "give every row at least one positive weight")
        }
        if !total.isFinite {
            total = 0
            for j in 0..<k {
                total += w[j] / largest
                cdf[j] = total
            }
        }
    }

    /// The first category whose cumulative weight exceeds `u` (u is in [0, total)). Zero-weight
    /// categories share the previous cumulative value, so they are never the first to exceed it.
    /// u·total is below the total for any normal total, but a subnormal one (weights near 1e-320)
    /// can round onto it; then the last category of positive weight.
    private static func pick(_ cdf: [Double], _ w: UnsafePointer<Double>, _ u: Double) -> Int {
        let k = cdf.count
        if !(cdf[k - 1] > u) {
            var j = k - 1
            while j > 0 && !(w[j] > 0) { j -= 1 }
            return j
        }
        var lo = 0, hi = k - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// A row's index as users write it: `[2, 0]` for the batch shape [3, 4], `[]` when there is
    /// only one row.
    private static func rowName(_ row: Int, _ batch: [Int]) -> String {
        var index = [Int](repeating: 0, count: batch.count), r = row
        for a in stride(from: batch.count - 1, through: 0, by: -1) where batch[a] > 0 {
            index[a] = r % batch[a]
            r /= batch[a]
        }
        return TensorError.show(index)
    }
}
