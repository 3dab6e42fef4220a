public import Logging
internal import PostgresNIO
public import VigilCore

/// Rings a `Wakeup` whenever the appender commits (LISTEN on `vigil_events`), reconnecting when
/// the connection drops; runs until cancelled. Readers wait on the bell with a polling interval,
/// so a lost connection only slows them down.
public struct EventNotifications: Sendable {
    private let database: Database
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// Makes a listener with its own connections from `database`.
    public init(database: Database, clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    /// Listens and rings `wakeup` on every notification (and once on each connect), until cancelled.
    public func listen(ringing wakeup: Wakeup) async {
        while !Task.isCancelled {
            do {
                let connection = try await database.connect()
                do {
                    try await connection.listen(on: EventLogWriter.notificationChannel) { notifications in
                        wakeup.ring()
                        for try await _ in notifications { wakeup.ring() }
                    }
                } catch {
                    if !Task.isCancelled {
                        logger.warning("LISTEN connection lost; polling until it is back", metadata: ["vigil.error": "\(Database.describe(error))"])
                    }
                }
                try? await connection.close()
            } catch {
                logger.warning("cannot LISTEN for new events; polling", metadata: ["vigil.error": "\(Database.describe(error))"])
            }
            try? await clock.sleep(for: .seconds(1))
        }
    }
}
