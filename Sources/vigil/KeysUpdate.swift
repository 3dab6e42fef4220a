import ArgumentParser
import Foundation
import VigilApp
import VigilCore
import VigilEventLog

/// `vigil keys update`: changes a key's rate limits and quota, or a project's defaults.
struct KeysUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a key's limits (by id or lookup), or with --project and no key the project's defaults (servers apply them within VIGIL_KEY_CACHE_SECONDS)."
    )

    @Argument(help: "The key's id (from keys list) or its lookup part; left out with --project to set the project's defaults.")
    var key: String?

    @Option(help: "With no key: set this project's default limits, which each of its keys follows for a limit it does not set itself.")
    var project: String?

    @OptionGroup var limits: LimitOptions

    func run() async throws {
        try await reportingErrors {
            let change = try limits.change()
            guard !change.isEmpty else {
                throw VigilError(.invalidInput, "nothing to change: give --rate, --bytes, --spans or --spend-usd-per-day (a number, or none)")
            }
            switch (key, project) {
            case (let key?, nil):
                let context = try CommandContext.load()
                let updated = try await context.withDatabase { prepared in
                    try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                        try await KeyStore.updateLimits(keyID: Int64(key), lookup: Int64(key) == nil ? key : nil, change: change, on: connection, logger: context.logger)
                    }
                }
                print("key \(updated.keyID) (\(updated.lookup)): \(updated.limits.summary)")
            case (nil, let project?):
                let context = try CommandContext.load()
                let defaults = try await context.withDatabase { prepared in
                    try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                        try await KeyStore.updateProjectLimits(project: project, change: change, on: connection, logger: context.logger)
                    }
                }
                print("project \(project) defaults: \(defaults.summary)")
            case (.some, .some):
                throw VigilError(.invalidInput, "give a key or --project, not both")
            case (nil, nil):
                throw VigilError(.invalidInput, "name a key (id or lookup), or --project for the project's defaults")
            }
        }
    }
}
