import Foundation
import Tensors

/// An `.npy` file that grows by one slice at a time along a new first axis (a logged tensor
/// series: `[steps, ...shape]`), without rewriting what is there.
///
/// The header has room for a 20-digit count, so it never changes length: each append writes
/// the slice after the data, then rewrites the count in the header in place. A process killed
/// between the two leaves a valid file whose header counts the slices before the last one
/// (NumPy reads exactly the counted slices and ignores the rest).
final class GrowingNPY {
    let url: URL
    let shape: [Int]
    let dtype: DType
    private(set) var count = 0
    private var fd: Int32 = -1
    private let headerLength: Int

    /// Float series keep their dtype; integer and bool series are stored as float64.
    init(url: URL, shape: [Int], dtype: DType) throws {
        self.url = url
        self.shape = shape
        self.dtype = dtype.isFloating ? dtype : .float64
        headerLength = GrowingNPY.header(count: UInt64.max, shape: shape, dtype: self.dtype, length: nil).count
        fd = open(url.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw AtomicFile.failure(url.path, errno) }
        try writeHeader()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends one slice (its shape must be `shape`) and returns its index.
    func append(_ t: Tensor) throws -> Int {
        let c = (t.dtype == dtype ? t : t.cast(to: dtype)).contiguous()
        let bytes = c.count * dtype.byteWidth
        let offset = headerLength + count * bytes
        let failed: Int32? = UnsafeRawBufferPointer(start: c.storage.base + c.offset * dtype.byteWidth, count: bytes).withMemoryRebound(to: UInt8.self) { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 { if errno == EINTR { continue }; return errno }
                done += n
            }
            return nil
        }
        if let failed {
            _ = ftruncate(fd, off_t(offset))  // drop the partial slice; the counted ones stay valid
            throw AtomicFile.failure(url.path, failed)
        }
        count += 1
        try writeHeader()
        return count - 1
    }

    func sync() { _ = fsync(fd) }  // best effort: the data is in the page cache either way, and the final header write already succeeded

    private func writeHeader() throws {
        let h = GrowingNPY.header(count: UInt64(count), shape: shape, dtype: dtype, length: headerLength)
        let n = h.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if n != h.count { throw AtomicFile.failure(url.path, n < 0 ? errno : ENOSPC) }
    }

    /// Magic, version 1.0, header length and the dict, padded with spaces to `length` (or to a
    /// multiple of 64) and ending in a newline.
    static func header(count: UInt64, shape: [Int], dtype: DType, length: Int?) -> [UInt8] {
        let descr: String
        switch dtype {
        case .float32: descr = "<f4"
        case .float64: descr = "<f8"
        case .int64: descr = "<i8"
        case .bool: descr = "|b1"
        }
        let dims = [String(count)] + shape.map(String.init)
        let shapeText = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        let total = length ?? ((10 + dict.count + 1 + 63) / 64 * 64)
        dict += [UInt8](repeating: 0x20, count: total - 10 - dict.count - 1) + [0x0A]
        let len = UInt16(dict.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(len & 0xff), UInt8(len >> 8)] + dict
    }
}
