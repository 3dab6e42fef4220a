import ArgumentParser
import VigilApp
import Foundation
import VigilCore
import VigilEventLog

/// `vigil keys create`: prints a new key once.
struct KeysCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a key; it is printed once and stored only hashed.")

    @Option(help: "The project the key belongs to (created when new); left out for an operator key.")
    var project: String?

    @Option(help: "ingest (push telemetry), read (query, GET only), operate (on call: silences, baselines, reports now, retries), admin (everything in the project) or operator (the instance: rule reload, rules and receivers in full; no project).")
    var role: String

    @Option(help: "A name to recognise the key by.")
    var name: String = ""

    @OptionGroup var limits: LimitOptions

    func run() async throws {
        try await reportingErrors {
            guard let role = Role(rawValue: role) else {
                throw VigilError(.invalidInput, "--role \(role) must be \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let ownLimits = try limits.limits()
            let context = try CommandContext.load()
            let created = try await context.withDatabase { prepared in
                try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                    try await KeyStore.create(project: project, role: role, name: name, limits: ownLimits, on: connection, logger: context.logger)
                }
            }
            print(created.token)
            let owner = project.map { "for project \($0)" } ?? "for the instance"
            FileHandle.standardError.write(Data("key \(created.keyID) \(owner), role \(role.rawValue). Store it now: it is not shown again.\n".utf8))
        }
    }
}
