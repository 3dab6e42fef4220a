internal import VigilCore

extension DashboardExporter.Request {
    /// The times an export may ask for, in Unix milliseconds: 1970 until Int64 nanoseconds run out
    /// (2262-04-11), as Grafana's `$__unixEpochNano…` macros give the range in nanoseconds.
    public static let supportedMillis: ClosedRange<Int64> = 0...(Int64.max / 1_000_000)
    /// The most template variables one export may choose values of.
    public static let maxVariables = 64
    /// The most values one export may choose for one variable.
    public static let maxValuesPerVariable = 100

    /// A request from text as a URL or the command line gives it: `from` and `to` as RFC 3339,
    /// Unix milliseconds or `now-6h` (default: the dashboard's own `time`, else the last 6 hours),
    /// and variables as (name, value) pairs, repeatable, `All` (or `$__all`) for every value.
    /// `describe` names a parameter in messages (`query parameter from=`, `--from `).
    public init(dashboard: Dashboard, projectID: Int64, from: String?, to: String?, variables: [(String, String)],
                nowMillis: Int64, describe: (String) -> String) throws {
        let saved = dashboard.json["time"]
        func time(_ text: String?, _ name: String, fallback: String) throws -> Int64 {
            let value = text ?? saved?[name]?.stringValue ?? fallback
            guard let millis = GrafanaTime.millis(parsing: value, nowMillis: nowMillis), DashboardExporter.Request.supportedMillis.contains(millis) else {
                throw VigilError(.invalidInput, "\(describe(name))\(value) must be an RFC 3339 time, Unix milliseconds, or now / now-6h, from 1970-01-01T00:00:00Z to 2262-04-11T23:47:16Z")
            }
            return millis
        }
        var selections: [String: TemplateVariable.Selection] = [:]
        var valueCounts: [String: Int] = [:]
        for (name, value) in variables {
            valueCounts[name, default: 0] += 1
            guard valueCounts.count <= Self.maxVariables else {
                throw VigilError(.invalidInput, "\(describe("var-*"))…: at most \(Self.maxVariables) variables may be chosen")
            }
            guard valueCounts[name, default: 0] <= Self.maxValuesPerVariable else {
                throw VigilError(.invalidInput, "\(describe("var-\(name)"))…: at most \(Self.maxValuesPerVariable) values of one variable may be chosen")
            }
            if value == "All" || value == "$__all" {
                selections[name] = .all
            } else if case .values(let values) = selections[name] {
                selections[name] = .values(values + [value])
            } else {
                selections[name] = .values([value])
            }
        }
        self.init(
            projectID: projectID,
            fromMillis: try time(from, "from", fallback: "now-6h"),
            toMillis: try time(to, "to", fallback: "now"),
            selections: selections,
            nowMillis: nowMillis
        )
    }
}
