public import Logging
public import PostgresNIO

/// A part of Vigil that must run in one process at a time (the alert evaluator, the drift
/// scheduler): it holds a session advisory lock on a connection of its own, so when its process
/// dies the lock goes with the connection and another process takes over within `retry`.
public struct Lease: Sendable {
    /// The advisory lock's key (from `AdvisoryLock`).
    public let key: Int64
    /// What holds it, for the log.
    public let holder: String
    /// How often a process without the lease tries to take it.
    public let retry: Duration

    /// A lease on `key` for `holder`.
    public init(key: Int64, holder: String, retry: Duration = .seconds(2)) {
        self.key = key
        self.holder = holder
        self.retry = retry
    }

    /// Until the task is cancelled: connects, waits for the lease, then runs `body` (which loops
    /// for as long as it holds it). A failure is logged, and it starts again after `backoff`.
    public func run(database: Database, backoff: Duration, clock: any Clock<Duration>, logger: Logger,
                    _ body: @Sendable (PostgresConnection) async throws -> Void) async {
        while !Task.isCancelled {
            do {
                try await database.withConnection { connection in
                    while !Task.isCancelled, try await !take(on: connection, logger: logger) {
                        try? await clock.sleep(for: retry)
                    }
                    guard !Task.isCancelled else { return true }
                    logger.info("\(holder) holds the lease")
                    try await body(connection)
                    return true
                }
            } catch {
                if Task.isCancelled { break }
                logger.error("\(holder) failed; retrying", metadata: ["vigil.error": "\(Database.describe(error))"])
                try? await clock.sleep(for: backoff)
            }
        }
    }

    /// Tries to take the lease for the life of `connection`.
    public func take(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await taken in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) {
            return taken
        }
        return false
    }
}
