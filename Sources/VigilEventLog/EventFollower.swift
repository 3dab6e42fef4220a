public import Logging
public import VigilCore

/// Follows the log from a sequence number onwards, for the processors: reads in batches while
/// there is more, then sleeps until a NOTIFY from the appender or the polling interval, whichever
/// comes first. A lost LISTEN connection only slows it to polling until it reconnects.
public struct EventFollower: Sendable {
    private let reader: EventReader
    private let database: Database
    private let batchSize: Int
    private let pollInterval: Duration
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// Makes a follower reading through `reader` and listening through its own connection from `database`.
    public init(reader: EventReader, database: Database, batchSize: Int = 1000, pollInterval: Duration = .seconds(1), clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.reader = reader
        self.database = database
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.clock = clock
        self.logger = logger
    }

    /// Calls `handle` with each batch after `seq`, in order, until cancelled or `handle` throws.
    public func follow(after seq: Int64, handle: @escaping @Sendable ([StoredEvent]) async throws -> Void) async throws {
        let wakeup = Wakeup()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await EventNotifications(database: database, clock: clock, logger: logger).listen(ringing: wakeup) }
            group.addTask {
                var last = seq
                while !Task.isCancelled {
                    let batch = try await reader.read(after: last, limit: batchSize)
                    if let newest = batch.last {
                        try await handle(batch)
                        last = newest.seq
                        if batch.count == batchSize { continue }
                    }
                    await wakeup.wait(upTo: pollInterval, clock: clock)
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
