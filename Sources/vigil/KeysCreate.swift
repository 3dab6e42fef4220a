import ArgumentParser
import VigilApp
import Foundation
import VigilCore
import VigilEventLog

/// `vigil keys create`: prints a new key once.
struct KeysCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a key; it is printed once and stored only hashed.")

    @Option(help: "The project the key belongs to (created when new).")
    var project: String

    @Option(help: "ingest (push telemetry), read (query) or admin (everything).")
    var role: String

    @Option(help: "A name to recognise the key by.")
    var name: String = ""

    func run() async throws {
        try await reportingErrors {
            guard let role = Role(rawValue: role) else {
                throw VigilError(.invalidInput, "--role \(role) must be ingest, read or admin")
            }
            let context = try CommandContext.load()
            let created = try await context.withDatabase { prepared in
                try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                    try await KeyStore.create(project: project, role: role, name: name, on: connection, logger: context.logger)
                }
            }
            print(created.token)
            FileHandle.standardError.write(Data("key \(created.keyID) for project \(project), role \(role.rawValue). Store it now: it is not shown again.\n".utf8))
        }
    }
}
