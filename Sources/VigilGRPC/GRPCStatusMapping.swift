public import GRPCCore
internal import GRPCProtobuf
public import Logging
public import VigilCore
internal import VigilEventLog

/// What a failed export answers over gRPC, as the OTLP specification asks: a retryable failure
/// (`UNAVAILABLE` under backpressure or while the database is away, `RESOURCE_EXHAUSTED` over a
/// rate or spend limit) carries `RetryInfo` with the delay in `grpc-status-details-bin`, which the
/// SDKs honour; a refusal that retrying cannot fix carries none (`INVALID_ARGUMENT`,
/// `UNAUTHENTICATED`, `PERMISSION_DENIED`, `RESOURCE_EXHAUSTED` for a message over the size
/// limit). A refusal of the client's making keeps its message; a failure of Vigil's own is
/// logged and answered with a generic one, never the database's words.
public enum GRPCStatusMapping {
    /// The gRPC error for `error`, thrown by the export of `method`.
    public static func rpcError(for error: any Error, method: String, logger: Logger) -> any Error {
        switch error {
        case let known as RPCError:
            // The transport's own: over the size limit, a stream cut short, a deadline.
            return known
        case let vigil as VigilError:
            return status(for: vigil, method: method, logger: logger)
        case _ where DatabaseFault.isStatementTimeout(error):
            return status(for: DatabaseFault.statementTimedOut, method: method, logger: logger)
        default:
            logger.error("gRPC export failed", metadata: ["vigil.method": "\(method)", "vigil.error": "\(String(reflecting: error))"])
            return RPCError(code: .internalError, message: "internal error; Vigil logged it with the method \(method)")
        }
    }

    /// The status of a `VigilError`.
    static func status(for error: VigilError, method: String, logger: Logger) -> any Error {
        let code = code(for: error.code)
        switch code {
        case .unavailable, .internalError:
            logger.warning("gRPC export refused", metadata: ["vigil.method": "\(method)", "vigil.reason": "\(error.message)"])
            let message = error.code == .overloaded
                ? error.message
                : "Vigil cannot answer this right now; retry shortly"
            return code == .unavailable ? retryable(code, message, after: error.retryAfterSeconds ?? 1) : RPCError(code: code, message: message)
        case .resourceExhausted where error.code == .rateLimited:
            return retryable(code, error.message, after: error.retryAfterSeconds ?? 1)
        default:
            return RPCError(code: code, message: error.message)
        }
    }

    /// A retryable status with its delay twice: as `RetryInfo` in the `google.rpc.Status` of
    /// `grpc-status-details-bin` (where the specification and the Go and Java SDKs look), and as
    /// the `google.rpc.retryinfo-bin` trailer (where the Python SDK looks).
    static func retryable(_ code: RPCError.Code, _ message: String, after seconds: Int) -> RPCError {
        var error = RPCError(GoogleRPCStatus(code: code, message: message, details: .retryInfo(delay: .seconds(seconds))))
        error.metadata.addBinary(retryInfo(seconds: seconds), forKey: "google.rpc.retryinfo-bin")
        return error
    }

    /// `google.rpc.RetryInfo { retry_delay: google.protobuf.Duration { seconds } }` in protobuf.
    static func retryInfo(seconds: Int) -> [UInt8] {
        var duration: [UInt8] = [0x08]  // field 1 (seconds), varint
        var value = UInt64(max(0, seconds))
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            duration.append(value == 0 ? low : low | 0x80)
        } while value != 0
        return [0x0A, UInt8(duration.count)] + duration  // field 1 (retry_delay), length-delimited
    }

    /// The gRPC code of a `VigilError` code.
    public static func code(for code: VigilError.Code) -> RPCError.Code {
        switch code {
        case .invalidInput, .unsupportedMediaType: .invalidArgument
        case .tooLarge: .resourceExhausted
        case .unauthenticated: .unauthenticated
        case .forbidden: .permissionDenied
        case .notFound: .notFound
        case .conflict: .alreadyExists
        case .rateLimited: .resourceExhausted
        case .overloaded, .unavailable: .unavailable
        default: .internalError
        }
    }
}
