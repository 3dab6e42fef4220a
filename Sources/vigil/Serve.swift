import ArgumentParser
import Logging
import Metrics
import Prometheus
import VigilApp

/// `vigil serve`: the collectors and everything behind them.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Vigil (with its own Postgres unless VIGIL_DATABASE_URL is set)."
    )

    @Option(help: "Listen address host:port (overrides VIGIL_LISTEN; default 127.0.0.1:4318).")
    var listen: String?

    @Option(help: "OTLP/gRPC listen address host:port, or off (overrides VIGIL_GRPC_LISTEN; default 127.0.0.1:4317).")
    var grpcListen: String?

    @Option(help: "Data folder (overrides VIGIL_DATA_DIR; default ./.vigil).")
    var dataDir: String?

    @Option(help: "Run only these parts, comma-separated: collector, processor (overrides VIGIL_ONLY).")
    var only: String?

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load(quietLevel: .info) { configuration in
                if let listen { try configuration.setListen(listen, source: "--listen") }
                if let grpcListen { try configuration.setGRPCListen(grpcListen, source: "--grpc-listen") }
                if let dataDir { configuration.storage.dataDirectory = dataDir }
            }
            let roles = try (only ?? context.configuration.only).map(ServeRole.parse) ?? Set(ServeRole.allCases)
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            try await VigilServer(configuration: context.configuration, registry: registry, logger: context.logger).run(roles: roles)
        }
    }
}
