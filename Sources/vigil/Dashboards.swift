import ArgumentParser
import Foundation
import VigilApp
import VigilCore
import VigilDashboards
import VigilEventLog

/// `vigil dashboards`: the dashboards of a project, and their export as one JSON file.
struct Dashboards: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and export dashboards (Grafana's JSON model).",
        subcommands: [DashboardsList.self, DashboardsExport.self]
    )
}

/// `vigil dashboards list [--project P]`.
struct DashboardsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the shipped dashboards and the project's imported ones.")

    @Option(help: "The project (its name); without it only the shipped dashboards.")
    var project: String?

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let entries = try await context.withDatabase { prepared in
                try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                    let catalog = try DashboardCatalog(directory: context.configuration.resolvedDashboardsDirectory(), executor: connection, logger: context.logger)
                    guard let project else { return catalog.shipped.map { ($0.uid, $0.title, $0.source.rawValue, $0.panels.count) } }
                    let projectID = try await KeyStore.projectID(named: project, on: connection, logger: context.logger)
                    return try await catalog.list(projectID: projectID).map { ($0.dashboard.uid, $0.dashboard.title, $0.dashboard.source.rawValue, $0.dashboard.panels.count) }
                }
            }
            print("UID\tTITLE\tSOURCE\tPANELS")
            for (uid, title, source, panels) in entries { print("\(uid)\t\(title)\t\(source)\t\(panels)") }
        }
    }
}

/// `vigil dashboards export UID [--project P --with-data --from --to --var NAME=VALUE] [--output FILE]`.
struct DashboardsExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a dashboard's JSON; with --with-data each panel's query results for the range are embedded (snapshotData)."
    )

    @Argument(help: "The dashboard's uid (vigil dashboards list shows them).")
    var uid: String
    @Option(help: "The project (its name): whose imported dashboards and whose data.")
    var project: String?
    @Flag(help: "Embed each panel's query results for the range.")
    var withData = false
    @Option(help: "Start of the range: RFC 3339, Unix ms, or now-6h (default: the dashboard's own).")
    var from: String?
    @Option(help: "End of the range (default: the dashboard's own, usually now).")
    var to: String?
    @Option(name: .customLong("var"), help: "A variable's value, NAME=VALUE (repeatable; VALUE All for every value).")
    var variables: [String] = []
    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        try await reportingErrors {
            if withData, project == nil { throw VigilError(.invalidInput, "--with-data needs --project: the data is one project's") }
            if !withData, from != nil || to != nil || !variables.isEmpty { throw VigilError(.invalidInput, "--from, --to and --var only apply with --with-data") }
            let pairs = try variables.map { assignment -> (String, String) in
                guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                    throw VigilError(.invalidInput, "--var \(assignment) must be NAME=VALUE")
                }
                return (String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...]))
            }
            let context = try CommandContext.load()
            let body = try await context.withDatabase { prepared in
                try await Database(url: prepared.url, logger: context.logger).withConnection { connection in
                    let catalog = try DashboardCatalog(directory: context.configuration.resolvedDashboardsDirectory(), executor: connection, logger: context.logger)
                    var projectID: Int64?
                    if let project { projectID = try await KeyStore.projectID(named: project, on: connection, logger: context.logger) }
                    let entry: DashboardCatalog.Entry?
                    if let projectID {
                        entry = try await catalog.entry(uid: uid, projectID: projectID)
                    } else {
                        entry = catalog.shipped.first { $0.uid == uid }.map { DashboardCatalog.Entry(dashboard: $0, version: 1, importedAt: nil) }
                    }
                    guard let entry else { throw VigilError(.notFound, "no dashboard with uid \(uid) (vigil dashboards list shows them)") }
                    guard withData, let projectID else { return entry.dashboard.json.setting("id", to: .null) }
                    let request = try DashboardExporter.Request(
                        dashboard: entry.dashboard,
                        projectID: projectID,
                        from: from,
                        to: to,
                        variables: pairs,
                        nowMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded()),
                        describe: { "--\($0) " }
                    )
                    return try await DashboardExporter(logger: context.logger).exportWithData(entry.dashboard, request: request, on: connection)
                }
            }
            let bytes = Data(body.bytes + [UInt8(ascii: "\n")])
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: bytes) else {
                    throw VigilError(.invalidInput, "cannot write \(output)")
                }
            } else {
                FileHandle.standardOutput.write(bytes)
            }
        }
    }
}
