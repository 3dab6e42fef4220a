/// A compact, versioned binary form of a sketch for storage (Postgres `bytea`): varints for the
/// counts and zigzag deltas for the sorted bucket indexes, the exact extremes and sum as doubles.
extension QuantileSketch {
    private static let version: UInt8 = 1

    /// The sketch as bytes.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [Self.version]
        Self.appendVarint(count, to: &bytes)
        guard count > 0 else { return bytes }
        Self.appendVarint(zeroCount, to: &bytes)
        for double in [minimum, maximum, sum] {
            withUnsafeBytes(of: double.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        let sorted = buckets.keys.sorted()
        Self.appendVarint(UInt64(sorted.count), to: &bytes)
        var previous: Int64 = 0
        for index in sorted {
            let delta = Int64(index) - previous
            previous = Int64(index)
            Self.appendVarint(UInt64(bitPattern: (delta << 1) ^ (delta >> 63)), to: &bytes)
            Self.appendVarint(buckets[index]!, to: &bytes)
        }
        return bytes
    }

    /// Reads bytes made by `encoded()`; nil when they are not a sketch.
    public init?(encoded bytes: [UInt8]) {
        var reader = ByteReader(bytes: bytes)
        guard reader.byte() == Self.version, let count = reader.varint() else { return nil }
        self.init()
        guard count > 0 else { return }
        guard let zeroCount = reader.varint(), let minimum = reader.double(), let maximum = reader.double(),
              let sum = reader.double(), let bucketCount = reader.varint(), bucketCount <= UInt64(bytes.count)
        else { return nil }
        var buckets: [Int32: UInt64] = [:]
        var previous: Int64 = 0
        var total = zeroCount
        for _ in 0..<bucketCount {
            guard let zigzag = reader.varint(), let bucket = reader.varint() else { return nil }
            let delta = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            previous += delta
            guard let index = Int32(exactly: previous) else { return nil }
            buckets[index] = bucket
            total += bucket
        }
        guard total == count, reader.atEnd else { return nil }
        self.restore(buckets: buckets, zeroCount: zeroCount, count: count, minimum: minimum, maximum: maximum, sum: sum)
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    var atEnd: Bool { position == bytes.count }

    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            guard let next = byte() else { return nil }
            value |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    mutating func double() -> Double? {
        guard position + 8 <= bytes.count else { return nil }
        var bits: UInt64 = 0
        for offset in 0..<8 { bits |= UInt64(bytes[position + offset]) << (8 * UInt64(offset)) }
        position += 8
        return Double(bitPattern: bits)
    }
}
