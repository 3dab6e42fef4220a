internal import CZlib
internal import VigilCore

/// Inflates gzip request bodies with a hard limit on the inflated size, so a small body that
/// inflates to gigabytes (a gzip bomb) is refused after `limit` bytes, not after memory runs out.
public enum Gzip {
    /// Inflates `compressed` (gzip, or zlib when `format` says so).
    /// - Throws: `VigilError` `.tooLarge` past `limit` inflated bytes, `.invalidInput` for corrupt data.
    public static func inflate(_ compressed: [UInt8], limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: a gzip header and trailer, with the largest window.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw VigilError(.unavailable, "could not start the gzip decoder")
        }
        defer { inflateEnd(&stream) }

        var output = [UInt8]()
        output.reserveCapacity(min(limit, max(compressed.count * 4, 4096)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = compressed
        let total = input.count
        var finished = false

        try input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(total)
            while !finished {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = UInt32(chunkBuffer.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > limit {
                    throw VigilError(.tooLarge, "the gzip body inflates past the limit of \(limit) bytes")
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    finished = true
                case Z_OK:
                    if stream.avail_in == 0 && produced == 0 {
                        throw VigilError(.invalidInput, "the gzip body is truncated")
                    }
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 {
                        throw VigilError(.invalidInput, "the gzip body is truncated")
                    }
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw VigilError(.invalidInput, "the body is not valid gzip: \(reason)")
                }
            }
        }
        return output
    }

    /// Compresses `data` as gzip. Used by tests and the benchmark client.
    public static func deflate(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return []
        }
        defer { deflateEnd(&stream) }
        var input = data
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            var status: Int32 = Z_OK
            while status != Z_STREAM_END {
                status = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = UInt32(chunkBuffer.count)
                    return CZlib.deflate(&stream, Z_FINISH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if status != Z_OK && status != Z_STREAM_END { return }
            }
        }
        return output
    }
}
