import ArgumentParser
import Foundation
import Logging
import VigilApp
import VigilCore

/// What every subcommand starts from: the configuration from the environment, and logging.
struct CommandContext {
    let configuration: VigilConfiguration
    let logger: Logger

    /// Loads the configuration; logs go to standard error at `quietLevel` unless VIGIL_LOG_LEVEL says otherwise.
    static func load(quietLevel: Logger.Level = .warning, adjust: (inout VigilConfiguration) throws -> Void = { _ in }) throws -> CommandContext {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try VigilConfiguration.load(environment: environment)
        try adjust(&configuration)
        let level = environment["VIGIL_LOG_LEVEL"] == nil ? quietLevel : configuration.logLevel
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: "vigil")
        logger.logLevel = level
        return CommandContext(configuration: configuration, logger: logger)
    }

    /// Runs `body` against a prepared database, stopping the embedded cluster afterwards when this
    /// command was the one that started it.
    func withDatabase<Result>(_ body: (DatabaseProvider.Prepared) async throws -> Result) async throws -> Result {
        let provider = DatabaseProvider(configuration: configuration, logger: logger)
        let prepared = try await provider.prepare()
        do {
            let result = try await body(prepared)
            if prepared.startedEmbedded { try provider.stopEmbedded() }
            return result
        } catch {
            if prepared.startedEmbedded { try? provider.stopEmbedded() }
            throw error
        }
    }
}

/// Bootstraps swift-log once per process.
enum LoggingBootstrap {
    // Only touched from the command's main flow, before any concurrency starts.
    nonisolated(unsafe) private static var done = false

    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// Prints a `VigilError` as the message a user acts on, and exits non-zero.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as VigilError {
        FileHandle.standardError.write(Data("vigil: \(error.message)\n".utf8))
        throw ExitCode.failure
    }
}
