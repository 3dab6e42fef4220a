import ArgumentParser
import VigilApp
import VigilCore
import VigilEventLog

/// `vigil events`: look at the log.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read the event log.", subcommands: [EventsTail.self])
}

/// `vigil events tail`: recent events as JSON lines, optionally following new ones.
struct EventsTail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tail", abstract: "Print recent events as JSON lines.")

    @Option(name: .shortAndLong, help: "How many recent events.")
    var number: Int = 20

    @Option(help: "Only this project's events (by name).")
    var project: String?

    @Flag(name: .shortAndLong, help: "Keep printing new events as they are committed.")
    var follow = false

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            try await context.withDatabase { prepared in
                let database = Database(url: prepared.url, logger: context.logger)
                try await database.withConnection { connection in
                    var filter: Int64?
                    if let project {
                        filter = try await KeyStore.projectID(named: project, on: connection, logger: context.logger)
                    }
                    let projectID = filter
                    let reader = EventReader(executor: connection, logger: context.logger)
                    let recent = try await reader.latest(limit: max(number, 0), projectID: projectID)
                    for event in recent { print(event.jsonLine) }
                    guard follow else { return }
                    var start = recent.last?.seq ?? 0
                    if recent.isEmpty { start = try await reader.head() }
                    let follower = EventFollower(reader: reader, database: database, logger: context.logger)
                    try await follower.follow(after: start) { batch in
                        for event in batch where projectID == nil || event.projectID == projectID {
                            print(event.jsonLine)
                        }
                    }
                }
            }
        }
    }
}
