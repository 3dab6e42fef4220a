import ArgumentParser
import Foundation
import VigilApp
import VigilCore
import VigilEventLog
import VigilQueries
import VigilStats

/// `vigil drift`: drift reports from the command line.
struct Drift: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drift of embedding and scalar features.", subcommands: [DriftReportCommand.self, DriftFiles.self])
}

/// `vigil drift report --feature F --reference FROM..TO --current FROM..TO [--format json|table]`.
struct DriftReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compute a drift report of a feature between two windows (times RFC 3339 or Unix ms), without storing it."
    )

    @Option(help: "The feature (an embedding feature, or input_tokens, output_tokens, latency_ms, prompt_chars, score:<name>).")
    var feature: String
    @Option(help: "The project (its name).")
    var project: String
    @Option(help: "The reference window, FROM..TO.")
    var reference: String
    @Option(help: "The current window, FROM..TO.")
    var current: String
    @Option(help: "json or table.")
    var format: String = "table"

    func run() async throws {
        try await reportingErrors {
            guard format == "json" || format == "table" else { throw VigilError(.invalidInput, "--format must be json or table") }
            let referenceWindow = try Self.window(reference, option: "--reference")
            let currentWindow = try Self.window(current, option: "--current")
            let context = try CommandContext.load()
            let report = try await context.withDatabase { prepared in
                let database = Database(url: prepared.url, logger: context.logger)
                return try await database.withConnection { connection in
                    let projectID = try await KeyStore.projectID(named: project, on: connection, logger: context.logger)
                    return try await DriftStore(executor: connection, logger: context.logger)
                        .compute(projectID: projectID, feature: feature, reference: referenceWindow, current: currentWindow)
                }
            }
            if format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(Self.table(report, feature: feature))
            }
        }
    }

    static func window(_ text: String, option: String) throws -> DriftStore.Window {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let from = CivilTime.micros(parsing: parts[0]), let to = CivilTime.micros(parsing: parts[1]), from < to else {
            throw VigilError(.invalidInput, "\(option) \(text) must be FROM..TO, each an RFC 3339 time or Unix milliseconds, FROM before TO")
        }
        return DriftStore.Window(fromMicros: from, toMicros: to)
    }

    static func table(_ report: DriftReport, feature: String) -> String {
        func f(_ value: Double) -> String { String(format: "%.4f", value) }
        var lines = [
            "feature \(feature): \(report.referenceCount) reference and \(report.currentCount) current samples, dimension \(report.dimension)",
            "PSI mean \(f(report.psiMean)), max \(f(report.psiMax)), share over \(report.threshold): \(f(report.shareOverThreshold))",
            "KL mean \(f(report.klMean)), JS mean \(f(report.jsMean)); centroid distance \(f(report.centroidEuclidean)) euclidean, "
                + (report.centroidCosine.map { "\(f($0)) cosine" } ?? "cosine undefined"),
            "noise floor \(f(report.noiseFloor)), p-value \(f(report.pValue)): " + (report.drifted ? "DRIFTED" : "not drifted"),
            "",
            "COMPONENT\tVARIANCE\tPSI\tKL\tJS",
        ]
        for component in report.components {
            lines.append("\(component.index)\t\(f(component.explainedVarianceRatio))\t\(f(component.psi))\t\(f(component.kl))\t\(f(component.jsDistance))")
        }
        return lines.joined(separator: "\n")
    }
}
