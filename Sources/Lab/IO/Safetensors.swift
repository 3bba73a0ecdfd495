import Foundation
import Tensors

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping names
/// to dtype, shape and byte ranges, then the raw little-endian data. Readable by
/// `safetensors.torch.load_file`, `safetensors.numpy.load_file` and JAX/Flax.
public enum Safetensors {
    /// Encodes named tensors (names sorted, as the reference implementation does).
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var body = Data()
        for (name, t) in tensors.sorted(by: { $0.0 < $1.0 }) {
            let c = t.contiguous()
            let n = c.count * c.dtype.byteWidth
            header[name] = ["dtype": code(c.dtype), "shape": c.shape, "data_offsets": [body.count, body.count + n]]
            body.append(Data(bytes: c.storage.base + c.offset * c.dtype.byteWidth, count: n))
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces so the data starts 8-byte aligned.
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data()
        var len = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &len) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        return out
    }

    /// Decodes all tensors in a safetensors file, in header order sorted by name.
    public static func decode(_ data: Data) throws -> [(String, Tensor)] {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw RunError.format("not a safetensors file (too short)") }
        var len = 0
        for i in 0..<8 { len |= Int(bytes[i]) << (8 * i) }
        // An unparsable header is this error, with the JSON parser's detail dropped on purpose:
        // a wrong file type is the likely cause.
        guard len > 0, len <= bytes.count - 8,
              let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<8 + len])) as? [String: Any] else {
            throw RunError.format("not a safetensors file (bad header)")
        }
        let base = 8 + len
        var out: [(String, Tensor)] = []
        for name in header.keys.sorted() where name != "__metadata__" {
            guard let entry = header[name] as? [String: Any], let code = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw RunError.format("safetensors entry \(name) is malformed")
            }
            guard let dtype = dtype(code) else { throw RunError.format("safetensors dtype \(code) of \(name) is not supported (F32, F64, I64, BOOL)") }
            let t = try Tensor.uninitialized(shape, dtype: dtype, op: "load")
            let n = t.count * dtype.byteWidth
            guard offsets[1] - offsets[0] == n, offsets[0] >= 0, base + offsets[1] <= bytes.count else {
                throw RunError.format("safetensors entry \(name): byte range does not match its shape")
            }
            bytes.withUnsafeBytes { raw in t.storage.base.copyMemory(from: raw.baseAddress! + base + offsets[0], byteCount: n) }
            out.append((name, t))
        }
        return out
    }

    static func code(_ d: DType) -> String {
        switch d { case .float32: "F32"; case .float64: "F64"; case .int64: "I64"; case .bool: "BOOL" }
    }

    static func dtype(_ code: String) -> DType? {
        switch code { case "F32": .float32; case "F64": .float64; case "I64": .int64; case "BOOL": .bool; default: nil }
    }
}
