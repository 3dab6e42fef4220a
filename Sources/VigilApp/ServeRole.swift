internal import VigilCore

/// The parts `vigil serve --only` can run; without `--only`, all of them run in one process.
public enum ServeRole: String, Sendable, CaseIterable {
    /// The OTLP/HTTP collectors and the API, with the appender behind them.
    case collector
    /// The stream processors (the rollups behind the summary API).
    case processor

    /// Parses a comma-separated list.
    /// - Throws: `.configuration` naming the unknown role and the known ones.
    public static func parse(_ text: String) throws -> Set<ServeRole> {
        var roles = Set<ServeRole>()
        for part in text.split(separator: ",") {
            guard let role = ServeRole(rawValue: part.lowercased()) else {
                throw VigilError(.configuration, "--only \(part): unknown role; known roles: \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            roles.insert(role)
        }
        return roles
    }
}
