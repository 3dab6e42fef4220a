import ArgumentParser
import Foundation
import VigilCore
import VigilStats

/// `vigil drift files`: a report from raw little-endian float32 files, with no database: for
/// offline analysis and the benchmark. The reference file is read whole (deciles need every
/// value); the current file streams through in chunks of 4,096 vectors.
struct DriftFiles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Compute a drift report from raw little-endian float32 files of vectors (prints JSON)."
    )

    @Option(name: .customLong("reference-f32"), help: "The reference vectors, float32 little-endian, row after row.")
    var referencePath: String
    @Option(name: .customLong("current-f32"), help: "The current vectors, same layout.")
    var currentPath: String
    @Option(help: "Components per vector.")
    var dimension: Int
    @Flag(help: "Print the time of each step on standard error.")
    var timing = false

    func run() async throws {
        try await reportingErrors {
            guard dimension > 0 else { throw VigilError(.invalidInput, "--dimension must be positive") }
            let clock = ContinuousClock()
            let start = clock.now
            let rows = try Self.read(referencePath)
            let loaded = clock.now
            do {
                let reference = try DriftReference(embeddings: rows, dimension: dimension)
                let fitted = clock.now
                var window = DriftWindow(reference: reference)
                try Self.stream(currentPath, chunkValues: 4096 * dimension) { try window.add(contentsOf: $0) }
                let streamed = clock.now
                let report = try window.report()
                let done = clock.now
                if timing {
                    func s(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> String {
                        return String(format: "%.3f", from.duration(to: to).seconds)
                    }
                    FileHandle.standardError.write(Data("timing: read_reference \(s(start, loaded)) s, fit_reference \(s(loaded, fitted)) s, stream_current \(s(fitted, streamed)) s, report_and_noise \(s(streamed, done)) s, total \(s(start, done)) s\n".utf8))
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } catch let error as DriftError {
                throw VigilError(.invalidInput, error.message)
            }
        }
    }

    static func read(_ path: String) throws -> [Float] {
        guard let data = FileManager.default.contents(atPath: path) else { throw VigilError(.invalidInput, "cannot read \(path)") }
        guard data.count % 4 == 0 else { throw VigilError(.invalidInput, "\(path) is not a whole number of float32 values") }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    static func stream(_ path: String, chunkValues: Int, _ body: ([Float]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw VigilError(.invalidInput, "cannot read \(path)") }
        defer { try? handle.close() }
        while true {
            let data = try handle.read(upToCount: chunkValues * 4) ?? Data()
            if data.isEmpty { break }
            guard data.count % 4 == 0 else { throw VigilError(.invalidInput, "\(path) is not a whole number of float32 values") }
            let values = data.withUnsafeBytes { raw in
                (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
            try body(values)
        }
    }
}
