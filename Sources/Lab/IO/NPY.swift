import Foundation
import Tensors

/// NumPy's `.npy` format (version 1.0), little-endian, C order: readable by `numpy.load`.
public enum NPY {
    /// Encodes a tensor: float32 `<f4`, float64 `<f8`, int64 `<i8`, bool `|b1`.
    public static func encode(_ t: Tensor) -> Data {
        let descr: String
        switch t.dtype {
        case .float32: descr = "<f4"
        case .float64: descr = "<f8"
        case .int64: descr = "<i8"
        case .bool: descr = "|b1"
        }
        let shape = t.shape.isEmpty ? "()" : t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in \n.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let len = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(len & 0xff), UInt8(len >> 8)])
        data.append(contentsOf: Array(header.utf8))
        let c = t.contiguous()
        data.append(Data(bytes: c.storage.base + c.offset * t.dtype.byteWidth, count: t.count * t.dtype.byteWidth))
        return data
    }

    /// Decodes a version 1/2 `.npy` file with a C-order little-endian float32/float64/int64/bool array.
    public static func decode(_ data: Data) throws -> Tensor {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw RunError.format("not an .npy file")
        }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw RunError.format("truncated .npy header") }
        let headerLen = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard bytes.count >= headerStart + headerLen,
              let header = String(bytes: bytes[headerStart..<headerStart + headerLen], encoding: .ascii) else {
            throw RunError.format("truncated .npy header")
        }
        guard !header.contains("'fortran_order': True") else { throw RunError.format(".npy in Fortran order is not supported") }
        let dtype: DType
        if header.contains("<f4") { dtype = .float32 } else if header.contains("<f8") { dtype = .float64 }
        else if header.contains("<i8") { dtype = .int64 } else if header.contains("|b1") { dtype = .bool }
        else { throw RunError.format("unsupported .npy dtype in header \(header)") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw RunError.format("no shape in .npy header")
        }
        let shape = try header[open.upperBound..<close].split(separator: ",").map { part -> Int in
            guard let d = Int(part.trimmingCharacters(in: .whitespaces)), d >= 0 else { throw RunError.format("bad .npy shape") }
            return d
        }
        let t = try Tensor.uninitialized(shape, dtype: dtype, op: "load")
        let body = headerStart + headerLen, n = t.count * dtype.byteWidth
        guard bytes.count - body >= n else { throw RunError.format(".npy data is shorter than its shape says") }
        bytes.withUnsafeBytes { raw in t.storage.base.copyMemory(from: raw.baseAddress! + body, byteCount: n) }
        return t
    }
}
