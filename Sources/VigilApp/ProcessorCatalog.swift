public import Logging
public import VigilEventLog
internal import VigilCore
internal import VigilProcessors

/// The one list of Vigil's processors: `vigil serve` runs them, `vigil replay` rebuilds them and
/// `vigil status` shows them. A new processor is added here and nowhere else.
public struct ProcessorCatalog: Sendable {
    private let configuration: VigilConfiguration

    /// The processors as `configuration` sets them up (the price table among them).
    public init(configuration: VigilConfiguration) {
        self.configuration = configuration
    }

    /// Every processor's name, in the order they run.
    public static let names = ["rollup", "samples", "audit", "drift_reports", "silences"]

    /// Every processor.
    /// - Throws: `.configuration` when the price table cannot be loaded.
    func all() throws -> [any Processor] {
        try Self.names.map(processor(named:))
    }

    /// The processor called `name`.
    /// - Throws: `.invalidInput` naming the processors when there is none of that name.
    func processor(named name: String) throws -> any Processor {
        switch name {
        case "rollup": return RollupProcessor(prices: try configuration.loadPrices())
        case "samples": return SamplesProcessor()
        case "audit": return AuditProcessor()
        case "drift_reports": return DriftReportProcessor()
        case "silences": return SilenceProcessor()
        default: throw VigilError(.invalidInput, "no processor named \(name); processors: \(Self.names.joined(separator: ", "))")
        }
    }

    /// A runner for each processor, following the log live (for `vigil serve`).
    func runners(database: Database, readiness: Readiness, logger: Logger) throws -> [ProcessorRunner] {
        try all().map { processor in
            ProcessorRunner(
                processor: processor,
                database: database,
                batchSize: Int64(configuration.processing.batchSize),
                pollInterval: configuration.processing.pollInterval,
                readiness: readiness,
                logger: logger
            )
        }
    }

    /// Empties the named processors' projections and rebuilds them from the start of the log,
    /// one after another; returns each one's offset when it finished.
    public func replay(_ names: [String], database: Database, logger: Logger) async throws -> [(name: String, offset: Int64)] {
        let processors = try names.map(processor(named:))
        var finished: [(name: String, offset: Int64)] = []
        for processor in processors {
            let runner = ProcessorRunner(processor: processor, database: database, batchSize: Int64(configuration.processing.replayBatchSize), logger: logger)
            let offset = try await database.withConnection { connection in
                try await runner.reset(on: connection)
                return try await runner.runToHead(on: connection)
            }
            finished.append((processor.name, offset))
        }
        return finished
    }

    /// Where one processor stands.
    public struct Standing: Sendable {
        /// The processor.
        public var name: String
        /// The last sequence number it applied.
        public var offset: Int64
        /// Events it still has to read.
        public var lag: Int64
        /// When it last moved, RFC 3339.
        public var updatedAt: String
    }

    /// The log's head and where each processor stands.
    public static func status(database: Database, logger: Logger) async throws -> (head: Int64, processors: [Standing]) {
        let (head, rows) = try await database.withConnection { connection in
            try await ProcessorStatus.rows(on: connection, logger: logger)
        }
        return (head, rows.map { Standing(name: $0.name, offset: $0.offset, lag: $0.lag, updatedAt: $0.updatedAt) })
    }
}
