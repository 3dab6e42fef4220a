import ArgumentParser
import VigilApp
import VigilCore
import VigilEventLog

/// `vigil keys revoke`: stops a key from working.
struct KeysRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key by id or lookup (servers stop accepting it within VIGIL_KEY_CACHE_SECONDS).")

    @Argument(help: "The key's id (from keys list) or its lookup part.")
    var key: String

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let revoked = try await context.withDatabase { prepared in
                try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                    try await KeyStore.revoke(keyID: Int64(key), lookup: Int64(key) == nil ? key : nil, on: connection, logger: context.logger)
                }
            }
            print("revoked key \(revoked.keyID) (\(revoked.lookup)) of \(revoked.project.map { "project \($0)" } ?? "the instance")")
        }
    }
}
