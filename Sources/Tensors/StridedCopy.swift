/// Dense copies out of strided views (transposes, broadcasts, slices). The innermost dimension
/// is a plain loop so the common cases stay tight.
enum StridedCopy {
    static func copy<T>(from src: UnsafeMutablePointer<T>, shape: [Int], strides: [Int], to dst: UnsafeMutablePointer<T>) {
        let rank = shape.count
        if rank == 0 { dst.pointee = src.pointee; return }
        let n = Shape.count(shape)
        if n == 0 { return }
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var srcOffset = 0
        var written = 0
        while written < n {
            let s = src + srcOffset, d = dst + written
            if innerStride == 1 {
                d.update(from: s, count: inner)
            } else {
                for j in 0..<inner { d[j] = s[j * innerStride] }
            }
            written += inner
            // Advance the multi-index over the outer dimensions.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                srcOffset += strides[axis]
                if index[axis] < shape[axis] { break }
                srcOffset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
