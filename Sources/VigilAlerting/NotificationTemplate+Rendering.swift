internal import Foundation

/// Executes a `NotificationTemplate`'s nodes, counting steps and output bytes against the limits.
struct TemplateRenderer {
    let root: TemplateValue
    var output = ""
    private var outputBytes = 0
    private var steps = 0
    private var variables: [String: TemplateValue] = [:]

    init(root: TemplateValue) {
        self.root = root
        variables["$"] = root
    }

    typealias RenderError = NotificationTemplate.RenderError

    mutating func run(_ nodes: [TemplateNode], dot: TemplateValue) throws(RenderError) {
        for node in nodes {
            steps += 1
            guard steps <= NotificationTemplate.maxSteps else {
                throw RenderError(message: "the template took more than \(NotificationTemplate.maxSteps) steps")
            }
            switch node {
            case .text(let text):
                try write(text)
            case .output(let pipeline):
                try write(try evaluate(pipeline, dot: dot).printed)
            case .conditional(let pipeline, let then, let otherwise):
                try run(try evaluate(pipeline, dot: dot).isTruthy ? then : otherwise, dot: dot)
            case .with(let pipeline, let body, let otherwise):
                let value = try evaluate(pipeline, dot: dot)
                if value.isTruthy { try run(body, dot: value) } else { try run(otherwise, dot: dot) }
            case .range(let pipeline, let key, let element, let body, let otherwise):
                let value = try evaluate(pipeline, dot: dot)
                let pairs: [(TemplateValue, TemplateValue)]
                switch value {
                case .list(let items): pairs = items.enumerated().map { (TemplateValue.int($0.offset), $0.element) }
                case .map(let entries): pairs = entries.sorted { $0.key < $1.key }.map { (TemplateValue.string($0.key), $0.value) }
                case .null, .string(""): pairs = []
                default: throw RenderError(message: "range over \(Self.describe(value)), which is not a list or map")
                }
                if pairs.isEmpty {
                    try run(otherwise, dot: dot)
                    continue
                }
                let saved = variables
                for (index, item) in pairs {
                    if let key { variables[key] = index }
                    if let element { variables[element] = item }
                    try run(body, dot: item)
                }
                variables = saved
            }
        }
    }

    private mutating func write(_ text: String) throws(RenderError) {
        outputBytes += text.utf8.count
        guard outputBytes <= NotificationTemplate.maxOutputBytes else {
            throw RenderError(message: "the body would be larger than \(NotificationTemplate.maxOutputBytes / 1024) KiB")
        }
        output += text
    }

    private func evaluate(_ pipeline: TemplatePipeline, dot: TemplateValue) throws(RenderError) -> TemplateValue {
        var piped: TemplateValue?
        for command in pipeline.commands {
            if case .function(let name) = command[0] {
                var arguments: [TemplateValue] = []
                for argument in command.dropFirst() { arguments.append(try value(of: argument, dot: dot)) }
                if let piped { arguments.append(piped) }
                piped = try Self.call(name, arguments)
            } else {
                piped = try value(of: command[0], dot: dot)
            }
        }
        return piped ?? .null
    }

    private func value(of argument: TemplateArgument, dot: TemplateValue) throws(RenderError) -> TemplateValue {
        switch argument {
        case .literal(let value):
            return value
        case .pipeline(let pipeline):
            return try evaluate(pipeline, dot: dot)
        case .function(let name):
            return try Self.call(name, [])
        case .field(let variable, let path):
            var current: TemplateValue
            if let variable {
                guard let bound = variables[variable] else { throw RenderError(message: "undefined variable \(variable)") }
                current = bound
            } else {
                current = dot
            }
            for name in path { current = try Self.field(name, of: current) }
            return current
        }
    }

    static func field(_ name: String, of value: TemplateValue) throws(RenderError) -> TemplateValue {
        switch value {
        case .map(let entries):
            // A missing key reads as "", as a missing label does in Alertmanager's KV maps.
            return entries[name] ?? .string("")
        case .list(let items) where name == "Firing" || name == "Resolved":
            let status = name.lowercased()
            return .list(items.filter { item in
                if case .map(let entries) = item, entries["Status"] == .string(status) { return true }
                return false
            })
        default:
            throw RenderError(message: "can't evaluate field \(name) of \(describe(value))")
        }
    }

    static func describe(_ value: TemplateValue) -> String {
        switch value {
        case .string: return "a string"
        case .int: return "a number"
        case .bool: return "a boolean"
        case .list: return "a list"
        case .map: return "a map"
        case .null: return "nothing"
        }
    }

    // MARK: - Functions

    static func call(_ name: String, _ arguments: [TemplateValue]) throws(RenderError) -> TemplateValue {
        func arity(_ count: Int) throws(RenderError) {
            guard arguments.count == count else {
                throw RenderError(message: "\(name) takes \(count) argument\(count == 1 ? "" : "s"), got \(arguments.count)")
            }
        }
        switch name {
        case "len":
            try arity(1)
            switch arguments[0] {
            case .string(let text): return .int(text.utf8.count)
            case .list(let items): return .int(items.count)
            case .map(let entries): return .int(entries.count)
            case .null: return .int(0)
            default: throw RenderError(message: "len of \(describe(arguments[0]))")
            }
        case "index":
            guard arguments.count >= 2 else { throw RenderError(message: "index takes a collection and at least one key") }
            var current = arguments[0]
            for key in arguments.dropFirst() {
                switch (current, key) {
                case (.map(let entries), .string(let name)):
                    current = entries[name] ?? .string("")
                case (.list(let items), .int(let position)):
                    guard items.indices.contains(position) else { throw RenderError(message: "index \(position) out of range (\(items.count) items)") }
                    current = items[position]
                default:
                    throw RenderError(message: "cannot index \(describe(current)) with \(describe(key))")
                }
            }
            return current
        case "toUpper", "toLower", "title", "trimSpace", "js", "json":
            try arity(1)
            if name == "json" { return .string(arguments[0].json) }
            let text = arguments[0].printed
            switch name {
            case "toUpper": return .string(text.uppercased())
            case "toLower": return .string(text.lowercased())
            case "title": return .string(text.capitalized)
            case "trimSpace": return .string(text.trimmingCharacters(in: .whitespacesAndNewlines))
            default: return .string(javaScriptEscaped(text))
            }
        case "join":
            try arity(2)
            guard case .string(let separator) = arguments[0] else { throw RenderError(message: "join takes the separator first: join \", \" .List") }
            switch arguments[1] {
            case .list(let items): return .string(items.map(\.printed).joined(separator: separator))
            case .map(let entries): return .string(entries.sorted { $0.key < $1.key }.map(\.value.printed).joined(separator: separator))
            default: throw RenderError(message: "join of \(describe(arguments[1]))")
            }
        case "printf":
            guard case .string(let format)? = arguments.first else { throw RenderError(message: "printf takes a quoted format first") }
            return .string(try printf(format, Array(arguments.dropFirst())))
        case "eq", "ne":
            guard arguments.count >= 2 else { throw RenderError(message: "\(name) takes two arguments") }
            let equal = arguments.dropFirst().contains(arguments[0])
            return .bool(name == "eq" ? equal : !equal)
        case "lt", "le", "gt", "ge":
            try arity(2)
            let order: Bool
            switch (arguments[0], arguments[1]) {
            case (.int(let a), .int(let b)):
                order = name == "lt" ? a < b : name == "le" ? a <= b : name == "gt" ? a > b : a >= b
            case (.string(let a), .string(let b)):
                order = name == "lt" ? a < b : name == "le" ? a <= b : name == "gt" ? a > b : a >= b
            default:
                throw RenderError(message: "\(name) compares two numbers or two strings, not \(describe(arguments[0])) and \(describe(arguments[1]))")
            }
            return .bool(order)
        case "and":
            guard !arguments.isEmpty else { throw RenderError(message: "and takes arguments") }
            return arguments.first { !$0.isTruthy } ?? arguments[arguments.count - 1]
        case "or":
            guard !arguments.isEmpty else { throw RenderError(message: "or takes arguments") }
            return arguments.first { $0.isTruthy } ?? arguments[arguments.count - 1]
        case "not":
            try arity(1)
            return .bool(!arguments[0].isTruthy)
        default:
            throw RenderError(message: "unknown function \(name)")
        }
    }

    /// Go's `template.JSEscapeString`: \ ' " as backslash escapes, < > & = and control
    /// characters as \uXXXX.
    static func javaScriptEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "<", ">", "&", "=":
                out += "\\u00" + String(scalar.value, radix: 16, uppercase: true)
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `printf` with `%s`, `%v`, `%d`, `%q` and `%%`, one argument per verb.
    static func printf(_ format: String, _ arguments: [TemplateValue]) throws(RenderError) -> String {
        var out = ""
        var remaining = arguments[...]
        var characters = Array(format)[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            guard character == "%" else {
                out.append(character)
                continue
            }
            guard let verb = characters.first else { throw RenderError(message: "printf format \"\(format)\" ends with %") }
            characters = characters.dropFirst()
            if verb == "%" {
                out.append("%")
                continue
            }
            guard let argument = remaining.first else { throw RenderError(message: "printf format \"\(format)\" has more verbs than arguments") }
            remaining = remaining.dropFirst()
            switch verb {
            case "s", "v": out += argument.printed
            case "d":
                guard case .int(let number) = argument else { throw RenderError(message: "printf %d of \(describe(argument))") }
                out += String(number)
            case "q": out += TemplateValue.string(argument.printed).json
            default: throw RenderError(message: "printf takes %s, %v, %d and %q, not %\(verb)")
            }
        }
        guard remaining.isEmpty else { throw RenderError(message: "printf format \"\(format)\" has fewer verbs than arguments") }
        return out
    }
}
