internal import Foundation

/// The three OTLP signals Vigil collects.
public enum OTLPSignal: String, Sendable, CaseIterable {
    /// `/v1/traces`
    case traces
    /// `/v1/metrics`
    case metrics
    /// `/v1/logs`
    case logs

    /// The OTLP/HTTP path of the signal.
    public var path: String { "/v1/\(rawValue)" }

    /// What one item of the signal is called in messages ("span", "data point", "log record").
    var itemName: String {
        switch self {
        case .traces: "span"
        case .metrics: "data point"
        case .logs: "log record"
        }
    }
}

/// The two OTLP/HTTP encodings.
public enum OTLPFormat: Sendable {
    /// `application/x-protobuf`
    case protobuf
    /// `application/json`, OTLP's JSON mapping
    case json

    /// The content type a response in this format carries.
    public var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }

    /// The format a `Content-Type` header names, or nil for any other media type.
    /// Parameters such as `charset` are ignored; the comparison is case-insensitive.
    public init?(contentType: String?) {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        switch mediaType {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }
}
