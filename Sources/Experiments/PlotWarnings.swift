import Language
import Foundation
import Plot

/// Warnings about figures that would be drawn but say nothing: printed (with the statement's
/// place) to standard error, and the figure is still written.
extension PlotStatement {
    /// A scatter whose points all share an x, a y, or both is a line or a dot, which is almost
    /// always a bug upstream (a collapsed feature, a constant prediction): say so.
    func warnIfDegenerate(_ series: [Series]) {
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for (x, y) in zip(s.xs, s.ys) where x.isFinite && y.isFinite {
                xs.append(x)
                ys.append(y)
            }
        }
        let what = positional.map(\.1.sourceText).joined(separator: " vs ")
        let message: String
        if xs.isEmpty {
            message = "scatter of \(what) has no finite points: the figure is empty"
        } else if xs.count == 1 {
            message = "scatter of \(what) has a single point"
        } else {
            let sameX = xs.allSatisfy { $0 == xs[0] }, sameY = ys.allSatisfy { $0 == ys[0] }
            switch (sameX, sameY) {
            case (true, true):
                message = "all \(xs.count) points of the scatter of \(what) are the same point (\(Format.float(xs[0])), \(Format.float(ys[0])))"
            case (true, false):
                message = "all \(xs.count) points of the scatter of \(what) have x = \(Format.float(xs[0])): the figure is a vertical line"
            case (false, true):
                message = "all \(xs.count) points of the scatter of \(what) have y = \(Format.float(ys[0])): the figure is a horizontal line"
            case (false, false):
                return
            }
        }
        warn(message, hint: "check the values being plotted (print them), e.g. a feature that collapsed to a constant")
    }

    /// Prints a located warning to standard error; the run goes on.
    func warn(_ message: String, hint: String? = nil) {
        let d = Diagnostic(.runtime, message, at: context.span, hint: hint, severity: .warning)
        FileHandle.standardError.write(Data(d.rendered(color: false).utf8))
    }
}
