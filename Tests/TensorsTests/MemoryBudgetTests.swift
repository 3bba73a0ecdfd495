import Testing
@testable import Tensors

/// How `--max-memory` reads sizes and how errors show them.
@Suite struct MemoryBudgetTests {
    @Test func sizesReadAsPeopleWriteThem() {
        #expect(MemoryBudget.parse("1000000") == 1_000_000)
        #expect(MemoryBudget.parse("512M") == 512 << 20)
        #expect(MemoryBudget.parse("8G") == 8 << 30)
        #expect(MemoryBudget.parse("8gb") == 8 << 30)
        #expect(MemoryBudget.parse("1.5GiB") == 3 << 29)
        #expect(MemoryBudget.parse("100%") == Int(Double(MemoryBudget.defaultLimit) / 0.75))
        for bad in ["", "G", "lots", "-1G", "0", "0%", "101%", "1e30G", "nan"] {
            #expect(MemoryBudget.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func sizesShowInUnits() {
        #expect(MemoryBudget.show(512) == "512 B")
        #expect(MemoryBudget.show(40 << 20) == "40.0 MB")
        #expect(MemoryBudget.show(3 << 29) == "1.5 GB")
    }

    @Test func theDefaultLeavesAQuarterOfMemory() {
        #expect(MemoryBudget.defaultLimit > 0)
        #expect(MemoryBudget.limit == MemoryBudget.defaultLimit)
    }
}
