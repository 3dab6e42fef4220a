public import Foundation

/// A receiver's `body_template`: a subset of Go's text/template, as Alertmanager templates are
/// written, rendered over `TemplateData` for each notification. Actions: `{{ pipeline }}`,
/// `if`/`else if`/`else`/`end`, `range` (with `$index, $element :=` or `$element :=`) and `with`,
/// `{{/* comments */}}`, and the `{{-`/`-}}` trim markers. A pipeline is operands (`.`, `$`,
/// `.Field.Field`, `$var.Field`, quoted strings, numbers, `true`/`false`, `( … )`) and functions
/// chained with `|`, the previous result going last: `index`, `len`, `toUpper`, `toLower`,
/// `title`, `join`, `trimSpace`, `printf` (`%s %v %d %q`), `eq`/`ne`/`lt`/`le`/`gt`/`ge`,
/// `and`/`or`/`not`, `js` (Go's JavaScript escaping) and `json` (the value as JSON, for JSON
/// bodies). Bounded: templates nest at most 32 deep, a rendering takes at most `maxSteps` steps
/// and writes at most `maxOutputBytes` bytes, so a template cannot loop or grow without end.
///
/// `AnnotationTemplate` stays the smaller engine of annotations (one value and a rule's labels,
/// Prometheus' number formats); this one works on Alertmanager's notification data.
public struct NotificationTemplate: Sendable, Hashable, CustomStringConvertible {
    /// Why a template does not parse, and where in its text.
    public struct ParseError: Error, Sendable, Hashable {
        /// What is wrong.
        public var message: String
        /// Offset in characters from the start of the template text.
        public var offset: Int
    }

    /// Why a rendering failed.
    public struct RenderError: Error, Sendable, Hashable {
        /// What is wrong.
        public var message: String
    }

    /// The most bytes one rendering may write: 256 KiB.
    public static let maxOutputBytes = 256 * 1024
    /// The most actions and text pieces one rendering may execute.
    public static let maxSteps = 100_000
    static let maxDepth = 32

    /// The template text as written.
    public let source: String
    private let nodes: [TemplateNode]

    /// Parses `source`, or throws where it is wrong.
    public init(_ source: String) throws(ParseError) {
        self.source = source
        var parser = TemplateParser(items: try TemplateLexer.items(source))
        self.nodes = try parser.parseAll()
    }

    /// The body for `data`, or an error when an action cannot be evaluated or a limit is reached.
    public func render(_ data: TemplateData) throws(RenderError) -> Data {
        var renderer = TemplateRenderer(root: data.root)
        try renderer.run(nodes, dot: data.root)
        return Data(renderer.output.utf8)
    }

    /// The template text.
    public var description: String { source }

    /// Whether two templates have the same text.
    public static func == (lhs: NotificationTemplate, rhs: NotificationTemplate) -> Bool { lhs.source == rhs.source }

    /// Hashes the template text.
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}

// MARK: - Syntax tree

indirect enum TemplateNode: Sendable {
    case text(String)
    case output(TemplatePipeline)
    case conditional(TemplatePipeline, then: [TemplateNode], otherwise: [TemplateNode])
    case range(TemplatePipeline, key: String?, element: String?, body: [TemplateNode], otherwise: [TemplateNode])
    case with(TemplatePipeline, body: [TemplateNode], otherwise: [TemplateNode])
}

struct TemplatePipeline: Sendable {
    var commands: [[TemplateArgument]]
    var offset: Int
}

indirect enum TemplateArgument: Sendable {
    /// `.A.B` (root nil: the dot) or `$x.A.B` (root "" is `$`).
    case field(variable: String?, path: [String])
    case literal(TemplateValue)
    case function(String)
    case pipeline(TemplatePipeline)
}

// MARK: - Lexing

enum TemplateItem {
    case text(String)
    case action([TemplateToken], offset: Int)
}

enum TemplateToken: Equatable, CustomStringConvertible {
    case word(String)
    case string(String)
    case number(Int)
    case pipe, open, close, declare, comma

    var description: String {
        switch self {
        case .word(let word): return word
        case .string(let text): return "\"\(text)\""
        case .number(let number): return String(number)
        case .pipe: return "|"
        case .open: return "("
        case .close: return ")"
        case .declare: return ":="
        case .comma: return ","
        }
    }
}

enum TemplateLexer {
    /// Text and actions, with `{{-`/`-}}` trimming applied and comments dropped.
    static func items(_ source: String) throws(NotificationTemplate.ParseError) -> [TemplateItem] {
        let characters = Array(source)
        var items: [TemplateItem] = []
        var text = ""
        var index = 0
        var trimNext = false
        while index < characters.count {
            guard characters[index] == "{", index + 1 < characters.count, characters[index + 1] == "{" else {
                if trimNext, characters[index].isWhitespace {
                    index += 1
                    continue
                }
                trimNext = false
                text.append(characters[index])
                index += 1
                continue
            }
            trimNext = false
            let start = index
            index += 2
            if index + 1 < characters.count, characters[index] == "-", characters[index + 1].isWhitespace {
                while let last = text.last, last.isWhitespace { text.removeLast() }
                index += 1
            }
            // The action runs to the first }} outside a quoted string.
            var inner: [Character] = []
            var quote: Character?
            var closed = false
            while index < characters.count {
                let character = characters[index]
                if let open = quote {
                    inner.append(character)
                    if character == "\\", open == "\"", index + 1 < characters.count {
                        inner.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    if character == open { quote = nil }
                    index += 1
                    continue
                }
                if character == "\"" || character == "`" {
                    quote = character
                } else if character == "}", index + 1 < characters.count, characters[index + 1] == "}" {
                    closed = true
                    index += 2
                    break
                }
                inner.append(character)
                index += 1
            }
            guard closed else { throw NotificationTemplate.ParseError(message: "unclosed action (no matching }})", offset: start) }
            if inner.count >= 2, inner[inner.count - 1] == "-", inner[inner.count - 2].isWhitespace {
                inner.removeLast()
                trimNext = true
            }
            if !text.isEmpty { items.append(.text(text)) }
            text = ""
            let body = String(inner).trimmingCharacters(in: .whitespacesAndNewlines)
            if body.hasPrefix("/*") {
                guard body.hasSuffix("*/") else { throw NotificationTemplate.ParseError(message: "unclosed comment (write {{/* … */}})", offset: start) }
                continue
            }
            items.append(.action(try tokens(body, offset: start), offset: start))
        }
        if !text.isEmpty { items.append(.text(text)) }
        return items
    }

    static func tokens(_ body: String, offset: Int) throws(NotificationTemplate.ParseError) -> [TemplateToken] {
        var tokens: [TemplateToken] = []
        var characters = Array(body)[...]
        while let character = characters.first {
            if character.isWhitespace {
                characters = characters.dropFirst()
            } else if "|(),".contains(character) {
                tokens.append(character == "|" ? .pipe : character == "(" ? .open : character == ")" ? .close : .comma)
                characters = characters.dropFirst()
            } else if character == ":", characters.dropFirst().first == "=" {
                tokens.append(.declare)
                characters = characters.dropFirst(2)
            } else if character == "\"" || character == "`" {
                characters = characters.dropFirst()
                var text = ""
                var closed = false
                while let next = characters.first {
                    characters = characters.dropFirst()
                    if next == character {
                        closed = true
                        break
                    }
                    if next == "\\", character == "\"", let escaped = characters.first {
                        characters = characters.dropFirst()
                        switch escaped {
                        case "n": text.append("\n")
                        case "t": text.append("\t")
                        case "r": text.append("\r")
                        default: text.append(escaped)
                        }
                    } else {
                        text.append(next)
                    }
                }
                guard closed else { throw NotificationTemplate.ParseError(message: "unterminated string in {{\(body)}}", offset: offset) }
                tokens.append(.string(text))
            } else {
                var word = ""
                while let next = characters.first, !next.isWhitespace, !"|(),\"`".contains(next),
                      !(next == ":" && characters.dropFirst().first == "=") {
                    word.append(next)
                    characters = characters.dropFirst()
                }
                if let number = Int(word) {
                    tokens.append(.number(number))
                } else if word.first?.isNumber == true || word.first == "-" {
                    throw NotificationTemplate.ParseError(message: "\"\(word)\" is not a whole number", offset: offset)
                } else {
                    tokens.append(.word(word))
                }
            }
        }
        return tokens
    }
}

// MARK: - Parsing

struct TemplateParser {
    static let functions: Set<String> = [
        "index", "len", "toUpper", "toLower", "title", "join", "trimSpace", "printf", "js", "json",
        "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not",
    ]

    let items: [TemplateItem]
    var position = 0

    init(items: [TemplateItem]) {
        self.items = items
    }

    mutating func parseAll() throws(NotificationTemplate.ParseError) -> [TemplateNode] {
        let (nodes, terminator) = try parseList(depth: 0)
        if let terminator {
            throw NotificationTemplate.ParseError(message: "{{\(terminator.word)}} without a matching if, range or with", offset: terminator.offset)
        }
        return nodes
    }

    /// Nodes up to an `else`, `else if …` or `end` (returned, not consumed past) or the end of the items.
    private mutating func parseList(depth: Int) throws(NotificationTemplate.ParseError) -> ([TemplateNode], (word: String, tokens: [TemplateToken], offset: Int)?) {
        var nodes: [TemplateNode] = []
        while position < items.count {
            let item = items[position]
            position += 1
            switch item {
            case .text(let text):
                nodes.append(.text(text))
            case .action(let tokens, let offset):
                guard let first = tokens.first else { throw NotificationTemplate.ParseError(message: "empty action {{ }}", offset: offset) }
                switch first {
                case .word("end"), .word("else"):
                    return (nodes, (first.description, Array(tokens.dropFirst()), offset))
                case .word("if"), .word("with"), .word("range"):
                    guard depth < NotificationTemplate.maxDepth else {
                        throw NotificationTemplate.ParseError(message: "if, range and with nest more than \(NotificationTemplate.maxDepth) deep", offset: offset)
                    }
                    nodes.append(try parseBlock(first.description, Array(tokens.dropFirst()), offset: offset, depth: depth + 1))
                case .word("define"), .word("template"), .word("block"):
                    throw NotificationTemplate.ParseError(message: "{{\(first)}} is not supported: write the body in one template", offset: offset)
                default:
                    if tokens.count > 1, case .word(let name) = first, name.hasPrefix("$"), tokens[1] == .declare {
                        throw NotificationTemplate.ParseError(message: "variables are declared only in range ({{range $i, $e := .Alerts}})", offset: offset)
                    }
                    nodes.append(.output(try pipeline(tokens[...], offset: offset)))
                }
            }
        }
        return (nodes, nil)
    }

    private mutating func parseBlock(_ keyword: String, _ tokens: [TemplateToken], offset: Int, depth: Int) throws(NotificationTemplate.ParseError) -> TemplateNode {
        var tokens = tokens[...]
        var key: String?
        var element: String?
        if keyword == "range", let declare = tokens.firstIndex(of: .declare) {
            let names = tokens[..<declare].filter { $0 != .comma }
            guard (1...2).contains(names.count), names.allSatisfy({ if case .word(let w) = $0 { return w.hasPrefix("$") && w.count > 1 } else { return false } }) else {
                throw NotificationTemplate.ParseError(message: "range declares $element or $index, $element before :=", offset: offset)
            }
            let variables = names.map(\.description)
            if variables.count == 2 { key = variables[0]; element = variables[1] } else { element = variables[0] }
            tokens = tokens[tokens.index(after: declare)...]
        }
        let condition = try pipeline(tokens, offset: offset)
        let (body, terminator) = try parseList(depth: depth)
        guard let terminator else { throw NotificationTemplate.ParseError(message: "{{\(keyword)}} without {{end}}", offset: offset) }
        var otherwise: [TemplateNode] = []
        if terminator.word == "else" {
            if terminator.tokens.first == .word("if"), keyword == "if" {
                // `else if …` is an `if` inside the else branch that shares this block's `end`.
                otherwise = [try parseBlock("if", Array(terminator.tokens.dropFirst()), offset: terminator.offset, depth: depth + 1)]
            } else {
                guard terminator.tokens.isEmpty else { throw NotificationTemplate.ParseError(message: "unexpected \(terminator.tokens[0]) after else", offset: terminator.offset) }
                let (rest, end) = try parseList(depth: depth)
                guard let end, end.word == "end" else { throw NotificationTemplate.ParseError(message: "{{else}} of {{\(keyword)}} without {{end}}", offset: terminator.offset) }
                guard end.tokens.isEmpty else { throw NotificationTemplate.ParseError(message: "unexpected \(end.tokens[0]) after end", offset: end.offset) }
                otherwise = rest
            }
        } else if !terminator.tokens.isEmpty {
            throw NotificationTemplate.ParseError(message: "unexpected \(terminator.tokens[0]) after end", offset: terminator.offset)
        }
        switch keyword {
        case "if": return .conditional(condition, then: body, otherwise: otherwise)
        case "with": return .with(condition, body: body, otherwise: otherwise)
        default: return .range(condition, key: key, element: element, body: body, otherwise: otherwise)
        }
    }

    private func pipeline(_ tokens: ArraySlice<TemplateToken>, offset: Int) throws(NotificationTemplate.ParseError) -> TemplatePipeline {
        var rest = tokens
        let result = try pipeline(&rest, offset: offset, nested: false)
        return result
    }

    /// Commands separated by `|`, up to the end or (nested) a `)`.
    private func pipeline(_ tokens: inout ArraySlice<TemplateToken>, offset: Int, nested: Bool) throws(NotificationTemplate.ParseError) -> TemplatePipeline {
        var commands: [[TemplateArgument]] = [[]]
        while let token = tokens.first {
            tokens = tokens.dropFirst()
            switch token {
            case .pipe:
                guard !(commands.last ?? []).isEmpty else { throw NotificationTemplate.ParseError(message: "missing command before |", offset: offset) }
                commands.append([])
            case .close:
                guard nested else { throw NotificationTemplate.ParseError(message: "unexpected )", offset: offset) }
                guard !(commands.last ?? []).isEmpty else { throw NotificationTemplate.ParseError(message: "empty ( )", offset: offset) }
                return TemplatePipeline(commands: commands, offset: offset)
            case .open:
                let inner = try pipeline(&tokens, offset: offset, nested: true)
                commands[commands.count - 1].append(.pipeline(inner))
            case .declare, .comma:
                throw NotificationTemplate.ParseError(message: "unexpected \(token)", offset: offset)
            case .string(let text):
                commands[commands.count - 1].append(.literal(.string(text)))
            case .number(let number):
                commands[commands.count - 1].append(.literal(.int(number)))
            case .word(let word):
                commands[commands.count - 1].append(try argument(word, offset: offset))
            }
        }
        guard !nested else { throw NotificationTemplate.ParseError(message: "unclosed (", offset: offset) }
        guard let last = commands.last, !last.isEmpty else { throw NotificationTemplate.ParseError(message: "missing command", offset: offset) }
        for command in commands {
            if command.count > 1, case .function = command[0] { continue }
            if command.count > 1 { throw NotificationTemplate.ParseError(message: "\(command.count - 1) unexpected argument\(command.count == 2 ? "" : "s") after an operand (only functions take arguments)", offset: offset) }
        }
        for command in commands.dropFirst() {
            guard case .function = command[0] else { throw NotificationTemplate.ParseError(message: "only a function can follow |", offset: offset) }
        }
        return TemplatePipeline(commands: commands, offset: offset)
    }

    private func argument(_ word: String, offset: Int) throws(NotificationTemplate.ParseError) -> TemplateArgument {
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "nil": return .literal(.null)
        case ".": return .field(variable: nil, path: [])
        default: break
        }
        if word.hasPrefix(".") || word.hasPrefix("$") {
            var parts = word.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let variable: String?
            if word.hasPrefix("$") {
                variable = parts.removeFirst()
            } else {
                variable = nil
                parts.removeFirst()
            }
            guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
                throw NotificationTemplate.ParseError(message: "\"\(word)\" is not a field or variable", offset: offset)
            }
            return .field(variable: variable, path: parts)
        }
        guard Self.functions.contains(word) else {
            var message = "unknown function \"\(word)\" (functions: \(Self.functions.sorted().joined(separator: ", ")))"
            if word.first?.isUppercase == true { message += "; fields start with a dot: .\(word)" }
            throw NotificationTemplate.ParseError(message: message, offset: offset)
        }
        return .function(word)
    }
}
