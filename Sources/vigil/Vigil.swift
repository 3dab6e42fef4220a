import ArgumentParser

/// The `vigil` command: one executable for the server and its administration.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Monitoring and alerting for LLM applications.",
        subcommands: [Serve.self, Migrate.self, Keys.self, Events.self, Replay.self, Status.self, Rules.self, Drift.self, Dashboards.self, Demo.self, DB.self]
    )
}
