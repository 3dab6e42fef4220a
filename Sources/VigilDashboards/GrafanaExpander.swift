internal import VigilCore

/// Expands a panel's SQL the way Grafana does before Postgres sees it, in Grafana's two steps:
/// the browser's template service replaces the variables (`$var`, `${var}`, `${var:csv}`,
/// `[[var]]`, a custom All value inserted raw) and the built-ins (`$__interval`, `$__from`, ...),
/// then the PostgreSQL data source's backend evaluates its macros (`$__timeFilter`,
/// `$__timeGroupAlias`, `$__unixEpochFilter`, ...) exactly as grafana-postgresql-datasource writes them.
public struct GrafanaExpander: Sendable {
    /// The range, in Unix milliseconds.
    public var fromMillis: Int64
    /// The end of the range, in Unix milliseconds.
    public var toMillis: Int64
    /// Each variable's definition and what it stands for now.
    public var variables: [String: (variable: TemplateVariable, selection: TemplateVariable.Selection)]
    /// The options of variables chosen as All without a custom all value.
    public var options: [String: [String]]

    /// An expander for a range and a choice of variables.
    public init(fromMillis: Int64, toMillis: Int64, variables: [String: (variable: TemplateVariable, selection: TemplateVariable.Selection)], options: [String: [String]] = [:]) {
        self.fromMillis = fromMillis
        self.toMillis = toMillis
        self.variables = variables
        self.options = options
    }

    /// Grafana's interval for a panel: the range over the panel's data points (its
    /// `maxDataPoints`, else its width in pixels on a 1600 px dashboard), rounded to a nice step,
    /// no finer than the panel's own `interval`, else the SQL data source's 1 minute.
    public func intervalMillis(for panel: Dashboard.Panel?) -> Int64 {
        let width = panel?.width ?? 24
        let points = panel?.maxDataPoints ?? max(1, Int((Double(width) / 24 * 1600).rounded()))
        let interval = Self.roundInterval(Double(toMillis - fromMillis) / Double(points))
        let floor = panel?.minInterval.flatMap { Self.parseIntervalMillis($0) } ?? 60_000
        return max(interval, floor)
    }

    /// The SQL of a panel's target, expanded.
    public func expand(_ sql: String, panel: Dashboard.Panel?) throws -> String {
        let interval = intervalMillis(for: panel)
        return try backend(frontend(sql, intervalMillis: interval), intervalMillis: interval)
    }

    // MARK: The browser's template service

    func frontend(_ sql: String, intervalMillis: Int64) throws -> String {
        let range = toMillis - fromMillis
        let builtins: [String: String] = [
            "__interval": Self.secondsToHMS(intervalMillis), "__interval_ms": String(intervalMillis),
            "__from": String(fromMillis), "__to": String(toMillis),
            "__range_ms": String(range), "__range_s": String(range / 1000), "__range": "\(range / 1000)s",
        ]
        var output = ""
        let scalars = Array(sql.unicodeScalars)
        var index = 0
        func word(from start: Int) -> Int {
            var end = start
            while end < scalars.count, Self.isWordScalar(scalars[end]) { end += 1 }
            return end
        }
        while index < scalars.count {
            var name: String?
            var format: String?
            var next = index
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{",
               let close = scalars[(index + 2)...].firstIndex(of: "}") {
                let inner = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
                var namePart = inner
                if let colon = inner.firstIndex(of: ":") {
                    namePart = String(inner[..<colon])
                    format = String(inner[inner.index(after: colon)...])
                }
                if namePart.contains(".") {
                    throw VigilError(.invalidInput, "${\(inner)}: variable fields are not supported in exported SQL")
                }
                if !namePart.isEmpty, namePart.unicodeScalars.allSatisfy(Self.isWordScalar) {
                    name = namePart
                    next = close + 1
                }
            } else if scalars[index] == "$", index + 1 < scalars.count, Self.isWordScalar(scalars[index + 1]) {
                let end = word(from: index + 1)
                name = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
                next = end
            } else if scalars[index] == "[", index + 1 < scalars.count, scalars[index + 1] == "[" {
                let end = word(from: index + 2)
                if end > index + 2 {
                    var cursor = end
                    var fmt: String?
                    if cursor < scalars.count, scalars[cursor] == ":" {
                        let fmtEnd = word(from: cursor + 1)
                        fmt = String(String.UnicodeScalarView(scalars[(cursor + 1)..<fmtEnd]))
                        cursor = fmtEnd
                    }
                    if cursor + 1 < scalars.count, scalars[cursor] == "]", scalars[cursor + 1] == "]" {
                        name = String(String.UnicodeScalarView(scalars[(index + 2)..<end]))
                        format = fmt
                        next = cursor + 2
                    }
                }
            }
            guard let found = name, next > index else {
                output.unicodeScalars.append(scalars[index])
                index += 1
                continue
            }
            let original = String(String.UnicodeScalarView(scalars[index..<next]))
            index = next
            if let builtin = builtins[found] {
                output += try Self.format(.single(builtin), format, variable: nil)
                continue
            }
            guard let (variable, selection) = variables[found] else {
                output += original  // not a variable: a macro for the backend, or an error there
                continue
            }
            switch selection {
            case .all:
                if let all = variable.allValue, !all.isEmpty, format != "text" {
                    output += all  // a custom All value goes in raw, unformatted
                } else {
                    output += try Self.format(.list(options[found] ?? variable.options), format, variable: variable)
                }
            case .values(let values):
                output += try Self.format(values.count == 1 && !variable.multi ? .single(values[0]) : .list(values), format, variable: variable)
            }
        }
        return output
    }

    enum Value {
        case single(String)
        case list([String])
    }

    static func quoteLiteral(_ value: String) -> String {
        "'" + value.replacingAll("'", with: "''") + "'"
    }

    /// SqlDatasource.interpolateVariable without a format, else templateSrv's formats.
    static func format(_ value: Value, _ format: String?, variable: TemplateVariable?) throws -> String {
        guard let format else {
            switch value {
            case .single(let text):
                if let variable, variable.multi || variable.includeAll { return quoteLiteral(text) }
                return text.replacingAll("'", with: "''")
            case .list(let values):
                return values.map(quoteLiteral).joined(separator: ",")
            }
        }
        let values: [String]
        switch value {
        case .single(let text): values = [text]
        case .list(let list): values = list
        }
        switch format {
        case "csv", "raw", "text": return values.joined(separator: ",")
        case "sqlstring": return values.map(quoteLiteral).joined(separator: ",")
        case "singlequote": return values.map { "'" + $0.replacingAll("'", with: "\\'") + "'" }.joined(separator: ",")
        case "doublequote": return values.map { "\"" + $0.replacingAll("\"", with: "\\\"") + "\"" }.joined(separator: ",")
        case "pipe": return values.joined(separator: "|")
        default: throw VigilError(.invalidInput, "the variable format :\(format) is not supported in exported SQL")
        }
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }

    // MARK: The PostgreSQL data source's macro engine

    func backend(_ sql: String, intervalMillis: Int64) throws -> String {
        let start = fromMillis, end = toMillis
        var text = sql.replacingAll("$__interval_ms", with: String(intervalMillis))
            .replacingAll("$__interval", with: Self.secondsToHMS(intervalMillis))
            .replacingAll("$__unixEpochFrom()", with: String(start.floorDivided(by: 1000)))
            .replacingAll("$__unixEpochTo()", with: String(end.floorDivided(by: 1000)))
        var output = ""
        while let dollar = text.firstIndex(of: "$") {
            output += text[..<dollar]
            let afterDollar = text.index(after: dollar)
            let nameEnd = text[afterDollar...].firstIndex { !($0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber)) } ?? text.endIndex
            guard nameEnd > afterDollar, nameEnd < text.endIndex, text[nameEnd] == "(",
                  let close = text[nameEnd...].firstIndex(of: ")")
            else {
                output.append("$")
                text = String(text[afterDollar...])
                continue
            }
            var name = String(text[afterDollar..<nameEnd])
            let args = text[text.index(after: nameEnd)..<close].split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
            let rest = text[text.index(after: close)...]
            // Grafana's pre-5.3 rule: $__timeGroup(...) directly followed by a comma is the alias form.
            if name == "__timeGroup", rest.first == "," { name = "__timeGroupAlias" }
            output += try evaluate(name, args, start: start, end: end)
            text = String(rest)
        }
        return output + text
    }

    private func evaluate(_ name: String, _ args: [String], start: Int64, end: Int64) throws -> String {
        func need(_ count: Int) throws {
            guard args.count >= count, !args[0].isEmpty else {
                throw VigilError(.invalidInput, "macro $\(name) needs \(count) argument\(count == 1 ? "" : "s")")
            }
        }
        func group(_ alias: Bool) throws -> String {
            try need(2)
            guard let millis = Self.parseIntervalMillis(args[1]) else {
                throw VigilError(.invalidInput, "macro $\(name): cannot parse the interval \(args[1])")
            }
            if args.count == 3, !(args[2] == "NULL" || args[2] == "previous" || Double(args[2]) != nil) {
                throw VigilError(.invalidInput, "macro $\(name): the fill value \(args[2]) is not NULL, previous or a number")
            }
            let seconds = Self.goFloat(Double(millis) / 1000)
            return "floor(extract(epoch from \(args[0]))/\(seconds))*\(seconds)" + (alias ? " AS \"time\"" : "")
        }
        switch name {
        case "__time": try need(1); return "\(args[0]) AS \"time\""
        case "__timeEpoch": try need(1); return "extract(epoch from \(args[0])) as \"time\""
        case "__timeFilter": try need(1); return "\(args[0]) BETWEEN '\(Self.rfc3339(start))' AND '\(Self.rfc3339(end))'"
        case "__timeFrom": return "'\(Self.rfc3339(start))'"
        case "__timeTo": return "'\(Self.rfc3339(end))'"
        case "__timeGroup": return try group(false)
        case "__timeGroupAlias": return try group(true)
        case "__unixEpochFilter": try need(1); return "\(args[0]) >= \(start.floorDivided(by: 1000)) AND \(args[0]) <= \(end.floorDivided(by: 1000))"
        case "__unixEpochNanoFilter": try need(1); return "\(args[0]) >= \(start * 1_000_000) AND \(args[0]) <= \(end * 1_000_000)"
        case "__unixEpochNanoFrom": return String(start * 1_000_000)
        case "__unixEpochNanoTo": return String(end * 1_000_000)
        case "__unixEpochGroup", "__unixEpochGroupAlias":
            try need(2)
            guard let millis = Self.parseIntervalMillis(args[1]) else {
                throw VigilError(.invalidInput, "macro $\(name): cannot parse the interval \(args[1])")
            }
            let seconds = Self.goFloat(Double(millis) / 1000)
            return "floor((\(args[0]))/\(seconds))*\(seconds)" + (name.hasSuffix("Alias") ? " AS \"time\"" : "")
        default:
            throw VigilError(.invalidInput, "unknown macro \"\(name)\"")
        }
    }

    // MARK: Grafana's interval arithmetic

    /// rangeutil.roundInterval: the nice interval at or just above `millis`.
    static func roundInterval(_ millis: Double) -> Int64 {
        let steps: [(Double, Int64)] = [
            (15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000), (3500, 2000),
            (7500, 5000), (12500, 10000), (17500, 15000), (25000, 20000), (45000, 30000), (90000, 60000),
            (210_000, 120_000), (450_000, 300_000), (750_000, 600_000), (1_050_000, 900_000), (1_500_000, 1_200_000),
            (2_700_000, 1_800_000), (5_400_000, 3_600_000), (9_000_000, 7_200_000), (16_200_000, 10_800_000),
            (32_400_000, 21_600_000), (86_400_000, 43_200_000), (604_800_000, 86_400_000), (1_814_400_000, 604_800_000),
            (3_628_800_000, 2_592_000_000),
        ]
        for (below, value) in steps where millis < below { return value }
        return 31_536_000_000
    }

    private static let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000), ("y", 31_536_000_000)]

    /// `10s`, `1m`, `'5m'`: milliseconds; nil for anything else.
    static func parseIntervalMillis(_ text: String) -> Int64? {
        var trimmed = text.trimmingWhitespace()
        while trimmed.hasPrefix("'") { trimmed.removeFirst() }
        while trimmed.hasSuffix("'") { trimmed.removeLast() }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard let count = Int64(digits), let unit = units.first(where: { $0.0 == trimmed.dropFirst(digits.count) }) else { return nil }
        let (millis, overflow) = count.multipliedReportingOverflow(by: unit.1)
        return overflow ? nil : millis
    }

    /// rangeutil.secondsToHms: the largest whole unit (no weeks).
    static func secondsToHMS(_ millis: Int64) -> String {
        let seconds = Double(millis) / 1000
        for (unit, size) in [("y", 31_536_000.0), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            return "\(Int64((seconds / size).rounded(.down)))\(unit)"
        }
        return "\(millis)ms"
    }

    /// Go's `%v` of a float64, as the macro engine prints seconds: shortest digits, exponent form
    /// from 1e+06 up and below 1e-04.
    static func goFloat(_ value: Double) -> String {
        let description = "\(value)"  // Swift's shortest round-trip digits, like Go's
        var mantissa = description, exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(description[..<e])
            exponent = Int(description[description.index(after: e)...]) ?? 0
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0]), fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = whole + fraction
        var point = whole.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 { digits.removeFirst(); point -= 1 }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        if digits == "0" { return "0" }
        let exp = point - 1
        let sign = negative ? "-" : ""
        if exp < -4 || exp >= 6 {
            let rest = digits.dropFirst()
            let mantissaText = String(digits.prefix(1)) + (rest.isEmpty ? "" : "." + rest)
            return sign + mantissaText + "e" + (exp >= 0 ? "+" : "-") + (abs(exp) < 10 ? "0" : "") + String(abs(exp))
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        return sign + String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
    }

    /// Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped.
    static func rfc3339(_ millis: Int64) -> String {
        var text = CivilTime.rfc3339(micros: millis * 1000)
        text.removeLast()  // Z
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "Z"
    }
}

extension String {
    /// This string with every occurrence of `target` replaced, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var output = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            output += rest[..<range.lowerBound]
            output += replacement
            rest = rest[range.upperBound...]
        }
        return output + rest
    }
}
