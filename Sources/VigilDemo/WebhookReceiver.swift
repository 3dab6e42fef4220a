internal import Foundation
internal import Hummingbird
internal import Logging
internal import NIOCore

/// A webhook receiver inside the demo: listens where the rule files' webhook receivers point,
/// prints each notification as one line and answers 200.
public struct WebhookReceiver: Sendable {
    /// Where to listen, and the receivers (by name) that post there.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        /// A loopback host.
        public var host: String
        /// The port.
        public var port: Int
        /// The receivers that post to it.
        public var receivers: [String]

        /// An address.
        public init(host: String, port: Int, receivers: [String] = []) {
            self.host = host
            self.port = port
            self.receivers = receivers
        }

        /// `host:port`.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    private let address: Address
    private let output: DemoOutput
    private let tally: DemoTally

    /// A receiver at `address`, printing to `output` and recording in `tally`.
    public init(address: Address, output: DemoOutput, tally: DemoTally) {
        self.address = address
        self.output = output
        self.tally = tally
    }

    /// Listens until the task is cancelled. When the port is taken, says so and returns.
    public func run() async {
        let router = Router()
        let name = address.receivers.isEmpty ? address.description : address.receivers.joined(separator: "/")
        let output = output
        let tally = tally
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 4 << 20)
            let line = WebhookLine.describe(Array(body.readableBytesView), receiver: name)
            output.line(line)
            await tally.received(line)
            return Response(status: .ok)
        }
        var logger = Logger(label: "vigil.demo.receiver")
        logger.logLevel = .critical
        let address = address
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "vigil-demo"),
            onServerRunning: { _ in output.line("Listening for webhooks of \(name) on http://\(address)") },
            logger: logger
        )
        do {
            try await application.runService(gracefulShutdownSignals: [])
        } catch {
            if !Task.isCancelled {
                output.line("Cannot listen on \(address) for \(name) (\(Self.describe(error))); going on without that receiver.")
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") { return "the port is in use" }
        return text
    }
}
