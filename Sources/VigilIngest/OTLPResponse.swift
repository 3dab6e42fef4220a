internal import SwiftProtobuf
internal import VigilOTLPProto

/// Encodes OTLP/HTTP response bodies: the Export*ServiceResponse of a success, with
/// `partial_success` when items were refused, and the `google.rpc.Status` of a failure,
/// each in the request's own format.
public enum OTLPResponse {
    /// The body of a 200 answer to an export of `signal`.
    public static func success(signal: OTLPSignal, format: OTLPFormat, rejected: Int, message: String?) -> [UInt8] {
        switch signal {
        case .traces:
            var response = OTLPExportTraceServiceResponse()
            if rejected > 0 || message != nil {
                response.partialSuccess.rejectedSpans = Int64(rejected)
                response.partialSuccess.errorMessage = message ?? ""
            }
            return encode(response, format)
        case .metrics:
            var response = OTLPExportMetricsServiceResponse()
            if rejected > 0 || message != nil {
                response.partialSuccess.rejectedDataPoints = Int64(rejected)
                response.partialSuccess.errorMessage = message ?? ""
            }
            return encode(response, format)
        case .logs:
            var response = OTLPExportLogsServiceResponse()
            if rejected > 0 || message != nil {
                response.partialSuccess.rejectedLogRecords = Int64(rejected)
                response.partialSuccess.errorMessage = message ?? ""
            }
            return encode(response, format)
        }
    }

    /// The body of an error answer: a `google.rpc.Status` with `code` (a gRPC code) and `message`.
    public static func status(code: Int32, message: String, format: OTLPFormat) -> [UInt8] {
        var status = RPCStatus()
        status.code = code
        status.message = message
        return encode(status, format)
    }

    private static func encode<M: SwiftProtobuf.Message>(_ message: M, _ format: OTLPFormat) -> [UInt8] {
        switch format {
        case .protobuf: (try? message.serializedBytes()) ?? []
        case .json: (try? message.jsonUTF8Bytes()) ?? Array("{}".utf8)
        }
    }
}
