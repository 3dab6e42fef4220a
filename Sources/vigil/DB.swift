import ArgumentParser
import VigilApp
import VigilEventLog

/// `vigil db`: the database in use.
struct DB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "db", abstract: "The database in use.", subcommands: [DBURL.self])
}

/// `vigil db url`: prints the connection URL, so `psql "$(vigil db url)"` works.
struct DBURL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "url", abstract: "Print the connection URL of the database in use (the embedded one included).")

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            print(try DatabaseProvider(configuration: context.configuration, logger: context.logger).currentURL().connectionString)
        }
    }
}
