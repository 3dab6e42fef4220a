import ArgumentParser
import Foundation
import VigilAlerting
import VigilApp

/// `vigil rules`: the alerting rule files.
struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Work with the alerting rule files.", subcommands: [RulesCheck.self])
}

/// `vigil rules check [FILES]`: exit 0 when the files are valid, else every problem as `file:line:column: message`.
struct RulesCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check rule files (default: VIGIL_RULES, or alerts/); print every problem with its file, line and column."
    )

    @Argument(help: "Rule files or folders of *.yaml files.")
    var paths: [String] = []

    func run() async throws {
        try await reportingErrors {
            let context = try CommandContext.load()
            let paths = self.paths.isEmpty ? try context.configuration.resolvedRulePaths() : self.paths
            let (files, readProblems) = RuleFile.read(paths: paths)
            let report = RuleChecker.check(files, environment: nil)
            let problems = readProblems + report.problems
            guard problems.isEmpty else {
                for problem in problems { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
                FileHandle.standardError.write(Data("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(files.count) file\(files.count == 1 ? "" : "s")\n".utf8))
                throw ExitCode(1)
            }
            print("ok: \(files.count) file\(files.count == 1 ? "" : "s"), \(report.ruleSet.rules.count) rules, \(report.ruleSet.receivers.count) receivers, \(report.ruleSet.slos.count) SLOs")
        }
    }
}
