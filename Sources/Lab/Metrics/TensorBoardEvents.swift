import Foundation

/// The TensorBoard event file of a run: `events.out.tfevents.<unix time>.<host>`, one
/// `Event` per logged scalar (its `Summary` holds one `simple_value` tagged with the metric's
/// name), so `tensorboard --logdir runs/` shows exp runs beside PyTorch ones.
///
/// The protobuf messages are encoded by hand: an `Event` here uses five fields (wall_time,
/// step, file_version, summary; a summary value's tag and simple_value), each a varint, a
/// fixed-width number or a length-delimited block. That is a few lines, where swift-protobuf
/// would add a dependency, generated code and a long protoc plugin build for the same bytes.
///
/// Records use TFRecord framing (length, masked CRC-32C of the length, data, masked CRC-32C of
/// the data) and are appended like metrics.csv (`RecordFile`): whole records only, so a
/// killed run keeps every record written before, and TensorBoard reads them.
///
/// TensorBoard's steps are integers. A series whose steps are whole numbers (training steps)
/// keeps them; a point at a fractional step (gradient flow's time t) is written at its index
/// in its series, since rounding would put several points on one step.
final class TensorBoardEvents {
    let file: RecordFile
    private var counts: [String: Int64] = [:]

    /// Creates the event file in `directory` (named as TensorBoard's own writers name theirs)
    /// and queues its first record, the file version.
    init(directory: URL, now: Date = Date()) {
        let name = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(TensorBoardEvents.hostName())"
        file = RecordFile(url: directory.appendingPathComponent(name))
        file.append(Self.event(wallTime: now.timeIntervalSince1970, step: 0, fileVersion: "brain.Event:2"))
    }

    /// Queues one scalar.
    func scalar(_ tag: String, step: Double, value: Double, wallTime: Double = Date().timeIntervalSince1970) {
        let index = counts[tag, default: 0]
        counts[tag] = index + 1
        let whole = step == step.rounded() && abs(step) < 9e18
        file.append(Self.event(wallTime: wallTime, step: whole ? Int64(step) : index, tag: tag, value: Float(value)))
    }

    // MARK: - Encoding

    /// An `Event` message (tensorflow/core/util/event.proto): wall_time = 1 (double),
    /// step = 2 (int64), file_version = 3 (string) or summary = 5 (Summary).
    static func event(wallTime: Double, step: Int64, fileVersion: String? = nil, tag: String? = nil, value: Float = 0) -> [UInt8] {
        var out: [UInt8] = []
        Proto.fixed64(1, wallTime.bitPattern, into: &out)
        Proto.varint(2, UInt64(bitPattern: step), into: &out)
        if let fileVersion { Proto.bytes(3, Array(fileVersion.utf8), into: &out) }
        if let tag {
            // Summary { repeated Value value = 1 }; Value { string tag = 1; float simple_value = 2 }.
            var v: [UInt8] = []
            Proto.bytes(1, Array(tag.utf8), into: &v)
            Proto.fixed32(2, value.bitPattern, into: &v)
            var summary: [UInt8] = []
            Proto.bytes(1, v, into: &summary)
            Proto.bytes(5, summary, into: &out)
        }
        return out
    }

    /// TFRecord framing of one record: uint64 length, masked CRC of those 8 bytes, the data,
    /// masked CRC of the data (all little-endian).
    static func frame(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        out += length
        out += withUnsafeBytes(of: CRC32C.masked(length).littleEndian, Array.init)
        out += data
        out += withUnsafeBytes(of: CRC32C.masked(data).littleEndian, Array.init)
        return out
    }

    /// The host name for the file name (`localhost` when the system has none to give).
    static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
        let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let name = String(decoding: bytes, as: UTF8.self).map { $0 == "/" ? "_" : $0 }
        return name.isEmpty ? "localhost" : String(name)
    }
}

/// The few protobuf wire encodings an event needs.
enum Proto {
    static func key(_ field: Int, _ wireType: UInt64, into out: inout [UInt8]) {
        raw(UInt64(field) << 3 | wireType, into: &out)
    }

    static func raw(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func varint(_ field: Int, _ value: UInt64, into out: inout [UInt8]) {
        key(field, 0, into: &out)
        raw(value, into: &out)
    }

    static func fixed64(_ field: Int, _ value: UInt64, into out: inout [UInt8]) {
        key(field, 1, into: &out)
        out += withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    static func fixed32(_ field: Int, _ value: UInt32, into out: inout [UInt8]) {
        key(field, 5, into: &out)
        out += withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    static func bytes(_ field: Int, _ data: [UInt8], into out: inout [UInt8]) {
        key(field, 2, into: &out)
        raw(UInt64(data.count), into: &out)
        out += data
    }
}
