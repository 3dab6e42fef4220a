/// A regular expression matched against a whole value (a label value of a silence matcher, `=~`
/// and `!~`; a model name of a price entry's `match`) in time linear in the value's length: the pattern becomes a Thompson NFA whose states are followed
/// all at once, so no pattern, however written, can make the evaluator backtrack.
///
/// The syntax is the part of RE2's (Alertmanager's, Prometheus') that a label needs: literals,
/// `.`, classes (`[a-z0-9_]`, `[^…]`, `\d \w \s` and their negations, `[:alpha:]`-style names),
/// groups (`(…)`, `(?:…)`, `(?P<name>…)`), alternation, `* + ?` and `{m}`, `{m,}`, `{m,n}` (lazy
/// forms accepted: a whole-value match does not care), `^ $ \A \z`, and the flags `i` and `s`
/// (`(?i)…`, `(?i:…)`). Backreferences, lookaround, `\b` and Unicode classes are refused, as RE2
/// refuses most of them. Limits: 1024 characters, repetition counts up to 1000, nesting 100 deep,
/// and a compiled program of 5000 steps.
public struct LabelRegex: Sendable {
    /// Why a pattern was refused.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, for the person who wrote the pattern.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The longest pattern taken, in characters.
    public static let maxPatternLength = 1024
    /// The largest count of a `{m,n}` repetition.
    public static let maxRepeat = 1000
    /// The most steps a compiled pattern may have.
    public static let maxProgramSize = 5000
    static let maxNesting = 100

    private let program: [Instruction]

    /// Compiles `pattern`, anchored at both ends; throws `SyntaxError` when it is not one this
    /// matcher takes.
    public init(_ pattern: String) throws {
        guard pattern.count <= Self.maxPatternLength else {
            throw SyntaxError(message: "the pattern is \(pattern.count) characters long; at most \(Self.maxPatternLength) are allowed")
        }
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        let node = try parser.parse()
        var compiler = Compiler()
        try compiler.compile(node)
        compiler.program.append(.match)
        program = compiler.program
    }

    /// Whether all of `text` matches.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var marks = [Int](repeating: -1, count: program.count)
        var stack: [Int] = []
        var current: [Int] = []
        var next: [Int] = []
        func close(from start: Int, position: Int, generation: Int, into list: inout [Int]) {
            stack.append(start)
            while let pc = stack.popLast() {
                guard marks[pc] != generation else { continue }
                marks[pc] = generation
                switch program[pc] {
                case .jump(let target): stack.append(target)
                case .split(let first, let second):
                    stack.append(second)
                    stack.append(first)
                case .textStart: if position == 0 { stack.append(pc + 1) }
                case .textEnd: if position == scalars.count { stack.append(pc + 1) }
                case .set, .match: list.append(pc)
                }
            }
        }
        close(from: 0, position: 0, generation: 0, into: &current)
        for (index, scalar) in scalars.enumerated() {
            if current.isEmpty { return false }
            next.removeAll(keepingCapacity: true)
            for pc in current {
                if case .set(let set) = program[pc], set.contains(scalar.value) {
                    close(from: pc + 1, position: index + 1, generation: index + 1, into: &next)
                }
            }
            swap(&current, &next)
        }
        return current.contains { if case .match = program[$0] { true } else { false } }
    }

    /// One step of the program.
    enum Instruction: Sendable {
        case set(ScalarSet)
        case split(Int, Int)
        case jump(Int)
        case textStart
        case textEnd
        case match
    }

    /// A set of Unicode scalar values, as ranges.
    struct ScalarSet: Sendable {
        var ranges: [ClosedRange<UInt32>]
        var negated = false
        var foldCase = false

        func contains(_ value: UInt32) -> Bool {
            var found = ranges.contains { $0.contains(value) }
            if !found, foldCase {
                found = Self.caseVariants(of: value).contains { variant in ranges.contains { $0.contains(variant) } }
            }
            return found != negated
        }

        static func caseVariants(of value: UInt32) -> [UInt32] {
            guard let scalar = Unicode.Scalar(value) else { return [] }
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            let upper = scalar.properties.uppercaseMapping.unicodeScalars
            var variants: [UInt32] = []
            if lower.count == 1, let first = lower.first { variants.append(first.value) }
            if upper.count == 1, let first = upper.first { variants.append(first.value) }
            return variants
        }

        /// The ranges not in `ranges` (sorted and merged first), within Unicode.
        static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
            var result: [ClosedRange<UInt32>] = []
            var next: UInt32 = 0
            for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
                if range.upperBound >= next { next = range.upperBound + 1 }
            }
            if next <= 0x10FFFF { result.append(next...0x10FFFF) }
            return result
        }
    }

    /// A parsed pattern.
    indirect enum Node: Sendable {
        case set(ScalarSet)
        case textStart
        case textEnd
        case concatenation([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?)
    }

    struct Flags {
        var foldCase = false
        var dotAll = false
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0
        var depth = 0

        mutating func parse() throws -> Node {
            var flags = Flags()
            let node = try alternation(&flags)
            if position < scalars.count {
                throw SyntaxError(message: "unexpected ) at character \(position + 1)")
            }
            return node
        }

        private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        private mutating func alternation(_ flags: inout Flags) throws -> Node {
            var branches = [try concatenation(&flags)]
            while peek == "|" {
                position += 1
                branches.append(try concatenation(&flags))
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        private mutating func concatenation(_ flags: inout Flags) throws -> Node {
            var items: [Node] = []
            while let scalar = peek, scalar != "|", scalar != ")" {
                guard let parsed = try atom(&flags) else { continue }
                var node = parsed
                var quantified = false
                while let counts = try quantifier() {
                    guard !quantified else {
                        throw SyntaxError(message: "a repetition of a repetition (such as a** or a+{2}) at character \(position); group it to mean it")
                    }
                    quantified = true
                    if peek == "?" { position += 1 }  // lazy: the same whole-value match
                    node = .repetition(node, min: counts.min, max: counts.max)
                }
                items.append(node)
            }
            return items.count == 1 ? items[0] : .concatenation(items)
        }

        /// A quantifier at the position, consumed; nil when there is none.
        private mutating func quantifier() throws -> (min: Int, max: Int?)? {
            switch peek {
            case "*": position += 1; return (0, nil)
            case "+": position += 1; return (1, nil)
            case "?": position += 1; return (0, 1)
            case "{":
                guard let counts = try counted(from: position) else { return nil }
                position = counts.end
                return (counts.min, counts.max)
            default: return nil
            }
        }

        /// `{m}`, `{m,}` or `{m,n}` starting at `start`: the counts and the index after `}`; nil
        /// when the brace does not open one (it is then a literal, as in RE2).
        private func counted(from start: Int) throws -> (min: Int, max: Int?, end: Int)? {
            var index = start + 1
            func number() -> Int? {
                var digits = ""
                while index < scalars.count, ("0"..."9").contains(scalars[index]), digits.count < 5 {
                    digits.unicodeScalars.append(scalars[index])
                    index += 1
                }
                return Int(digits)
            }
            guard let min = number() else { return nil }
            var max: Int? = min
            if index < scalars.count, scalars[index] == "," {
                index += 1
                max = number()
            }
            guard index < scalars.count, scalars[index] == "}" else { return nil }
            guard min <= LabelRegex.maxRepeat, (max ?? 0) <= LabelRegex.maxRepeat else {
                throw SyntaxError(message: "repetition counts go up to \(LabelRegex.maxRepeat) (character \(start + 1))")
            }
            if let max, max < min { throw SyntaxError(message: "repetition {\(min),\(max)} has its maximum below its minimum") }
            return (min, max, index + 1)
        }

        /// One atom; nil for a flag group such as `(?i)`, which sets flags for the rest of its group.
        private mutating func atom(_ flags: inout Flags) throws -> Node? {
            let scalar = scalars[position]
            if scalar == "{", try counted(from: position) != nil {
                throw SyntaxError(message: "{ at character \(position + 1) repeats nothing")
            }
            position += 1
            switch scalar {
            case "(":
                return try group(&flags)
            case "[":
                return .set(try characterClass(flags))
            case ".":
                return .set(ScalarSet(ranges: flags.dotAll ? [] : [0x0A...0x0A], negated: true))
            case "^": return .textStart
            case "$": return .textEnd
            case "\\":
                return try escape(flags)
            case "*", "+", "?":
                throw SyntaxError(message: "\(scalar) at character \(position) repeats nothing")
            default:
                return .set(literal(scalar.value, flags))
            }
        }

        private func literal(_ value: UInt32, _ flags: Flags) -> ScalarSet {
            ScalarSet(ranges: [value...value], foldCase: flags.foldCase)
        }

        private mutating func group(_ outer: inout Flags) throws -> Node? {
            var flags = outer
            if peek == "?" {
                position += 1
                switch peek {
                case ":": position += 1
                case "P", "<":
                    if peek == "P" { position += 1 }
                    guard peek == "<" else { throw SyntaxError(message: "a group (?P must name itself: (?P<name>…)") }
                    if position + 1 < scalars.count, scalars[position + 1] == "=" || scalars[position + 1] == "!" {
                        throw SyntaxError(message: "lookbehind ((?<= or (?<!) is not supported")
                    }
                    while let next = peek, next != ">" { position += 1 }
                    guard peek == ">" else { throw SyntaxError(message: "a group name is not closed with >") }
                    position += 1
                case "=", "!":
                    throw SyntaxError(message: "lookahead ((?= or (?!) is not supported")
                default:
                    var enable = true
                    var changed = flags
                    while let next = peek, next != ")", next != ":" {
                        switch next {
                        case "-": enable = false
                        case "i": changed.foldCase = enable
                        case "s": changed.dotAll = enable
                        default: throw SyntaxError(message: "flag \(next) is not supported (only i and s are)")
                        }
                        position += 1
                    }
                    guard let end = peek else { throw SyntaxError(message: "missing ) after flags") }
                    position += 1
                    if end == ")" {
                        outer = changed
                        return nil
                    }
                    flags = changed
                }
            }
            depth += 1
            guard depth <= LabelRegex.maxNesting else { throw SyntaxError(message: "groups nest more than \(LabelRegex.maxNesting) deep") }
            let node = try alternation(&flags)
            depth -= 1
            guard peek == ")" else { throw SyntaxError(message: "missing ) for the group") }
            position += 1
            return node
        }

        private mutating func escape(_ flags: Flags) throws -> Node {
            guard let scalar = peek else { throw SyntaxError(message: "the pattern ends with a lone \\") }
            position += 1
            switch scalar {
            case "A": return .textStart
            case "z": return .textEnd
            case "1"..."9":
                throw SyntaxError(message: "backreferences (\\\(scalar)) are not supported")
            default:
                return .set(try escapedSet(scalar, flags))
            }
        }

        /// The set an escape stands for, inside or outside a class.
        private func escapedSet(_ scalar: Unicode.Scalar, _ flags: Flags) throws -> ScalarSet {
            switch scalar {
            case "d": return ScalarSet(ranges: Self.digit)
            case "D": return ScalarSet(ranges: Self.digit, negated: true)
            case "w": return ScalarSet(ranges: Self.word)
            case "W": return ScalarSet(ranges: Self.word, negated: true)
            case "s": return ScalarSet(ranges: Self.space)
            case "S": return ScalarSet(ranges: Self.space, negated: true)
            case "t": return literal(0x09, flags)
            case "n": return literal(0x0A, flags)
            case "r": return literal(0x0D, flags)
            case "f": return literal(0x0C, flags)
            case "v": return literal(0x0B, flags)
            case "b", "B": throw SyntaxError(message: "word boundaries (\\\(scalar)) are not supported")
            case "k": throw SyntaxError(message: "backreferences (\\k) are not supported")
            case "p", "P": throw SyntaxError(message: "Unicode classes (\\\(scalar){…}) are not supported")
            default:
                guard scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar) else {
                    throw SyntaxError(message: "unknown escape \\\(scalar)")
                }
                return literal(scalar.value, flags)
            }
        }

        static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
        static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        static let space: [ClosedRange<UInt32>] = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
        static let named: [String: [ClosedRange<UInt32>]] = [
            "alpha": [0x41...0x5A, 0x61...0x7A], "digit": digit, "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A],
            "lower": [0x61...0x7A], "upper": [0x41...0x5A], "space": [0x09...0x0D, 0x20...0x20], "word": word,
            "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66], "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E],
        ]

        private mutating func characterClass(_ flags: Flags) throws -> ScalarSet {
            var ranges: [ClosedRange<UInt32>] = []
            var negated = false
            if peek == "^" {
                negated = true
                position += 1
            }
            var first = true
            while true {
                guard let scalar = peek else { throw SyntaxError(message: "missing ] for a class") }
                if scalar == "]", !first {
                    position += 1
                    break
                }
                first = false
                position += 1
                let low: UInt32
                switch scalar {
                case "[" where peek == ":":
                    var end = position + 1
                    while end + 1 < scalars.count, !(scalars[end] == ":" && scalars[end + 1] == "]") { end += 1 }
                    guard end + 1 < scalars.count else { throw SyntaxError(message: "missing :] for a named class") }
                    var name = String(String.UnicodeScalarView(scalars[(position + 1)..<end]))
                    let negate = name.hasPrefix("^")
                    if negate { name.removeFirst() }
                    guard let named = Self.named[name] else { throw SyntaxError(message: "unknown class [:\(name):]") }
                    ranges += negate ? ScalarSet.complement(named) : named
                    position = end + 2
                    continue
                case "\\":
                    guard let escaped = peek else { throw SyntaxError(message: "missing ] for a class") }
                    position += 1
                    if ("1"..."9").contains(escaped) {
                        throw SyntaxError(message: "backreferences (\\\(escaped)) are not supported")
                    }
                    let set = try escapedSet(escaped, flags)
                    if set.ranges.count == 1, let only = set.ranges.first, only.count == 1, !set.negated {
                        low = only.lowerBound
                    } else {
                        ranges += set.negated ? ScalarSet.complement(set.ranges) : set.ranges
                        continue
                    }
                default:
                    low = scalar.value
                }
                // A range low-high, unless the - is the class's last character.
                if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                    position += 1
                    var high = scalars[position].value
                    position += 1
                    if high == 0x5C {  // backslash
                        guard let escaped = peek else { throw SyntaxError(message: "missing ] for a class") }
                        position += 1
                        let set = try escapedSet(escaped, flags)
                        guard set.ranges.count == 1, let only = set.ranges.first, only.count == 1, !set.negated else {
                            throw SyntaxError(message: "a range cannot end in a class such as \\\(escaped)")
                        }
                        high = only.lowerBound
                    }
                    guard low <= high else { throw SyntaxError(message: "the class range ends before it starts") }
                    ranges.append(low...high)
                } else {
                    ranges.append(low...low)
                }
            }
            return ScalarSet(ranges: ranges, negated: negated, foldCase: flags.foldCase)
        }
    }

    struct Compiler {
        var program: [Instruction] = []

        mutating func compile(_ node: Node) throws {
            guard program.count <= LabelRegex.maxProgramSize else {
                throw SyntaxError(message: "the pattern is too large once its repetitions are counted (more than \(LabelRegex.maxProgramSize) steps)")
            }
            switch node {
            case .set(let set): program.append(.set(set))
            case .textStart: program.append(.textStart)
            case .textEnd: program.append(.textEnd)
            case .concatenation(let items):
                for item in items { try compile(item) }
            case .alternation(let branches):
                var jumps: [Int] = []
                for (index, branch) in branches.enumerated() {
                    if index < branches.count - 1 {
                        let split = program.count
                        program.append(.split(split + 1, 0))
                        try compile(branch)
                        jumps.append(program.count)
                        program.append(.jump(0))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        try compile(branch)
                    }
                }
                for jump in jumps { program[jump] = .jump(program.count) }
            case .repetition(let body, let min, let max):
                for _ in 0..<min { try compile(body) }
                if let max {
                    for _ in 0..<(max - min) {
                        let split = program.count
                        program.append(.split(split + 1, 0))
                        try compile(body)
                        program[split] = .split(split + 1, program.count)
                    }
                } else {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    try compile(body)
                    program.append(.jump(split))
                    program[split] = .split(split + 1, program.count)
                }
            }
            guard program.count <= LabelRegex.maxProgramSize else {
                throw SyntaxError(message: "the pattern is too large once its repetitions are counted (more than \(LabelRegex.maxProgramSize) steps)")
            }
        }
    }
}
