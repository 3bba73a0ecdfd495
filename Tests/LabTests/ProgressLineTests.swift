import Testing
@testable import Lab

@Suite("Progress line")
struct ProgressLineTests {
    @Test("a live line never reaches the window's last column, at any width; it keeps percent and step")
    func fitsAnyWidth() {
        let p = Progress(total: 150_000, label: "train a_rather_long_model_name", live: true)
        for columns in [20, 40, 50, 60, 80, 120, 200] {
            let line = p.line(75_000, 12.5, [("batch loss", 0.012345), ("acc", 0.5)], columns: columns)
            #expect(line.count <= max(columns - 1, 10), "\(columns): \(line)")
            if columns >= 50 {
                #expect(line.contains(" 50%"), "\(columns): \(line)")
                #expect(line.contains("75000/150000"), "\(columns): \(line)")
            }
        }
        let wide = p.line(75_000, 12.5, [("batch loss", 0.012345)], columns: 200)
        #expect(wide.contains("█") && wide.contains("0:12<0:12") && wide.contains("batch loss 0.01235"), "\(wide)")
    }

    @Test("a line for a log file gives step, percent, elapsed time, ETA and rate")
    func plainLine() {
        let p = Progress(total: 200, label: "train m", live: false)
        #expect(p.line(50, 2, [("batch loss", 1.5)], columns: nil) == "train m step 50/200 (25%)  0:02 elapsed  ETA 0:06  25 it/s  batch loss 1.5")
    }
}
