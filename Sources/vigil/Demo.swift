import ArgumentParser
import Foundation
import VigilAlerting
import VigilApp
import VigilCore
import VigilDemo
import VigilEventLog
import VigilHTTP

/// `vigil demo`: realistic traffic from several services and models through Vigil's own
/// endpoints, with a latency incident, an error burst, a cost spike and a topic drift, and a
/// webhook receiver that prints the alerts it gets.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send realistic LLM traffic with incidents to a running Vigil and print the alerts it sends back.",
        discussion: """
            Start Vigil first (`make run`), then run `vigil demo`: it backfills an hour of traffic, pins a drift \
            baseline, then plays about four minutes of incidents. Keys for the project are created in Vigil's \
            database (same configuration as the other commands).
            """
    )

    @Option(help: "Vigil's URL (default: http:// and VIGIL_LISTEN, 127.0.0.1:4318).")
    var url: String?

    @Option(help: "The project the traffic goes to (created when new).")
    var project: String = "demo"

    @Option(help: "Normal history sent first with past timestamps, in whole minutes (e.g. 60m; 0 for none).")
    var backfill: String = "60m"

    @Option(help: "How long the live traffic runs (e.g. 6m); at least the timeline's length.")
    var duration: String = "6m"

    @Option(help: "Play the live timeline this many times faster (a beat is 15 s at 1).")
    var speed: Double = 1

    @Option(help: "Seed of the traffic: the same seed sends the same traffic.")
    var seed: UInt64 = 42

    @Option(name: .customLong("receiver"), help: "Listen for webhooks on HOST:PORT (repeatable; default: the loopback webhook receivers of the rule files).")
    var receivers: [String] = []

    @Flag(name: .customLong("no-receiver"), help: "Do not listen for webhooks.")
    var noReceiver = false

    @Flag(name: .customLong("backfill-only"), help: "Send the backfill and pin the baseline, then stop.")
    var backfillOnly = false

    func run() async throws {
        try await reportingErrors {
            guard speed >= 0.1, speed <= 100 else { throw VigilError(.invalidInput, "--speed \(speed) must be from 0.1 to 100") }
            let backfillMinutes = try Self.minutes(backfill, option: "--backfill")
            guard backfillMinutes <= 24 * 60 else { throw VigilError(.invalidInput, "--backfill \(backfill) must be at most 24h") }
            guard let live = DurationText.parse(duration), live > .zero else {
                throw VigilError(.invalidInput, "--duration \(duration) must be \(DurationText.expected)")
            }
            var timing = DemoOptions(baseURL: "", project: "", ingestKey: "", readKey: "", operateKey: "")
            timing.speed = speed
            guard backfillOnly || live >= timing.minimumDuration else {
                let (whole, fraction) = timing.minimumDuration.components
                throw VigilError(.invalidInput, "--duration \(duration) must be at least \(whole + (fraction > 0 ? 1 : 0))s at --speed \(speed), to play the whole timeline")
            }
            let trimmedProject = project.trimmingCharacters(in: .whitespaces)
            guard !trimmedProject.isEmpty else { throw VigilError(.invalidInput, "--project must not be empty") }
            let context = try CommandContext.load()
            let baseURL = try Self.baseURL(url, configuration: context.configuration)
            let addresses = noReceiver ? [] : try Self.addresses(receivers, configuration: context.configuration)

            try await DemoRunner.checkReachable(baseURL)
            let (ingest, read, operate) = try await context.withDatabase { prepared in
                try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                    let ingest = try await KeyStore.create(project: trimmedProject, role: .ingest, name: "vigil demo", on: connection, logger: context.logger)
                    let read = try await KeyStore.create(project: trimmedProject, role: .read, name: "vigil demo (read)", on: connection, logger: context.logger)
                    let operate = try await KeyStore.create(project: trimmedProject, role: .operate, name: "vigil demo (operate)", on: connection, logger: context.logger)
                    return (ingest.token, read.token, operate.token)
                }
            }
            var options = DemoOptions(baseURL: baseURL, project: trimmedProject, ingestKey: ingest, readKey: read, operateKey: operate)
            options.backfillMinutes = backfillMinutes
            options.duration = live
            options.speed = speed
            options.seed = seed
            options.receivers = addresses
            options.backfillOnly = backfillOnly
            options.dashboardsFolder = Self.dashboardsFolder()
            try await DemoRunner(options: options, output: DemoOutput()).run()
        }
    }

    /// Whole minutes of a duration option.
    static func minutes(_ text: String, option: String) throws -> Int {
        guard let parsed = DurationText.parse(text), parsed.components.seconds % 60 == 0, parsed.components.attoseconds == 0 else {
            throw VigilError(.invalidInput, "\(option) \(text) must be whole minutes, such as 60m or 2h")
        }
        return Int(parsed.components.seconds / 60)
    }

    /// `--url`, or the listen address of the configuration.
    static func baseURL(_ url: String?, configuration: VigilConfiguration) throws -> String {
        if let url {
            var trimmed = url.trimmingCharacters(in: .whitespaces)
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            guard let parsed = URL(string: trimmed), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw VigilError(.invalidInput, "--url \(url) must be an http:// URL such as http://127.0.0.1:4318")
            }
            return trimmed
        }
        let host = ["0.0.0.0", "::", ""].contains(configuration.http.host) ? "127.0.0.1" : configuration.http.host
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(configuration.http.port)"
    }

    /// Where to listen for webhooks: `--receiver` addresses, or the loopback webhook receivers of
    /// the rule files in force (VIGIL_RULES or alerts/).
    static func addresses(_ given: [String], configuration: VigilConfiguration) throws -> [WebhookReceiver.Address] {
        if !given.isEmpty {
            return try given.map { text in
                guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
                    throw VigilError(.invalidInput, "--receiver \(text) must be HOST:PORT, such as 127.0.0.1:9099")
                }
                let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                return WebhookReceiver.Address(host: host.isEmpty ? "127.0.0.1" : host, port: port)
            }
        }
        let receivers: [Receiver]
        do {
            receivers = try configuration.loadRules().current.receivers
        } catch let error as VigilError {
            FileHandle.standardError.write(Data("vigil demo: not listening for webhooks: \(error.message)\n".utf8))
            return []
        }
        var addresses: [WebhookReceiver.Address] = []
        for receiver in receivers where receiver.kind == .webhook {
            guard let url = receiver.url, let host = url.host, ["127.0.0.1", "localhost", "::1"].contains(host) else { continue }
            let port = url.port ?? (url.scheme == "https" ? 443 : 80)
            if let index = addresses.firstIndex(where: { $0.host == host && $0.port == port }) {
                addresses[index].receivers.append(receiver.name)
            } else {
                addresses.append(WebhookReceiver.Address(host: host == "localhost" ? "127.0.0.1" : host, port: port, receivers: [receiver.name]))
            }
        }
        return addresses
    }

    /// The shipped `dashboards/` folder, from the current folder or the executable's upwards.
    static func dashboardsFolder() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.path)
            directory = directory.deletingLastPathComponent()
        }
        return candidates.map { URL(fileURLWithPath: $0).appendingPathComponent("dashboards").standardizedFileURL.path }
            .first { FileManager.default.fileExists(atPath: $0 + "/overview.json") }
    }
}
