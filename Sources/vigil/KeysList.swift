import ArgumentParser
import VigilApp
import VigilCore
import VigilEventLog

/// `vigil keys list`: the keys, without their secrets.
struct KeysList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never their secrets).")

    @Option(help: "Only this project's keys.")
    var project: String?

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let keys = try await context.withDatabase { prepared in
                try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                    try await KeyStore.list(project: project, on: connection, logger: context.logger)
                }
            }
            print(["ID", "PROJECT", "LOOKUP", "ROLE", "NAME", "CREATED", "REVOKED", "LIMITS"].joined(separator: "\t"))
            for key in keys {
                print([String(key.keyID), key.project ?? "(instance)", key.lookup, key.role.rawValue, key.name, key.createdAt, key.revokedAt ?? "-", key.limits.summary].joined(separator: "\t"))
            }
        }
    }
}
