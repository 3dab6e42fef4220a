internal import Foundation

/// An annotation (or summary) of a rule, with Prometheus-style placeholders filled in from the
/// alert: `{{ $value }}`, `{{ $labels.service }}` (also `.Value` and `.Labels.service`), each
/// optionally piped through `humanize`, `humanizePercentage` or `printf "%.2f"`, or called as
/// `{{ humanize $value }}`. A missing label renders empty, as it does in Prometheus.
public struct AnnotationTemplate: Sendable, Hashable, CustomStringConvertible {
    /// Why a template does not parse, and where in its text.
    public struct ParseError: Error, Sendable, Hashable {
        /// What is wrong.
        public var message: String
        /// Offset in characters from the start of the template text.
        public var offset: Int
    }

    /// The template text as written.
    public let source: String
    private let parts: [Part]

    enum Part: Sendable, Hashable {
        case text(String)
        case action(Operand, [Function])
    }

    enum Operand: Sendable, Hashable {
        case value
        case label(String)
    }

    enum Function: Sendable, Hashable {
        case humanize
        case humanizePercentage
        case printf(prefix: String, verb: Character, precision: Int?, suffix: String)
    }

    /// Parses `source`, or throws where it is wrong.
    public init(_ source: String) throws(ParseError) {
        self.source = source
        var parts: [Part] = []
        var text = ""
        var rest = Substring(source)
        var offset = 0
        while let open = rest.range(of: "{{") {
            text += rest[..<open.lowerBound]
            offset += rest.distance(from: rest.startIndex, to: open.lowerBound)
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ParseError(message: "unclosed {{ (no matching }})", offset: offset)
            }
            if !text.isEmpty { parts.append(.text(text)) }
            text = ""
            let inner = rest[open.upperBound..<close.lowerBound]
            parts.append(try Self.action(String(inner), offset: offset))
            offset += rest.distance(from: open.lowerBound, to: close.upperBound)
            rest = rest[close.upperBound...]
        }
        text += rest
        if let stray = text.range(of: "}}") {
            throw ParseError(message: "}} without a matching {{", offset: offset + text.distance(from: text.startIndex, to: stray.lowerBound))
        }
        if !text.isEmpty { parts.append(.text(text)) }
        self.parts = parts
    }

    /// The text with the placeholders filled in from `value` and `labels`; a nil value renders empty.
    public func render(value: Double?, labels: LabelSet) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text):
                out += text
            case .action(let operand, let functions):
                var current: Rendered
                switch operand {
                case .value: current = .number(value)
                case .label(let name): current = .text(labels[name] ?? "")
                }
                for function in functions { current = Self.apply(function, to: current) }
                out += current.text
            }
        }
        return out
    }

    /// The template text.
    public var description: String { source }

    /// Whether two templates have the same text.
    public static func == (lhs: AnnotationTemplate, rhs: AnnotationTemplate) -> Bool { lhs.source == rhs.source }

    /// Hashes the template text.
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    // MARK: - Rendering

    private enum Rendered {
        case number(Double?)
        case text(String)

        var text: String {
            switch self {
            case .number(let value): return value.map(GoNumberFormat.shortest) ?? ""
            case .text(let text): return text
            }
        }

        var number: Double? {
            switch self {
            case .number(let value): return value
            case .text(let text): return Double(text)
            }
        }
    }

    private static func apply(_ function: Function, to input: Rendered) -> Rendered {
        switch function {
        case .humanize:
            guard let number = input.number else { return input }
            return .text(GoNumberFormat.humanize(number))
        case .humanizePercentage:
            guard let number = input.number else { return input }
            return .text(GoNumberFormat.printf("%.4g", number * 100) + "%")
        case .printf(let prefix, let verb, let precision, let suffix):
            let formatted: String
            switch verb {
            case "v", "s":
                formatted = input.text
            case "d":
                if let number = input.number, number.isFinite, abs(number) < 9e18 {
                    formatted = String(Int64(number))
                } else {
                    formatted = input.text
                }
            default:
                if let number = input.number {
                    formatted = GoNumberFormat.printf("%" + (precision.map { ".\($0)" } ?? "") + String(verb), number)
                } else {
                    formatted = input.text
                }
            }
            return .text(prefix + formatted + suffix)
        }
    }

    // MARK: - Parsing

    private static func action(_ inner: String, offset: Int) throws(ParseError) -> Part {
        let tokens = try tokenize(inner, offset: offset)
        var commands: [[Token]] = [[]]
        for token in tokens {
            if case .pipe = token { commands.append([]) } else { commands[commands.count - 1].append(token) }
        }
        guard let first = commands.first, !first.isEmpty else {
            throw ParseError(message: "empty {{ }}: write {{ $value }} or {{ $labels.NAME }}", offset: offset)
        }
        var functions: [Function] = []
        let operand: Operand
        if case .word(let word) = first[0], word.hasPrefix("$") || word.hasPrefix(".") {
            guard first.count == 1 else {
                throw ParseError(message: "unexpected \(first[1]) after \(word)", offset: offset)
            }
            operand = try self.operand(word, offset: offset)
        } else {
            // `humanize $value`, `printf "%.2f" $value`: a function called with the operand last.
            guard case .word(let last) = first[first.count - 1], last.hasPrefix("$") || last.hasPrefix(".") else {
                throw ParseError(message: "expected $value or $labels.NAME in {{\(inner)}}", offset: offset)
            }
            operand = try self.operand(last, offset: offset)
            functions.append(try function(Array(first.dropLast()), offset: offset))
        }
        for command in commands.dropFirst() {
            guard !command.isEmpty else { throw ParseError(message: "missing function after |", offset: offset) }
            functions.append(try function(command, offset: offset))
        }
        return .action(operand, functions)
    }

    private static func operand(_ word: String, offset: Int) throws(ParseError) -> Operand {
        switch word {
        case "$value", ".Value", "$.Value":
            return .value
        default:
            for prefix in ["$labels.", ".Labels.", "$.Labels."] where word.hasPrefix(prefix) {
                let name = String(word.dropFirst(prefix.count))
                guard isLabelName(name) else {
                    throw ParseError(message: "\"\(name)\" is not a label name", offset: offset)
                }
                return .label(name)
            }
            throw ParseError(message: "unknown variable \"\(word)\" (use $value or $labels.NAME)", offset: offset)
        }
    }

    private static func function(_ command: [Token], offset: Int) throws(ParseError) -> Function {
        guard case .word(let name) = command[0] else {
            throw ParseError(message: "expected a function name, found \(command[0])", offset: offset)
        }
        switch name {
        case "humanize", "humanizePercentage":
            guard command.count == 1 else { throw ParseError(message: "\(name) takes no arguments", offset: offset) }
            return name == "humanize" ? .humanize : .humanizePercentage
        case "printf":
            guard command.count == 2, case .string(let format) = command[1] else {
                throw ParseError(message: "printf takes one quoted format, such as printf \"%.2f\"", offset: offset)
            }
            return try printf(format, offset: offset)
        default:
            throw ParseError(message: "unknown function \"\(name)\" (use humanize, humanizePercentage or printf)", offset: offset)
        }
    }

    /// A printf format with exactly one verb (`%v %s %d %f %e %g`, with an optional `.N`).
    private static func printf(_ format: String, offset: Int) throws(ParseError) -> Function {
        var prefix = ""
        var suffix = ""
        var verb: Character?
        var precision: Int?
        var characters = Array(format)[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            guard character == "%" else {
                if verb == nil { prefix.append(character) } else { suffix.append(character) }
                continue
            }
            if characters.first == "%" {
                characters = characters.dropFirst()
                if verb == nil { prefix.append("%") } else { suffix.append("%") }
                continue
            }
            guard verb == nil else { throw ParseError(message: "printf format \"\(format)\" has more than one %", offset: offset) }
            var digits = ""
            if characters.first == "." {
                characters = characters.dropFirst()
                while let digit = characters.first, digit.isASCII, digit.isNumber {
                    digits.append(digit)
                    characters = characters.dropFirst()
                }
                guard let value = Int(digits), value <= 20 else {
                    throw ParseError(message: "printf format \"\(format)\" needs a precision from 0 to 20 after the point", offset: offset)
                }
                precision = value
            }
            guard let next = characters.first, "vsdfeg".contains(next) else {
                throw ParseError(message: "printf format \"\(format)\" takes %v, %s, %d, %f, %e or %g", offset: offset)
            }
            characters = characters.dropFirst()
            verb = next
        }
        guard let verb else { throw ParseError(message: "printf format \"\(format)\" has no % verb", offset: offset) }
        return .printf(prefix: prefix, verb: verb, precision: precision, suffix: suffix)
    }

    private enum Token: CustomStringConvertible {
        case word(String)
        case string(String)
        case pipe

        var description: String {
            switch self {
            case .word(let word): return word
            case .string(let string): return "\"\(string)\""
            case .pipe: return "|"
            }
        }
    }

    private static func tokenize(_ inner: String, offset: Int) throws(ParseError) -> [Token] {
        var tokens: [Token] = []
        var characters = Array(inner)[...]
        while let character = characters.first {
            if character == " " || character == "\t" || character == "\n" {
                characters = characters.dropFirst()
            } else if character == "|" {
                tokens.append(.pipe)
                characters = characters.dropFirst()
            } else if character == "\"" {
                characters = characters.dropFirst()
                var string = ""
                var closed = false
                while let next = characters.first {
                    characters = characters.dropFirst()
                    if next == "\\", let escaped = characters.first {
                        characters = characters.dropFirst()
                        switch escaped {
                        case "n": string.append("\n")
                        case "t": string.append("\t")
                        default: string.append(escaped)
                        }
                    } else if next == "\"" {
                        closed = true
                        break
                    } else {
                        string.append(next)
                    }
                }
                guard closed else { throw ParseError(message: "unterminated string in {{\(inner)}}", offset: offset) }
                tokens.append(.string(string))
            } else if character == "-" && tokens.isEmpty && characters.count == inner.count {
                throw ParseError(message: "{{- trimming is not supported", offset: offset)
            } else {
                var word = ""
                while let next = characters.first, next != " ", next != "\t", next != "\n", next != "|", next != "\"" {
                    word.append(next)
                    characters = characters.dropFirst()
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0)) }
    }
}
