import ArgumentParser
import VigilApp

/// `vigil migrate`: applies the SQL migrations that are not applied yet.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the database migrations in migrations/.")

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let applied = try await context.withDatabase { $0.appliedMigrations }
            print(applied.isEmpty ? "up to date" : "applied: \(applied.joined(separator: ", "))")
        }
    }
}
