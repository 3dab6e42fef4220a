public import Logging
internal import Metrics
public import PostgresNIO
public import ServiceLifecycle
public import VigilCore
public import VigilEventLog

/// Runs one processor: reads its offset, applies the next range of the log and moves the offset
/// in one transaction, repeats while it is behind, then sleeps until the appender's NOTIFY or the
/// polling interval. The offset row is locked for each batch, so two runners of the same processor
/// (two Vigil processes, or `vigil replay` beside a server) take turns and never count a range twice.
/// When it is more than a batch behind, it reads the next batch on a second connection while the
/// current one is written, so Postgres and Vigil work at the same time.
public struct ProcessorRunner: Service {
    private let processor: any Processor
    private let database: Database
    private let batchSize: Int64
    private let pollInterval: Duration
    private let clock: any Clock<Duration>
    private let readiness: Readiness?
    private let deadline: ConnectionDeadline.Limits
    private let logger: Logger

    /// Makes a runner. `batchSize` is the span of sequence numbers one transaction takes. The
    /// runner reports each catch-up to `readiness`; one that makes no progress for `stallLimit`
    /// counts as stuck, and one whose catch-up outlasts `deadline` is abandoned and retried.
    public init(
        processor: any Processor,
        database: Database,
        batchSize: Int64 = 5_000,
        pollInterval: Duration = .seconds(1),
        clock: any Clock<Duration> = ContinuousClock(),
        readiness: Readiness? = nil,
        stallLimit: Duration = .seconds(120),
        deadline: Duration = .seconds(600),
        logger: Logger
    ) {
        self.processor = processor
        self.database = database
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.clock = clock
        self.readiness = readiness
        self.deadline = ConnectionDeadline.Limits(timeout: deadline)
        self.logger = logger
        readiness?.register("processor.\(processor.name)", stallLimit: stallLimit)
    }

    private var readinessName: String { "processor.\(processor.name)" }

    /// Follows the log until shutdown; database failures are logged and retried.
    public func run() async throws {
        let wakeup = Wakeup()
        let lag = Gauge(label: "vigil_processor_lag_events", dimensions: [("processor", processor.name)])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await EventNotifications(database: database, clock: clock, logger: logger).listen(ringing: wakeup) }
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        try await database.withConnection { writer in
                            try await database.withConnection { reader in
                                while !Task.isCancelled {
                                    let progress = try await ConnectionDeadline.run(watching: [writer, reader], limits: deadline, what: "processor \(processor.name)") {
                                        try await catchUp(processor, writer: writer, reader: reader) { progress in
                                            lag.record(progress.head - progress.offset)
                                            readiness?.succeeded(readinessName)
                                        }
                                    }
                                    readiness?.succeeded(readinessName)
                                    if progress.offset >= progress.head {
                                        await wakeup.wait(upTo: pollInterval, clock: clock)
                                    }
                                }
                                return true
                            }
                        }
                    } catch {
                        if Task.isCancelled { break }
                        readiness?.failed(readinessName, "cannot apply the log")
                        logger.error("processor failed; retrying", metadata: ["vigil.processor": "\(processor.name)", "vigil.error": "\(Database.describe(error))"])
                        try? await clock.sleep(for: .seconds(1))
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Where a processor stands after a step.
    public struct Progress: Sendable, Equatable {
        /// Its offset: the last sequence number it has applied.
        public var offset: Int64
        /// The highest sequence number in the log when the step ran.
        public var head: Int64
    }

    /// Applies at most one batch and returns the new offset and the head.
    public func step(on connection: PostgresConnection) async throws -> Progress {
        try await step(processor, on: connection)
    }

    private func step<P: Processor>(_ processor: P, on connection: PostgresConnection) async throws -> Progress {
        try await step(processor, on: connection, prefetched: nil, size: batchSize).progress
    }

    /// Applies batches until the processor has caught up with the head it saw last. Returns the offset.
    @discardableResult
    public func runToHead(on connection: PostgresConnection) async throws -> Int64 {
        try await database.withConnection { reader in
            try await catchUp(processor, writer: connection, reader: reader) { _ in }.offset
        }
    }

    /// Empties the processor's projections and sets its offset to zero, in one transaction;
    /// follow with `runToHead` to rebuild. A live runner elsewhere notices and rebuilds too, taking turns.
    public func reset(on connection: PostgresConnection) async throws {
        try await connection.transaction(logger: logger) { transaction in
            _ = try await Self.lockOffset(processor.name, on: transaction, logger: logger)
            // One statement for every table (measured 11 ms; one statement per table once took 1.3 s).
            if !processor.projectionTables.isEmpty {
                try await transaction.query(PostgresQuery(unsafeSQL: "TRUNCATE \(processor.projectionTables.joined(separator: ", "))"), logger: logger)
            }
            try await transaction.query(
                "UPDATE consumer_offsets SET seq = 0, resets = resets + 1, updated_at = now() WHERE consumer = \(processor.name)", logger: logger
            )
            return true
        }
    }

    /// Steps until the offset reaches the head seen. While whole batches lie beyond the one being
    /// applied, the next two are read on `reader` during its transaction (the connection runs
    /// their queries in turn, so Postgres starts the second while Vigil still folds the first);
    /// a read is used only if the step before it ends exactly where it begins (another runner
    /// may take a turn), and the reads are dropped otherwise.
    private func catchUp<P: Processor>(_ processor: P, writer: PostgresConnection, reader: PostgresConnection, progressed: (Progress) -> Void) async throws -> Progress {
        // Where the first step will begin, as far as can be seen without its lock. When more than
        // a batch lies beyond it, that first step is an eighth of a batch, so the reads after it
        // start the pipeline without waiting for a whole batch to be read and written first.
        var head = try await EventReader(executor: reader, logger: logger).head()
        var coming: ClosedRange<Int64>?
        var size = batchSize
        for try await offset in try await reader.query(
            "SELECT seq FROM consumer_offsets WHERE consumer = \(processor.name)", logger: logger
        ).decode(Int64.self) where head - offset > batchSize {
            size = max(1, batchSize / 8)
            coming = (offset + 1)...(offset + size)
        }
        var prefetched: (range: ClosedRange<Int64>, input: P.Input)?
        var ahead: [(range: ClosedRange<Int64>, read: Task<P.Input, any Error>)] = []
        do {
            while true {
                while ahead.count < 2, let last = ahead.last?.range ?? coming, head - last.upperBound >= batchSize {
                    let range = (last.upperBound + 1)...(last.upperBound + batchSize)
                    ahead.append((range, Task { [logger] in
                        try await processor.read(after: range.lowerBound - 1, through: range.upperBound, on: reader, logger: logger)
                    }))
                }
                let (progress, batch) = try await step(processor, on: writer, prefetched: prefetched, size: size)
                size = batchSize
                progressed(progress)
                guard batch != nil, progress.offset < progress.head else {
                    await Self.drop(ahead)
                    return progress
                }
                head = progress.head
                if let first = ahead.first, progress.offset == first.range.lowerBound - 1 {
                    ahead.removeFirst()
                    coming = first.range
                    prefetched = (first.range, try await first.read.value)
                } else {
                    await Self.drop(ahead)
                    ahead = []
                    coming = head - progress.offset >= batchSize ? (progress.offset + 1)...(progress.offset + batchSize) : nil
                    prefetched = nil
                }
            }
        } catch {
            await Self.drop(ahead)
            throw error
        }
    }

    /// Cancels reads no step will use and waits for them, so none is left on the reader connection.
    private static func drop<Input>(_ reads: [(range: ClosedRange<Int64>, read: Task<Input, any Error>)]) async {
        for entry in reads { entry.read.cancel() }
        for entry in reads { _ = try? await entry.read.value }
    }

    /// One batch of at most `size` sequence numbers in one transaction, using `prefetched` when it is the batch's range.
    private func step<P: Processor>(_ processor: P, on connection: PostgresConnection, prefetched: (range: ClosedRange<Int64>, input: P.Input)?, size: Int64) async throws -> (progress: Progress, batch: ProcessorBatch?) {
        do {
            let (progress, applied) = try await connection.transaction(logger: logger) { transaction -> (Progress, ProcessorBatch?) in
                let (offset, resets) = try await Self.lockOffset(processor.name, on: transaction, logger: logger)
                let head = try await EventReader(executor: transaction, logger: logger).head()
                guard head > offset else { return (Progress(offset: offset, head: head), nil) }
                let batch = ProcessorBatch(after: offset, through: min(head, offset + size), resets: resets)
                let input: P.Input
                if let prefetched, prefetched.range == (batch.after + 1)...batch.through {
                    input = prefetched.input
                } else {
                    input = try await processor.read(after: batch.after, through: batch.through, on: transaction, logger: logger)
                }
                try await processor.apply(batch, input: input, on: transaction, logger: logger)
                try await transaction.query(
                    "UPDATE consumer_offsets SET seq = \(batch.through), updated_at = now() WHERE consumer = \(processor.name)", logger: logger
                )
                return (Progress(offset: batch.through, head: head), batch)
            }
            if let applied { processor.committed(applied) }
            return (progress, applied)
        } catch {
            processor.rolledBack()
            throw error
        }
    }

    /// Locks the processor's offset row for the transaction; returns its offset and reset count.
    private static func lockOffset(_ name: String, on transaction: PostgresConnection, logger: Logger) async throws -> (seq: Int64, resets: Int64) {
        try await transaction.query("INSERT INTO consumer_offsets (consumer) VALUES (\(name)) ON CONFLICT DO NOTHING", logger: logger)
        for try await (seq, resets) in try await transaction.query(
            "SELECT seq, resets FROM consumer_offsets WHERE consumer = \(name) FOR UPDATE", logger: logger
        ).decode((Int64, Int64).self) {
            return (seq, resets)
        }
        throw VigilError(.unavailable, "the offset of processor \(name) could not be read")
    }
}

/// Where each processor stands: for `vigil status`.
public enum ProcessorStatus {
    /// One processor's offset, lag and last update.
    public struct Row: Sendable {
        /// The processor.
        public var name: String
        /// The last sequence number it applied.
        public var offset: Int64
        /// Events it still has to read.
        public var lag: Int64
        /// When it last moved, RFC 3339.
        public var updatedAt: String
    }

    /// Every processor's row, and the log's head.
    public static func rows(on executor: any QueryExecutor, logger: Logger) async throws -> (head: Int64, rows: [Row]) {
        let head = try await EventReader(executor: executor, logger: logger).head()
        var rows: [Row] = []
        for try await (name, offset, updated) in try await executor.execute("""
            SELECT consumer, seq, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM consumer_offsets ORDER BY consumer
            """, logger: logger).decode((String, Int64, String).self) {
            rows.append(Row(name: name, offset: offset, lag: max(0, head - offset), updatedAt: updated))
        }
        return (head, rows)
    }
}
