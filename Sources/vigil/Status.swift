import ArgumentParser
import VigilApp
import VigilEventLog

/// `vigil status`: the log's head and where each processor stands.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the log's head and each processor's offset and lag.")

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let (head, rows) = try await context.withDatabase { prepared in
                try await ProcessorCatalog.status(database: Database(url: prepared.url, logger: context.logger), logger: context.logger)
            }
            print("log head: \(head)")
            print(["PROCESSOR", "OFFSET", "LAG", "UPDATED"].joined(separator: "\t"))
            for row in rows {
                print([row.name, String(row.offset), String(row.lag), row.updatedAt].joined(separator: "\t"))
            }
        }
    }
}
