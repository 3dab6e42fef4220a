public import Hummingbird
internal import Logging
internal import NIOCore
public import Prometheus
public import VigilCore
public import VigilEventLog
public import VigilHTTPBase

/// `/healthz` (the process answers), `/readyz` (the database answers) and `/metrics`
/// (Prometheus text about Vigil itself). None needs a key.
public struct HealthController: Sendable {
    private let executor: any QueryExecutor
    private let registry: PrometheusCollectorRegistry
    private let readiness: Readiness

    /// Makes the controller; `executor` is pinged for readiness (within `pingDeadline`) and
    /// `readiness` says whether the appender, processors and evaluator do their work;
    /// `registry` is rendered for /metrics.
    public init(executor: any QueryExecutor, registry: PrometheusCollectorRegistry, readiness: Readiness, pingDeadline: Duration = .seconds(2)) {
        self.executor = executor
        self.registry = registry
        self.readiness = readiness
        self.pingDeadline = pingDeadline
    }

    private let pingDeadline: Duration

    /// Adds the routes to `router`.
    public func addRoutes(to router: Router<VigilRequestContext>) {
        router.get("/healthz") { _, _ in
            Response.json("{\"status\":\"ok\"}")
        }
        router.get("/readyz") { _, context in
            var problems = readiness.problems()
            do {
                try await executor.ping(within: pingDeadline, logger: context.logger)
            } catch {
                context.logger.warning("readiness ping failed", metadata: ["vigil.error": "\(Database.describe(error))"])
                problems.insert("database: does not answer", at: 0)
            }
            guard problems.isEmpty else {
                // Answered here, not thrown: the error middleware hides the text of every 5xx,
                // and these lines name only Vigil's own parts, never the database's words.
                var writer = JSONWriter()
                writer.beginObject()
                writer.string("status", "not ready")
                writer.beginArray("problems")
                for problem in problems { writer.string(nil, problem) }
                writer.endArray()
                writer.beginObject("error")
                writer.string("code", VigilError.Code.unavailable.rawValue)
                writer.string("message", "not ready: \(problems.joined(separator: "; "))")
                writer.endObject()
                writer.endObject()
                return Response(
                    status: .serviceUnavailable,
                    headers: [.contentType: "application/json", .retryAfter: "1"],
                    body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes))
                )
            }
            return Response.json("{\"status\":\"ready\"}")
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }

}
