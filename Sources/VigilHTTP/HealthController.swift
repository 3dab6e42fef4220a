public import Hummingbird
internal import Logging
internal import NIOCore
public import Prometheus
internal import VigilCore
public import VigilEventLog

/// `/healthz` (the process answers), `/readyz` (the database answers) and `/metrics`
/// (Prometheus text about Vigil itself). None needs a key.
public struct HealthController: Sendable {
    private let executor: any QueryExecutor
    private let registry: PrometheusCollectorRegistry

    /// Makes the controller; `executor` is pinged for readiness, `registry` rendered for /metrics.
    public init(executor: any QueryExecutor, registry: PrometheusCollectorRegistry) {
        self.executor = executor
        self.registry = registry
    }

    /// Adds the routes to `router`.
    public func addRoutes(to router: Router<VigilRequestContext>) {
        router.get("/healthz") { _, _ in
            Response.json("{\"status\":\"ok\"}")
        }
        router.get("/readyz") { _, context in
            do {
                try await executor.ping(logger: context.logger)
                return Response.json("{\"status\":\"ready\"}")
            } catch {
                // What the database said stays in the log (with the request id): it may name the host, user or database.
                context.logger.error("readiness check failed", metadata: ["vigil.error": "\(Database.describe(error))"])
                throw VigilError(.unavailable, "the database does not answer", retryAfterSeconds: 1)
            }
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
