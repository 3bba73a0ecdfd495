import Testing
@testable import Tensors

/// Freed large buffers come back for the next tensor of that size (no page faults per training
/// step); small ones stay with malloc.
@Suite struct BufferPoolTests {
    @Test func aFreedLargeBufferIsReusedForTheSameSize() throws {
        // An odd size no other test allocates, so a concurrently running test cannot take it.
        let shape = [1237, 211]
        var address: UnsafeMutableRawPointer?
        do {
            let t = try Tensor.zeros(shape, dtype: .float32)
            address = t.storage.base
        }
        let before = BufferPool.statistics.reused
        let again = try Tensor.full(2, shape: shape, dtype: .float32)
        #expect(again.storage.base == address)
        #expect(BufferPool.statistics.reused > before)
        // A reused buffer holds exactly what the new tensor wrote.
        #expect(again.toDoubles().allSatisfy { $0 == 2 })
    }

    @Test func smallBuffersAreNotPooled() {
        #expect(BufferPool.capacity(for: 100) == 100)
        #expect(BufferPool.capacity(for: BufferPool.minimumBytes + 1) % 4096 == 0)
        #expect(BufferPool.capacity(for: BufferPool.minimumBytes + 1) > BufferPool.minimumBytes)
    }
}
