/// A compact, versioned binary form of a sketch for storage (Postgres `bytea`): varints for the
/// counts and zigzag deltas for the sorted bucket indexes, the exact extremes as doubles, and the
/// sum as a zigzag varint of its units (version 2). Version 1 stored the sum as a double, whose
/// last bits depended on the order sketches were merged in; it is still read.
extension QuantileSketch {
    private static let version: UInt8 = 2
    private static let versionWithDoubleSum: UInt8 = 1

    /// The sketch as bytes.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        encode(appendingTo: &bytes)
        return bytes
    }

    /// Appends the sketch's bytes (those of `encoded()`) to `bytes`.
    public func encode(appendingTo bytes: inout [UInt8]) {
        bytes.append(Self.version)
        Self.appendVarint(count, to: &bytes)
        guard count > 0 else { return }
        Self.appendVarint(zeroCount, to: &bytes)
        for double in [minimum, maximum] {
            withUnsafeBytes(of: double.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        Self.appendVarint(UInt64(bitPattern: (sumUnits << 1) ^ (sumUnits >> 63)), to: &bytes)
        Self.appendVarint(UInt64(buckets.count), to: &bytes)
        // Most stored sketches (a minute of one group) hold a single bucket: nothing to sort.
        if buckets.count == 1, let (index, bucketCount) = buckets.first {
            appendBucket(index, bucketCount, after: 0, to: &bytes)
            return
        }
        var previous: Int32 = 0
        for index in buckets.keys.sorted() {
            appendBucket(index, buckets[index]!, after: previous, to: &bytes)
            previous = index
        }
    }

    /// A bucket: its index as a zigzag delta from the previous one, then its count.
    private func appendBucket(_ index: Int32, _ bucketCount: UInt64, after previous: Int32, to bytes: inout [UInt8]) {
        let delta = Int64(index) - Int64(previous)
        Self.appendVarint(UInt64(bitPattern: (delta << 1) ^ (delta >> 63)), to: &bytes)
        Self.appendVarint(bucketCount, to: &bytes)
    }

    /// Reads bytes made by `encoded()`; nil when they are not exactly one sketch.
    public init?(encoded bytes: [UInt8]) {
        self.init()
        let read = bytes.withUnsafeBytes { raw -> Bool in
            var reader = ByteReader(bytes: raw)
            return mergeOne(from: &reader) && reader.atEnd
        }
        guard read else { return nil }
    }

    /// Merges every sketch in `bytes`, which holds one or more sketches made by `encoded()` one
    /// after another (as Postgres's `string_agg` of a `bytea` column returns them). Returns false,
    /// with the sketch unchanged, when the bytes are not such a sequence.
    public mutating func merge(concatenated bytes: UnsafeRawBufferPointer) -> Bool {
        // Bucket counts add up in a dense array over the indexes latencies use (about 10⁻⁹ to 10⁹
        // ms), then go into the dictionary once: thousands of sketches cost one pass over their bytes.
        var dense = DenseBuckets()
        var merged = self
        var reader = ByteReader(bytes: bytes)
        while !reader.atEnd {
            guard merged.mergeOne(from: &reader, into: &dense) else { return false }
        }
        dense.add(to: &merged.buckets)
        self = merged
        return true
    }

    /// Reads one encoded sketch from `reader` and adds it to this one; false when it is malformed
    /// (this sketch may then hold part of it: callers merge into a copy).
    private mutating func mergeOne(from reader: inout ByteReader) -> Bool {
        var dense = DenseBuckets(capacity: 0)
        guard mergeOne(from: &reader, into: &dense) else { return false }
        dense.add(to: &buckets)
        return true
    }

    /// As `mergeOne(from:)`, with the bucket counts added to `dense` (or to `buckets` when outside it).
    private mutating func mergeOne(from reader: inout ByteReader, into dense: inout DenseBuckets) -> Bool {
        guard let version = reader.byte(), version == Self.version || version == Self.versionWithDoubleSum,
              let count = reader.varint() else { return false }
        guard count > 0 else { return true }
        guard let zeroCount = reader.varint(), let minimum = reader.double(), let maximum = reader.double() else { return false }
        let sumUnits: Int64
        if version == Self.versionWithDoubleSum {
            guard let sum = reader.double() else { return false }
            sumUnits = Self.units(sum)
        } else {
            guard let zigzag = reader.varint() else { return false }
            sumUnits = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        }
        guard let bucketCount = reader.varint(), bucketCount <= UInt64(reader.remaining) else { return false }
        var previous: Int64 = 0
        var total = zeroCount
        for _ in 0..<bucketCount {
            guard let zigzag = reader.varint(), let bucket = reader.varint() else { return false }
            let delta = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            previous += delta
            guard let index = Int32(exactly: previous) else { return false }
            if !dense.add(bucket, at: index) { buckets[index, default: 0] += bucket }
            total += bucket
        }
        guard total == count else { return false }
        self.zeroCount += zeroCount
        self.count += count
        self.minimum = Swift.min(self.minimum, minimum)
        self.maximum = Swift.max(self.maximum, maximum)
        self.sumUnits = Self.adding(self.sumUnits, sumUnits)
        return true
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

/// Bucket counts by index over a fixed window of indexes, for merging many sketches at once.
private struct DenseBuckets {
    static let lowest: Int32 = -4096
    var counts: [UInt64]
    /// The slots written so far lie in `low..<high`.
    var low = Int.max
    var high = Int.min

    init(capacity: Int = 8192) {
        counts = [UInt64](repeating: 0, count: capacity)
    }

    /// Adds `count` at `index`; false when the index is outside the window.
    mutating func add(_ count: UInt64, at index: Int32) -> Bool {
        let slot = Int(index) - Int(Self.lowest)
        guard slot >= 0, slot < counts.count else { return false }
        counts[slot] += count
        low = Swift.min(low, slot)
        high = Swift.max(high, slot + 1)
        return true
    }

    /// Adds every non-zero count to `buckets`.
    func add(to buckets: inout [Int32: UInt64]) {
        guard low < high else { return }
        for slot in low..<high where counts[slot] > 0 {
            buckets[Int32(slot) + Self.lowest, default: 0] += counts[slot]
        }
    }
}

private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    var atEnd: Bool { position == bytes.count }
    var remaining: Int { bytes.count - position }

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
