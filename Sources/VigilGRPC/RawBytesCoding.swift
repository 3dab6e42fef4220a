internal import GRPCCore

/// A gRPC message as the bytes it came in: OTLP exports are decoded by `OTLPIntake`, exactly as
/// an OTLP/HTTP body is, so both transports read the same protobuf the same way.
struct RawBytesDeserializer: MessageDeserializer {
    typealias Message = [UInt8]

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// Sends bytes already encoded (an Export*ServiceResponse from `OTLPResponse`).
struct RawBytesSerializer: MessageSerializer {
    typealias Message = [UInt8]

    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}
