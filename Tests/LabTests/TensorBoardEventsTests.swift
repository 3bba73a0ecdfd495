import Foundation
import Testing
@testable import Lab

/// The TensorBoard event file without TensorBoard: CRC-32C against published vectors, the
/// TFRecord framing read back by hand, and the file growing as metrics are logged.
@Suite struct TensorBoardEventsTests {
    @Test func crc32cMatchesKnownVectors() {
        // RFC 3720 (iSCSI) B.4 and the common check value.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map(UInt8.init)) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // The mask TensorFlow applies (crc32c.h: ((crc >> 15) | (crc << 17)) + 0xa282ead8).
        let crc: UInt32 = 0xE306_9283
        #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    /// Splits a TFRecord file into its records, checking both CRCs of each.
    static func records(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var out: [[UInt8]] = [], at = 0
        func u32(_ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[i + $1]) << (8 * $1) } }
        while at < bytes.count {
            try #require(at + 12 <= bytes.count, "a record header is cut")
            let length = Int((0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * $1) })
            #expect(u32(at + 8) == CRC32C.masked(bytes[at..<at + 8]), "length CRC")
            let data = Array(bytes[at + 12..<at + 12 + length])
            #expect(u32(at + 12 + length) == CRC32C.masked(data), "data CRC")
            out.append(data)
            at += 16 + length
        }
        return out
    }

    @Test func framingHasLengthDataAndMaskedCRCs() throws {
        let framed = TensorBoardEvents.frame(Array("hello".utf8))
        #expect(framed.count == 5 + 16)
        #expect(Array(framed[0..<8]) == [5, 0, 0, 0, 0, 0, 0, 0])
        #expect(try Self.records(framed) == [Array("hello".utf8)])
        // An event with a scalar: wall_time (field 1, fixed64), step (2, varint), summary (5).
        let e = TensorBoardEvents.event(wallTime: 1.5, step: 300, tag: "loss", value: 0.25)
        #expect(e[0] == 0x09 && Array(e[1..<9]) == withUnsafeBytes(of: (1.5).bitPattern.littleEndian, Array.init))
        #expect(Array(e[9..<12]) == [0x10, 0xAC, 0x02])  // 300 as a varint
        #expect(e[12] == 0x2A)  // summary, length-delimited
        let value: [UInt8] = [0x0A, 4] + Array("loss".utf8) + [0x15] + withUnsafeBytes(of: Float(0.25).bitPattern.littleEndian, Array.init)
        #expect(Array(e[13...]) == [UInt8(value.count + 2), 0x0A, UInt8(value.count)] + value)
    }

    @Test func metricLogAppendsEventsAsItLogs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-tb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let log = MetricLog(directory: dir)
        for step in 0..<500 { try log.record("loss", step: Double(step), value: 1 / Double(step + 1)) }
        try log.record("t_loss", step: 0.25, value: 2)
        try log.flush()
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasPrefix("events.out.tfevents.") })
        // Written before the script ends (a killed run keeps it): the version record and every scalar.
        let records = try Self.records(Array(try Data(contentsOf: dir.appendingPathComponent(name))))
        #expect(records.count == 1 + 501)
        #expect(records[0].suffix(13) == ArraySlice(Array("brain.Event:2".utf8)))
        // A fractional step (gradient flow's time) is written at its index in its series.
        #expect(records.last! == TensorBoardEvents.event(wallTime: Self.wallTime(records.last!), step: 0, tag: "t_loss", value: 2))
        try log.close()
    }

    static func wallTime(_ event: [UInt8]) -> Double {
        Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(event[1 + $1]) << (8 * $1) })
    }
}
