import ArgumentParser

/// `vigil keys`: API keys per project.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, update (limits) and revoke API keys.",
        subcommands: [KeysCreate.self, KeysList.self, KeysUpdate.self, KeysRevoke.self]
    )
}
