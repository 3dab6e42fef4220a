public import GRPCCore
internal import GRPCNIOTransportHTTP2Posix
public import Logging
public import ServiceLifecycle
internal import VigilCore

/// The OTLP/gRPC listener as a service of `vigil serve`: plaintext HTTP/2 on `host:port`, gzip and
/// deflate accepted. The transport reads messages of up to twice `maxMessageBytes` (as sent and
/// once inflated), so a message somewhat over the limit reaches the service, which answers it
/// `RESOURCE_EXHAUSTED`; one past twice the limit has its stream reset by the transport without
/// being read further. On graceful shutdown it stops taking calls and returns once the calls in
/// flight are answered, before the appender it feeds drains.
public struct GRPCCollector: Service {
    /// Where and how large.
    public struct Configuration: Sendable, Equatable {
        /// The interface, `127.0.0.1` by default (`VIGIL_GRPC_LISTEN`).
        public var host = "127.0.0.1"
        /// The port, 4317 by default (OTLP/gRPC's); 0 picks a free one.
        public var port = 4317
        /// The largest message taken, in bytes, once inflated (`VIGIL_GRPC_MAX_MESSAGE_BYTES`).
        public var maxMessageBytes = 16 * 1024 * 1024

        /// The defaults.
        public init() {}
    }

    private let configuration: Configuration
    private let services: [any RegistrableRPCService]
    private let logger: Logger
    private let onListening: @Sendable (String, Int) -> Void

    /// Serves `services` as `configuration` says; `onListening` is called with the host and the
    /// bound port once the listener is up.
    public init(configuration: Configuration, services: [any RegistrableRPCService], logger: Logger, onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) {
        self.configuration = configuration
        self.services = services
        self.logger = logger
        self.onListening = onListening
    }

    /// Listens until graceful shutdown.
    public func run() async throws {
        let limit = min(configuration.maxMessageBytes, Int(Int32.max) / 2) * 2
        // The transport binds numeric addresses; `localhost` is the one name taken, as loopback.
        let host = configuration.host.lowercased() == "localhost" ? "127.0.0.1" : configuration.host
        let address: GRPCNIOTransportCore.SocketAddress = host.contains(":")
            ? .ipv6(host: host, port: configuration.port)
            : .ipv4(host: host, port: configuration.port)
        let server = GRPCServer(
            transport: .http2NIOPosix(address: address, transportSecurity: .plaintext, config: .defaults { config in
                config.compression.enabledAlgorithms = [.gzip, .deflate]
                config.rpc.maxRequestPayloadSize = limit
            }),
            services: services
        )
        let listen = "\(configuration.host):\(configuration.port)"
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await server.serve() }
                    if let bound = try await server.listeningAddress {
                        let port = bound.ipv4?.port ?? bound.ipv6?.port ?? configuration.port
                        logger.info("listening for OTLP/gRPC", metadata: ["vigil.grpc.port": "\(port)"])
                        onListening(configuration.host, port)
                    }
                }
            } onGracefulShutdown: {
                server.beginGracefulShutdown()
            }
        } catch {
            throw VigilError(.configuration, "the OTLP/gRPC listener on \(listen) failed (\(error)); if the port is taken, set VIGIL_GRPC_LISTEN to a free host:port, or to off")
        }
    }
}
