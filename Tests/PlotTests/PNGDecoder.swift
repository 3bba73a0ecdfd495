import Foundation

/// A small PNG reader for tests: 8-bit RGB/RGBA, non-interlaced (what rsvg-convert writes).
/// It lets tests check real pixels instead of guessing from file sizes.
struct DecodedPNG {
    let width: Int
    let height: Int
    /// RGBA, row-major.
    let pixels: [UInt8]

    func rgb(_ x: Int, _ y: Int) -> (Int, Int, Int)? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = (y * width + x) * 4
        return (Int(pixels[i]), Int(pixels[i + 1]), Int(pixels[i + 2]))
    }

    enum Failure: Error { case notPNG, unsupported(String), corrupt(String) }

    init(_ data: Data) throws {
        let b = [UInt8](data)
        guard b.count > 33, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Failure.notPNG }
        func be32(_ i: Int) -> Int { b[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        var pos = 8
        var w = 0, h = 0, colorType = 0
        var idat: [UInt8] = []
        while pos + 8 <= b.count {
            let len = be32(pos)
            let type = String(decoding: b[pos + 4..<pos + 8], as: UTF8.self)
            guard pos + 12 + len <= b.count else { throw Failure.corrupt("chunk \(type) overruns") }
            let body = b[pos + 8..<pos + 8 + len]
            switch type {
            case "IHDR":
                w = be32(pos + 8); h = be32(pos + 12)
                let depth = Int(body[body.startIndex + 8]); colorType = Int(body[body.startIndex + 9])
                let interlace = Int(body[body.startIndex + 12])
                guard depth == 8, colorType == 6 || colorType == 2, interlace == 0 else {
                    throw Failure.unsupported("depth \(depth) colour type \(colorType) interlace \(interlace)")
                }
            case "IDAT": idat += body
            default: break
            }
            pos += 12 + len
        }
        let channels = colorType == 6 ? 4 : 3
        let raw = try Inflate.zlib(idat)
        let stride = w * channels
        guard raw.count >= h * (stride + 1) else { throw Failure.corrupt("short image data") }
        var out = [UInt8](repeating: 255, count: w * h * 4)
        var prev = [UInt8](repeating: 0, count: stride)
        for y in 0..<h {
            let filter = raw[y * (stride + 1)]
            var line = Array(raw[y * (stride + 1) + 1..<(y + 1) * (stride + 1)])
            for i in 0..<stride {
                let a = i >= channels ? Int(line[i - channels]) : 0
                let up = Int(prev[i])
                let c = i >= channels ? Int(prev[i - channels]) : 0
                let add: Int
                switch filter {
                case 0: add = 0
                case 1: add = a
                case 2: add = up
                case 3: add = (a + up) / 2
                case 4:
                    let p = a + up - c, pa = abs(p - a), pb = abs(p - up), pc = abs(p - c)
                    add = pa <= pb && pa <= pc ? a : (pb <= pc ? up : c)
                default: throw Failure.corrupt("filter \(filter)")
                }
                line[i] = UInt8((Int(line[i]) + add) & 0xFF)
            }
            for x in 0..<w {
                for k in 0..<channels { out[(y * w + x) * 4 + k] = line[x * channels + k] }
            }
            prev = line
        }
        width = w
        height = h
        pixels = out
    }
}

/// DEFLATE (RFC 1951) decoding inside a zlib stream (RFC 1950), written for the test decoder.
enum Inflate {
    struct Bits {
        let bytes: [UInt8]
        var pos = 0
        var bit = 0
        mutating func read(_ n: Int) throws -> Int {
            var v = 0
            for k in 0..<n {
                guard pos < bytes.count else { throw DecodedPNG.Failure.corrupt("out of data") }
                v |= Int((bytes[pos] >> bit) & 1) << k
                bit += 1
                if bit == 8 { bit = 0; pos += 1 }
            }
            return v
        }
        mutating func alignToByte() { if bit != 0 { bit = 0; pos += 1 } }
    }

    /// Canonical Huffman code: codes of each length are consecutive, ordered by symbol.
    struct Huffman {
        var countPerLength = [Int](repeating: 0, count: 16)
        var symbolsInOrder: [Int] = []
        init(lengths: [Int]) {
            for l in lengths where l > 0 { countPerLength[l] += 1 }
            for l in 1..<16 { for (s, sl) in lengths.enumerated() where sl == l { symbolsInOrder.append(s) } }
        }
        func decode(_ bits: inout Bits) throws -> Int {
            var code = 0, first = 0, index = 0
            for len in 1..<16 {
                code |= try bits.read(1)
                let count = countPerLength[len]
                if code - first < count { return symbolsInOrder[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw DecodedPNG.Failure.corrupt("bad Huffman code")
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static func zlib(_ data: [UInt8]) throws -> [UInt8] {
        guard data.count > 2 else { throw DecodedPNG.Failure.corrupt("empty zlib stream") }
        var bits = Bits(bytes: Array(data.dropFirst(2)))
        var out: [UInt8] = []
        var final = 0
        repeat {
            final = try bits.read(1)
            switch try bits.read(2) {
            case 0:
                bits.alignToByte()
                guard bits.pos + 4 <= bits.bytes.count else { throw DecodedPNG.Failure.corrupt("stored header") }
                let len = Int(bits.bytes[bits.pos]) | Int(bits.bytes[bits.pos + 1]) << 8
                bits.pos += 4
                guard bits.pos + len <= bits.bytes.count else { throw DecodedPNG.Failure.corrupt("stored block") }
                out += bits.bytes[bits.pos..<bits.pos + len]
                bits.pos += len
            case 1:
                let lit = Huffman(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
                let dist = Huffman(lengths: Array(repeating: 5, count: 30))
                try block(&bits, lit, dist, &out)
            case 2:
                let hlit = try bits.read(5) + 257, hdist = try bits.read(5) + 1, hclen = try bits.read(4) + 4
                let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
                var clen = [Int](repeating: 0, count: 19)
                for i in 0..<hclen { clen[order[i]] = try bits.read(3) }
                let codeLengths = Huffman(lengths: clen)
                var lengths: [Int] = []
                while lengths.count < hlit + hdist {
                    let sym = try codeLengths.decode(&bits)
                    switch sym {
                    case 0..<16: lengths.append(sym)
                    case 16:
                        guard let last = lengths.last else { throw DecodedPNG.Failure.corrupt("repeat with no length") }
                        lengths += Array(repeating: last, count: 3 + (try bits.read(2)))
                    case 17: lengths += Array(repeating: 0, count: 3 + (try bits.read(3)))
                    default: lengths += Array(repeating: 0, count: 11 + (try bits.read(7)))
                    }
                }
                try block(&bits, Huffman(lengths: Array(lengths[0..<hlit])), Huffman(lengths: Array(lengths[hlit..<hlit + hdist])), &out)
            default:
                throw DecodedPNG.Failure.corrupt("block type 3")
            }
        } while final == 0
        return out
    }

    private static func block(_ bits: inout Bits, _ lit: Huffman, _ dist: Huffman, _ out: inout [UInt8]) throws {
        while true {
            let sym = try lit.decode(&bits)
            if sym < 256 { out.append(UInt8(sym)); continue }
            if sym == 256 { return }
            let li = sym - 257
            guard li < lengthBase.count else { throw DecodedPNG.Failure.corrupt("length symbol") }
            let length = lengthBase[li] + (try bits.read(lengthExtra[li]))
            let di = try dist.decode(&bits)
            guard di < distBase.count else { throw DecodedPNG.Failure.corrupt("distance symbol") }
            let distance = distBase[di] + (try bits.read(distExtra[di]))
            guard distance <= out.count else { throw DecodedPNG.Failure.corrupt("distance too far") }
            let start = out.count - distance
            for k in 0..<length { out.append(out[start + k]) }
        }
    }
}
