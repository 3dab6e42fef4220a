internal import Foundation
internal import HTTPTypes
public import Hummingbird
internal import Logging
internal import NIOCore
internal import VigilCore
internal import VigilEventLog
internal import VigilIngest

/// The one place errors become HTTP responses. Domain errors of the client's making (4xx) keep
/// their message (it is written for the user and says what to change); a full queue keeps its
/// own. Any other failure, a domain one that maps to a 5xx included (its message may carry what
/// the database said, its host, user or database name), is logged with the request id and
/// answered with a generic message that names the request id but never the error's text. OTLP
/// paths answer with a `google.rpc.Status` in the request's format, as the OTLP specification
/// asks; the API answers with JSON.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Makes the middleware.
    public init() {}

    /// Runs the request and converts whatever it throws.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return ErrorResponder.response(for: error, request: request, logger: context.logger)
        }
    }
}

enum ErrorResponder {
    static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        let requestID = logger[metadataKey: "hb.request.id"]?.description ?? "unknown"
        let vigilError: VigilError
        switch error {
        case let known as VigilError:
            vigilError = known
        case _ where DatabaseFault.isStatementTimeout(error):
            vigilError = DatabaseFault.statementTimedOut
        case is NIOTooManyBytesError:
            vigilError = VigilError(.tooLarge, "the body is larger than the server accepts")
        case let http as HTTPError where http.status == .notFound:
            vigilError = VigilError(.notFound, "no route for \(request.method) \(request.uri.path)")
        case let http as HTTPError where http.status == .methodNotAllowed:
            vigilError = VigilError(.notFound, "\(request.method) is not allowed on \(request.uri.path)")
        case let http as HTTPError where http.status.code < 500:
            vigilError = VigilError(.invalidInput, http.body ?? http.status.reasonPhrase)
        default:
            logger.error("request failed", metadata: ["vigil.error": "\(String(reflecting: error))"])
            vigilError = VigilError(Code.internal, "internal error; quote request id \(requestID)")
        }
        let status = status(for: vigilError.code)
        var message = vigilError.message
        if status.code >= 500, vigilError.code != Code.internal {
            logger.warning("request refused", metadata: ["vigil.status": "\(status.code)", "vigil.reason": "\(vigilError.message)"])
            if vigilError.code != .overloaded {
                message = "Vigil cannot answer this right now; retry shortly, and quote request id \(requestID) if it persists"
            }
        }
        var headers: HTTPFields = [:]
        if let seconds = vigilError.retryAfterSeconds ?? (status == .serviceUnavailable || status == .tooManyRequests ? 1 : nil) {
            headers[.retryAfter] = String(seconds)
        }
        headers[HTTPField.Name("X-Request-Id")!] = requestID
        let body: [UInt8]
        if OTLPSignal.allCases.contains(where: { $0.path == request.uri.path }) {
            let format = OTLPFormat(contentType: request.headers[.contentType]) ?? .json
            headers[.contentType] = format.contentType
            body = OTLPResponse.status(code: grpcCode(for: status), message: message, format: format)
        } else {
            headers[.contentType] = "application/json"
            var writer = JSONWriter()
            writer.beginObject()
            writer.beginObject("error")
            writer.string("code", vigilError.code.rawValue)
            writer.string("message", message)
            writer.string("request_id", requestID)
            writer.endObject()
            writer.endObject()
            body = writer.bytes
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    enum Code {
        static let `internal` = VigilError.Code(rawValue: "internal")
    }

    static func status(for code: VigilError.Code) -> HTTPResponse.Status {
        switch code {
        case .invalidInput: .badRequest
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .overloaded, .unavailable: .serviceUnavailable
        case .rateLimited: .tooManyRequests
        default: .internalServerError
        }
    }

    /// The gRPC status code OTLP's `Status.code` carries for an HTTP status.
    static func grpcCode(for status: HTTPResponse.Status) -> Int32 {
        switch status.code {
        case 400, 413, 415: 3  // INVALID_ARGUMENT
        case 401: 16  // UNAUTHENTICATED
        case 403: 7  // PERMISSION_DENIED
        case 404: 5  // NOT_FOUND
        case 429: 8  // RESOURCE_EXHAUSTED
        case 503: 14  // UNAVAILABLE
        default: 13  // INTERNAL
        }
    }
}
