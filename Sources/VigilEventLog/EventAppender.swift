public import Logging
internal import Metrics
internal import NIOCore
internal import PostgresNIO
public import ServiceLifecycle
internal import Synchronization
public import VigilCore

/// Commits events to the log with group commit: concurrent requests wait in a bounded queue and
/// share one transaction, and each caller's `append` returns only once its events are committed.
/// Runs as a service; on graceful shutdown it refuses new requests and commits what it accepted.
public final class EventAppender: Service, Sendable {
    /// How big batches and the queue may grow.
    public struct Configuration: Sendable {
        /// Events one transaction takes at most (whole requests; a larger single request goes alone).
        /// `VIGIL_APPEND_MAX_BATCH`, default 10000.
        public var maxBatchEvents: Int = 10_000
        /// Events that may wait at once; past it requests are refused as overloaded (503).
        /// `VIGIL_APPEND_QUEUE`, default 200000.
        public var maxQueuedEvents: Int = 200_000
        /// How long the appender waits for more requests before committing a batch that is not full.
        /// `VIGIL_APPEND_MAX_WAIT_MS`, default 1.
        public var maxBatchWait: Duration = .milliseconds(1)
        /// The longest one commit may take before its requests are answered 503 and the
        /// connection is dropped. `VIGIL_APPEND_COMMIT_DEADLINE_MS`, default 30000.
        public var commitDeadline: Duration = .seconds(30)

        /// The defaults.
        public init() {}
    }

    private typealias Waiter = CheckedContinuation<Void, any Error>

    private struct Pending {
        var events: [NewEvent]
        var continuation: Waiter
    }

    private let database: Database
    private let configuration: Configuration
    private let logger: Logger
    private let clock: any Clock<Duration>
    private let readiness: Readiness?
    private let queue: Mutex<AppenderQueue<Pending>>
    private let wakeup = Wakeup()
    private let committedEvents = Counter(label: "vigil_appender_events_committed_total")
    private let duplicateEvents = Counter(label: "vigil_appender_events_duplicate_total")
    private let batches = Counter(label: "vigil_appender_batches_total")
    private let refused = Counter(label: "vigil_appender_requests_refused_total")
    private let commitTimer = Metrics.Timer(label: "vigil_appender_commit_seconds")

    /// The name the appender reports under on the readiness board.
    public static let readinessName = "appender"

    /// Makes an appender writing through connections from `database`; it reports each commit's
    /// outcome to `readiness`.
    public init(database: Database, configuration: Configuration = .init(), clock: any Clock<Duration> = ContinuousClock(), readiness: Readiness? = nil, logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.clock = clock
        self.readiness = readiness
        readiness?.register(Self.readinessName, stallLimit: nil)
        self.logger = logger
        self.queue = Mutex(AppenderQueue(capacity: configuration.maxQueuedEvents))
    }

    /// Appends `events` and returns once they are committed (retried duplicates count as committed).
    /// - Throws: `VigilError` `.overloaded` when the queue is full, `.tooLarge` when the request
    ///   alone exceeds it, `.unavailable` when the database cannot commit or Vigil is stopping.
    public func append(_ events: [NewEvent]) async throws {
        guard !events.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: Waiter) in
            let admission = queue.withLock {
                $0.submit(eventCount: events.count, waiter: Pending(events: events, continuation: continuation))
            }
            switch admission {
            case .accepted:
                wakeup.ring()
            case .full(let queued):
                refused.increment()
                continuation.resume(throwing: VigilError(.overloaded, "the event log is busy (\(queued) events waiting to commit); retry shortly", retryAfterSeconds: 1))
            case .tooLarge(let capacity):
                continuation.resume(throwing: VigilError(.tooLarge, "the export holds \(events.count) items, more than the appender queue holds (\(capacity)); send smaller batches"))
            case .closed:
                continuation.resume(throwing: VigilError(.unavailable, "Vigil is shutting down; retry against another instance or after restart", retryAfterSeconds: 1))
            }
        }
    }

    /// Events waiting to commit now (for tests and metrics).
    var queuedEventCount: Int { queue.withLock { $0.queuedEvents } }

    /// Commits batches until graceful shutdown (then drains the queue) or cancellation.
    public func run() async throws {
        var connection: PostgresConnection?
        var partitions = Set<Int>()
        await withGracefulShutdownHandler {
            while !Task.isCancelled {
                let (batch, closed) = queue.withLock { queue in
                    (queue.takeBatch(maxEvents: configuration.maxBatchEvents), queue.isClosed)
                }
                if batch.isEmpty {
                    if closed { break }
                    await wakeup.wait()
                    continue
                }
                var items = batch
                if configuration.maxBatchWait > .zero, items.reduce(0, { $0 + $1.eventCount }) < configuration.maxBatchEvents, !closed {
                    try? await clock.sleep(for: configuration.maxBatchWait)
                    let already = items.reduce(0) { $0 + $1.eventCount }
                    items += queue.withLock { $0.takeBatch(maxEvents: configuration.maxBatchEvents - already) }
                }
                await commit(items.map(\.waiter), connection: &connection, partitions: &partitions)
            }
        } onGracefulShutdown: {
            self.queue.withLock { $0.close() }
            self.wakeup.ring()
        }
        let abandoned = queue.withLock { queue in
            queue.close()
            return queue.drain()
        }
        for item in abandoned {
            item.waiter.continuation.resume(throwing: VigilError(.unavailable, "Vigil stopped before committing this export; retry", retryAfterSeconds: 1))
        }
        if let connection { try? await connection.close() }
    }

    private func commit(_ pending: [Pending], connection: inout PostgresConnection?, partitions: inout Set<Int>) async {
        let events = pending.flatMap(\.events)
        do {
            if connection == nil || connection!.isClosed {
                connection = try await database.connect()
            }
            let start = ContinuousClock.now
            let open = connection!
            let (outcome, known) = try await ConnectionDeadline.run(on: open, limits: .init(timeout: configuration.commitDeadline), what: "committing \(events.count) events") {
                [logger, partitions] in
                try await EventLogWriter.append(events, on: open, knownPartitions: partitions, logger: logger)
            }
            commitTimer.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
            partitions = known
            batches.increment()
            committedEvents.increment(by: outcome.inserted)
            duplicateEvents.increment(by: events.count - outcome.inserted)
            readiness?.succeeded(Self.readinessName)
            for item in pending { item.continuation.resume() }
        } catch {
            let exportAtFault = DatabaseFault.isCausedByData(error)
            if exportAtFault, pending.count > 1, let open = connection, !open.isClosed {
                // One request's rows may be what the server refused: retry each alone so the others commit.
                logger.warning("batch refused by the database; retrying its requests one by one", metadata: ["vigil.error": "\(Database.describe(error))"])
                for item in pending {
                    await commit([item], connection: &connection, partitions: &partitions)
                }
                return
            }
            let reason = Database.describe(error)
            logger.error("append failed", metadata: ["vigil.error": "\(reason)", "vigil.events": "\(events.count)"])
            let failure: VigilError
            if exportAtFault {
                // The database is fine; this export's rows are not.
                readiness?.succeeded(Self.readinessName)
                failure = VigilError(.invalidInput, "the event log refused this export: \(DatabaseFault.clientMessage(error))")
            } else {
                readiness?.failed(Self.readinessName, "cannot commit to the event log")
                failure = VigilError(.unavailable, "the event log cannot commit right now; retry shortly", retryAfterSeconds: 1)
            }
            for item in pending { item.continuation.resume(throwing: failure) }
            if !exportAtFault {
                connection?.close().whenComplete { _ in }
                connection = nil
                partitions = []
                try? await clock.sleep(for: .milliseconds(250))
            }
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
