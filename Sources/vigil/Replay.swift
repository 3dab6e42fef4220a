import ArgumentParser
import VigilApp
import VigilCore
import VigilEventLog
import VigilProcessors

/// `vigil replay NAME`: rebuild a processor's projections from sequence zero.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Empty a processor's projections and rebuild them from the start of the log (reprices history with the current price table)."
    )

    @Argument(help: "The processor: rollup or samples.")
    var name: String

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let processor: any Processor
            switch name {
            case "rollup": processor = RollupProcessor(prices: try context.configuration.loadPrices())
            case "samples": processor = SamplesProcessor()
            default: throw VigilError(.invalidInput, "no processor named \(name); processors: rollup, samples")
            }
            let offset = try await context.withDatabase { prepared in
                let database = Database(url: prepared.url, logger: context.logger)
                let runner = ProcessorRunner(processor: processor, database: database, batchSize: Int64(context.configuration.processing.replayBatchSize), logger: context.logger)
                return try await database.withConnection { connection in
                    try await runner.reset(on: connection)
                    return try await runner.runToHead(on: connection)
                }
            }
            print("replayed \(name) through sequence \(offset)")
        }
    }
}
