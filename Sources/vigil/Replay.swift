import ArgumentParser
import VigilApp
import VigilCore
import VigilEventLog

/// `vigil replay NAME…` or `vigil replay --all`: rebuild processors' projections from sequence zero.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Empty processors' projections and rebuild them from the start of the log (reprices history with the current price table)."
    )

    @Argument(help: "The processors: \(ProcessorCatalog.names.joined(separator: ", ")).")
    var names: [String] = []

    @Flag(help: "Rebuild every processor.")
    var all = false

    func validate() throws {
        if all == !names.isEmpty {
            throw ValidationError("name the processors to rebuild (\(ProcessorCatalog.names.joined(separator: ", "))) or pass --all")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let catalog = ProcessorCatalog(configuration: context.configuration)
            let finished = try await context.withDatabase { prepared in
                try await catalog.replay(all ? ProcessorCatalog.names : names, database: Database(url: prepared.url, logger: context.logger), logger: context.logger)
            }
            for (name, offset) in finished {
                print("replayed \(name) through sequence \(offset)")
            }
        }
    }
}
