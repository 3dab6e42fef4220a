/// What one delivery attempt came to, as the worker saw it.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The receiver answered with `status`; `retryAfter` is its `Retry-After` header, if any.
    case response(status: Int, retryAfter: String?)
    /// No connection could be made, or it broke before an answer.
    case connectionFailed
    /// No answer within the receiver's timeout.
    case timedOut

    /// Whether the delivery succeeded (2xx).
    public var isSuccess: Bool {
        if case .response(let status, _) = self { return (200..<300).contains(status) }
        return false
    }

    /// Whether trying again can help: connection errors, timeouts, 5xx and 429. Other answers
    /// (other 4xx, and 1xx or 3xx, which a webhook should not give) will not change on a retry.
    public var isRetryable: Bool {
        switch self {
        case .connectionFailed, .timedOut: return true
        case .response(let status, _): return status == 429 || (500..<600).contains(status)
        }
    }

    /// A short description for the notifications API and logs.
    public var summary: String {
        switch self {
        case .response(let status, _): return "HTTP \(status)"
        case .connectionFailed: return "connection failed"
        case .timedOut: return "timed out"
        }
    }
}
