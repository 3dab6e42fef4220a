/// Embedding vectors as stored: float32, little-endian.
public enum EmbeddingVector {
    /// The stored bytes of `values`.
    public static func bytes(_ values: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The values of stored bytes, appended to `values`; false when the length is not a multiple of 4.
    public static func append(_ bytes: UnsafeRawBufferPointer, to values: inout [Float]) -> Bool {
        guard bytes.count % 4 == 0 else { return false }
        values.reserveCapacity(values.count + bytes.count / 4)
        var offset = 0
        while offset < bytes.count {
            let bits = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            values.append(Float(bitPattern: bits))
            offset += 4
        }
        return true
    }
}
