import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GRPCProtobuf
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf
import Testing
import VigilCollector
import VigilCore
import VigilEventLog
@testable import VigilGRPC
import VigilIngest
import VigilOTLPProto
import VigilSafety
import VigilTestSupport

/// The OTLP/gRPC collector over a real Postgres and real HTTP/2 on loopback: a gRPC client sends
/// the bytes an SDK would, and the events are in the log when the call returns.
@Suite("OTLP/gRPC collector", .serialized)
struct OTLPGRPCServiceTests {
    @Test("exports of every signal, plain and gzip, are committed before the answer; retries are stored once")
    func exports() async throws {
        try await GRPCHarness.run("grpcexports") { harness async throws in
            let spans = try traceRequest([span(trace: 1, span: 1), span(trace: 1, span: 2)])
            for _ in 0..<2 {
                let response = try OTLPExportTraceServiceResponse(serializedBytes: try await harness.export(.traces, spans, key: harness.ingestKey))
                #expect(!response.hasPartialSuccess)
            }
            _ = try await harness.export(.traces, try traceRequest([span(trace: 2, span: 1)]), key: harness.ingestKey, gzip: true)
            var metrics = OTLPExportMetricsServiceRequest()
            var gauge = OTLPMetric()
            gauge.name = "gpu.memory.used"
            var point = OTLPNumberDataPoint()
            point.timeUnixNano = UInt64(Date().timeIntervalSince1970 * 1e9)
            point.asDouble = 0.5
            gauge.gauge.dataPoints = [point]
            metrics.resourceMetrics = [OTLPResourceMetrics.with { $0.scopeMetrics = [OTLPScopeMetrics.with { $0.metrics = [gauge] }] }]
            _ = try await harness.export(.metrics, try metrics.serializedBytes(), key: harness.ingestKey)
            var logs = OTLPExportLogsServiceRequest()
            var record = OTLPLogRecord()
            record.timeUnixNano = point.timeUnixNano
            record.severityText = "ERROR"
            record.body.stringValue = "model timed out"
            logs.resourceLogs = [OTLPResourceLogs.with { $0.scopeLogs = [OTLPScopeLogs.with { $0.logRecords = [record] }] }]
            _ = try await harness.export(.logs, try logs.serializedBytes(), key: harness.ingestKey)
            #expect(try await harness.test.scalar("SELECT count(*) FROM events WHERE kind = 'span'") == 3)
            #expect(try await harness.test.scalar("SELECT count(*) FROM events WHERE kind = 'metric_point' AND body->'metric'->>'name' = 'gpu.memory.used'") == 1)
            #expect(try await harness.test.scalar("SELECT count(*) FROM events WHERE kind = 'log_record' AND body->>'body' = 'model timed out'") == 1)
        }
    }

    @Test("a partly bad export answers OK with partial_success, and only the good spans are stored")
    func partialSuccess() async throws {
        try await GRPCHarness.run("grpcpartial") { harness async throws in
            var bad = span(trace: 3, span: 1)
            bad.traceID = Data([1, 2, 3])
            let bytes = try await harness.export(.traces, try traceRequest([span(trace: 4, span: 1), bad]), key: harness.ingestKey)
            let response = try OTLPExportTraceServiceResponse(serializedBytes: bytes)
            #expect(response.partialSuccess.rejectedSpans == 1)
            #expect(response.partialSuccess.errorMessage.contains("trace_id has 3 bytes"))
            #expect(try await harness.test.scalar("SELECT count(*) FROM events WHERE kind = 'span'") == 1)
        }
    }

    @Test("refusals carry the OTLP status codes, retryable ones with RetryInfo, and store nothing")
    func refusals() async throws {
        try await GRPCHarness.run("grpcrefusals", maxMessageBytes: 64 * 1024) { harness async throws in
            let good = try traceRequest([span(trace: 5, span: 1)])
            let cases: [(String, String?, [UInt8], Bool, RPCError.Code, String)] = [
                ("no key", nil, good, false, .unauthenticated, "missing API key"),
                ("malformed key", "vgl_nope", good, false, .unauthenticated, "malformed"),
                ("unknown key", "vgl_abcdefghijkl_" + String(repeating: "a", count: 32), good, false, .unauthenticated, "unknown or revoked"),
                ("read key", harness.readKey, good, false, .permissionDenied, "role read"),
                ("truncated protobuf", harness.ingestKey, Array(good.dropLast(5)), false, .invalidArgument, "not a valid protobuf"),
                ("over the message size", harness.ingestKey, [UInt8](repeating: 0x41, count: 100 * 1024), false, .resourceExhausted, "more than the limit of 65536"),
                ("gzip that inflates past the limit", harness.ingestKey, [UInt8](repeating: 0, count: 100 * 1024), true, .resourceExhausted, "more than the limit of 65536"),
            ]
            for (name, key, body, gzip, code, mention) in cases {
                let error = await #expect(throws: RPCError.self, "\(name)") {
                    _ = try await harness.export(.traces, body, key: key, gzip: gzip)
                }
                #expect(error?.code == code, "\(name): \(String(describing: error))")
                #expect(error?.message.contains(mention) == true, "\(name): \(error?.message ?? "")")
                #expect(try error?.unpackGoogleRPCStatus()?.details.first?.retryInfo == nil, "\(name) is not retryable")
            }
            #expect(try await harness.test.scalar("SELECT count(*) FROM events WHERE kind = 'span'") == 0)
            // The server keeps working.
            _ = try await harness.export(.traces, good, key: harness.ingestKey)
            #expect(try await harness.test.scalar("SELECT count(*) FROM events WHERE kind = 'span'") == 1)
        }
    }

    @Test("a key over its items a second gets RESOURCE_EXHAUSTED with RetryInfo and its delay")
    func rateLimited() async throws {
        try await GRPCHarness.run("grpcrate") { harness async throws in
            let body = try traceRequest((1...3).map { span(trace: 6, span: $0) })
            _ = try await harness.export(.traces, body, key: harness.limitedKey)
            let error = await #expect(throws: RPCError.self) {
                _ = try await harness.export(.traces, body, key: harness.limitedKey)
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("over its limit of 3 spans") == true, "\(error?.message ?? "")")
            let retry = try error?.unpackGoogleRPCStatus()?.details.first?.retryInfo
            #expect(retry != nil && retry!.delay >= .seconds(1))
            #expect(try await harness.test.scalar("SELECT count(*) FROM events WHERE kind = 'span'") == 3)
        }
    }

    @Test("with the appender stopped an export is UNAVAILABLE with RetryInfo and a message that names nothing inside")
    func unavailable() async throws {
        try await GRPCHarness.run("grpcunavailable") { harness async throws in
            await harness.stopAppender()
            let error = await #expect(throws: RPCError.self) {
                _ = try await harness.export(.traces, try traceRequest([span(trace: 7, span: 1)]), key: harness.ingestKey)
            }
            #expect(error?.code == .unavailable)
            #expect(error?.message == "Vigil cannot answer this right now; retry shortly")
            #expect(try error?.unpackGoogleRPCStatus()?.details.first?.retryInfo?.delay == .seconds(1))
        }
    }

    @Test("every domain refusal maps to the code OTLP names; backpressure keeps its message and its delay")
    func mapping() throws {
        let logger = Logger(label: "test")
        let expected: [(VigilError.Code, RPCError.Code)] = [
            (.invalidInput, .invalidArgument), (.unsupportedMediaType, .invalidArgument), (.tooLarge, .resourceExhausted),
            (.unauthenticated, .unauthenticated), (.forbidden, .permissionDenied), (.rateLimited, .resourceExhausted),
            (.overloaded, .unavailable), (.unavailable, .unavailable), (.configuration, .internalError),
        ]
        for (domain, grpc) in expected {
            #expect(GRPCStatusMapping.code(for: domain) == grpc, "\(domain)")
        }
        let busy = GRPCStatusMapping.rpcError(for: VigilError(.overloaded, "the event log is busy", retryAfterSeconds: 2), method: "m", logger: logger)
        let error = try #require(busy as? RPCError)
        let status = try #require(try error.unpackGoogleRPCStatus())
        #expect(status.code == .unavailable && status.message == "the event log is busy")
        #expect(status.details.first?.retryInfo?.delay == .seconds(2))
        // The Python SDK's trailer: RetryInfo{retry_delay: Duration{seconds: 2}}.
        #expect(error.metadata[binaryValues: "google.rpc.retryinfo-bin"].first { _ in true } == [0x0A, 0x02, 0x08, 0x02])
        #expect(GRPCStatusMapping.retryInfo(seconds: 86_400) == [0x0A, 0x04, 0x08, 0x80, 0xA3, 0x05])
        let other = GRPCStatusMapping.rpcError(for: CocoaError(.fileNoSuchFile), method: "m", logger: logger)
        #expect((other as? RPCError)?.code == .internalError)
        #expect((other as? RPCError)?.message.contains("NSCocoaErrorDomain") == false)
    }
}

/// A gRPC collector with a pool and an appender over a fresh database, keys of each kind, and a
/// client that sends raw export messages.
struct GRPCHarness: Sendable {
    let test: TestDatabase
    let port: Int
    let ingestKey: String
    let readKey: String
    let limitedKey: String
    let appenderGroup: ServiceGroup
    let appenderTask: Task<Void, any Error>

    /// Stops the appender as a shutdown does; exports after it are refused.
    func stopAppender() async {
        await appenderGroup.triggerGracefulShutdown()
        _ = await appenderTask.result
    }

    static func run(_ label: String, maxMessageBytes: Int = 4 * 1024 * 1024, body: @Sendable (GRPCHarness) async throws -> Void) async throws {
        let test = try await TestDatabase.fresh(label)
        let keys = try await test.withConnection { connection in
            (
                try await KeyStore.create(project: "alpha", role: .ingest, name: "", on: connection, logger: test.logger).token,
                try await KeyStore.create(project: "alpha", role: .read, name: "", on: connection, logger: test.logger).token,
                try await KeyStore.create(project: "alpha", role: .ingest, name: "", limits: KeyLimits(itemsPerSecond: 3), on: connection, logger: test.logger).token
            )
        }
        let client = PostgresClient(configuration: test.url.clientConfiguration, backgroundLogger: test.logger)
        let appender = EventAppender(database: test.database, logger: test.logger)
        let limiter = RequestLimiter()
        let intake = OTLPIntake(appender: appender, limits: IngestLimits(), maxInflatedBytes: 64 * 1024 * 1024, redaction: RedactionPolicies(), limiter: limiter)
        let gate = KeyGate(keys: KeyStore(executor: client, cacheTTL: .zero, logger: test.logger), limiter: limiter)
        var configuration = GRPCCollector.Configuration()
        configuration.port = 0
        configuration.maxMessageBytes = maxMessageBytes
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let collector = GRPCCollector(configuration: configuration, services: [OTLPGRPCService(intake: intake, gate: gate, maxMessageBytes: maxMessageBytes, logger: test.logger)], logger: test.logger) { _, port in
            listening.yield(port)
        }
        let group = ServiceGroup(configuration: .init(services: [client, collector], logger: test.logger))
        let appenderGroup = ServiceGroup(configuration: .init(services: [appender], logger: test.logger))
        let appenderTask = Task { try await appenderGroup.run() }
        defer { appenderTask.cancel() }
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(GRPCHarness(test: test, port: port, ingestKey: keys.0, readKey: keys.1, limitedKey: keys.2, appenderGroup: appenderGroup, appenderTask: appenderTask))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await appenderGroup.triggerGracefulShutdown()
        _ = await appenderTask.result
    }

    /// Sends `message` to the Export method of `signal`; the response's bytes, or the RPCError.
    func export(_ signal: OTLPSignal, _ message: [UInt8], key: String?, gzip: Bool = false) async throws -> [UInt8] {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: .plaintext,
            config: .defaults { $0.compression.enabledAlgorithms = .all }
        )
        return try await withGRPCClient(transport: transport) { client in
            var metadata: Metadata = [:]
            if let key { metadata.addString("Bearer \(key)", forKey: "authorization") }
            var options = CallOptions.defaults
            if gzip { options.compression = .gzip }
            return try await client.unary(
                request: ClientRequest(message: message, metadata: metadata),
                descriptor: OTLPGRPCService.methods[signal]!,
                serializer: RawBytesSerializer(),
                deserializer: RawBytesDeserializer(),
                options: options
            ) { response in try response.message }
        }
    }
}

func span(trace: UInt8, span: UInt8) -> OTLPSpan {
    OTLPTraces.span(trace: trace, span: span)
}

func traceRequest(_ spans: [OTLPSpan]) throws -> [UInt8] {
    try OTLPTraces.request(spans)
}
