/// Dense copies out of strided views (transposes, broadcasts, slices). The innermost dimension
/// is a plain loop so the common cases stay tight; large copies are split over the cores.
enum StridedCopy {
    static func copy<T>(from src: UnsafeMutablePointer<T>, shape: [Int], strides: [Int], to dst: UnsafeMutablePointer<T>) {
        let rank = shape.count
        if rank == 0 { dst.pointee = src.pointee; return }
        let walk = RowWalk(shape, strides)
        let inner = walk.inner, innerStride = strides[rank - 1]
        walk.forEachRow { row, offset, _, _ in
            let s = src + offset, d = dst + row * inner
            if innerStride == 1 {
                d.update(from: s, count: inner)
            } else {
                for j in 0..<inner { d[j] = s[j * innerStride] }
            }
        }
    }
}
