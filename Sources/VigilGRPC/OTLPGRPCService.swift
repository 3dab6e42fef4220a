public import GRPCCore
public import Logging
public import VigilCollector
internal import VigilCore
public import VigilIngest

/// The OTLP/gRPC collectors: `opentelemetry.proto.collector.{trace,metrics,logs}.v1.*Service/Export`,
/// unary calls whose request is decoded, limited and committed by `OTLPIntake` exactly as an
/// OTLP/HTTP protobuf body is, and answered only after the commit. The key is the `authorization`
/// metadata (`Bearer <key>`), checked by `KeyGate` for the ingest permission; gzip is undone by
/// the transport. A message over `maxMessageBytes` (once inflated) is `RESOURCE_EXHAUSTED`
/// without `RetryInfo`, so SDKs drop it rather than retry it.
public struct OTLPGRPCService: RegistrableRPCService {
    /// The method of each signal.
    public static let methods: [OTLPSignal: MethodDescriptor] = [
        .traces: MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.trace.v1.TraceService", method: "Export", type: .unary),
        .metrics: MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.metrics.v1.MetricsService", method: "Export", type: .unary),
        .logs: MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.logs.v1.LogsService", method: "Export", type: .unary),
    ]

    private let intake: OTLPIntake
    private let gate: KeyGate
    private let logger: Logger
    private let maxMessageBytes: Int

    /// Takes exports of up to `maxMessageBytes` into `intake`, from keys `gate` admits.
    public init(intake: OTLPIntake, gate: KeyGate, maxMessageBytes: Int, logger: Logger) {
        self.intake = intake
        self.maxMessageBytes = maxMessageBytes
        self.gate = gate
        self.logger = logger
    }

    /// Registers the three Export methods.
    public func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for signal in OTLPSignal.allCases {
            guard let method = Self.methods[signal] else { continue }
            router.registerHandler(forMethod: method, deserializer: RawBytesDeserializer(), serializer: RawBytesSerializer()) { request, _ in
                do {
                    let response = try await export(signal: signal, request: request)
                    return StreamingServerResponse(single: ServerResponse(message: response))
                } catch {
                    throw GRPCStatusMapping.rpcError(for: error, method: method.fullyQualifiedMethod, logger: logger)
                }
            }
        }
    }

    func export(signal: OTLPSignal, request: StreamingServerRequest<[UInt8]>) async throws -> [UInt8] {
        let authorization = request.metadata[stringValues: "authorization"].first { _ in true }
        let principal = try await gate.admit(authorization: authorization, requiring: .ingestTelemetry, logger: logger)
        try await intake.admitSpend(principal)
        let single = try await ServerRequest(stream: request)
        guard single.message.count <= maxMessageBytes else {
            throw VigilError(.tooLarge, "the message has \(single.message.count) bytes (inflated), more than the limit of \(maxMessageBytes); send smaller batches")
        }
        return try await intake.export(signal: signal, format: .protobuf, body: single.message, gzipped: false, principal: principal)
    }
}
