import Experiments

/// How a child process is told which combination it runs: the hidden `--sweep-child
/// LINE:COL:INDEX:DIR` option, written by the executors that start children and read by `exp run`.
extension SweepChild {
    /// Parses `LINE:COL:INDEX:DIR`.
    init?(argument text: String) {
        let parts = text.split(separator: ":", maxSplits: 3).map(String.init)
        guard parts.count == 4, let l = Int(parts[0]), let c = Int(parts[1]), let k = Int(parts[2]), k >= 0 else { return nil }
        self.init(line: l, column: c, index: k, directory: parts[3])
    }

    /// The `--sweep-child` argument for this combination.
    var argument: String { "\(line):\(column):\(index):\(directory)" }
}
