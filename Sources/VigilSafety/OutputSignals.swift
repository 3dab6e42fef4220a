/// Checks a model's output for signs that it was manipulated: markdown images and links that send
/// data to a domain not on the project's allow-list, HTML or script, shell or SQL payloads when the
/// call was not a coding task, PII and secrets (`PIIDetector`), and passages of the call's own
/// system instructions (8 words in a row, or 50 characters, in common).
public struct OutputSignals: Sendable {
    /// Domains that links and images may point to (a listed domain allows its subdomains).
    public var allowedDomains: [String]

    /// Makes the checker with the project's allowed link domains.
    public init(allowedDomains: [String] = []) {
        self.allowedDomains = allowedDomains.map { $0.lowercased() }
    }

    /// The signals in `output`, in order; offsets in Unicode scalars of `output`.
    /// - Parameters:
    ///   - system: the call's system instructions, for leakage.
    ///   - codeTask: whether code was asked for (then shell and SQL are expected, not signals).
    public func scan(_ output: String, system: String? = nil, codeTask: Bool = false) -> [OutputSignal] {
        let text = Array(output.unicodeScalars)
        let lower = text.map { $0.asciiLowercased }
        var signals = links(text)
        signals += markup(lower)
        if !codeTask { signals += payloads(lower) }
        signals += PIIDetector.findings(in: output).map { OutputSignal(kind: $0.kind == .secret ? .secret : .pii, start: $0.start, end: $0.end, detail: $0.kind.rawValue) }
        if let system, let leak = Self.leak(of: system, in: lower) { signals.append(leak) }
        return signals.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    // MARK: Links and images

    /// Markdown images `![alt](url)` to any domain not allowed, markdown links `[text](url)` and
    /// HTML `<img src=…>` whose URL to a domain not allowed carries a query or a fragment.
    func links(_ text: [Unicode.Scalar]) -> [OutputSignal] {
        var found: [OutputSignal] = []
        var index = 0
        while index < text.count {
            guard text[index] == "]", index + 1 < text.count, text[index + 1] == "(" else {
                index += 1
                continue
            }
            guard let open = (max(0, index - 1000)..<index).reversed().first(where: { text[$0] == "[" }) else {
                index += 1
                continue
            }
            let urlStart = index + 2
            var urlEnd = urlStart
            while urlEnd < text.count, text[urlEnd] != ")", text[urlEnd] != " ", text[urlEnd] != "\n" { urlEnd += 1 }
            let url = Lexicon.string(text[urlStart..<urlEnd])
            let image = open > 0 && text[open - 1] == "!"
            if let host = Self.host(of: url), !isAllowed(host), image || Self.carriesData(url) {
                let end = urlEnd < text.count && text[urlEnd] == ")" ? urlEnd + 1 : urlEnd
                found.append(OutputSignal(kind: .exfiltrationLink, start: image ? open - 1 : open, end: end, detail: host))
            }
            index = urlEnd
        }
        return found
    }

    /// The host of an `http`/`https` URL (or a protocol-relative one), lower case.
    static func host(of url: String) -> String? {
        let lower = url.lowercased()
        var rest: Substring
        if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else if lower.hasPrefix("//") {
            rest = lower.dropFirst(2)
        } else {
            return nil
        }
        if let at = rest.firstIndex(of: "@"), rest[..<at].allSatisfy({ $0 != "/" }) { rest = rest[rest.index(after: at)...] }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" }
        return host.isEmpty ? nil : String(host)
    }

    /// Whether a URL carries data beyond its path: a query or a fragment.
    static func carriesData(_ url: String) -> Bool {
        url.contains("?") || url.contains("#") || url.contains("=")
    }

    func isAllowed(_ host: String) -> Bool {
        allowedDomains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    // MARK: Markup and payloads

    static let markupTerms = ["<script", "<iframe", "<object", "<embed", "javascript:", "onerror=", "onload=", "onclick=", "onmouseover=", "<img ", "<form", "<meta http-equiv"]
    static let shellTerms = ["| sh", "|sh", "| bash", "|bash", "rm -rf", "bash -c", "sh -c", "nc -e", "/bin/sh", "/bin/bash", "chmod +x", "powershell -e", "mkfifo", "base64 -d |", "curl http", "wget http", "> /dev/tcp/"]
    static let sqlTerms = ["drop table", "drop database", "delete from", "truncate table", "union select", "' or '1'='1", "' or 1=1", "xp_cmdshell", "; --", "insert into", "alter table", "grant all"]

    func markup(_ lower: [Unicode.Scalar]) -> [OutputSignal] {
        Self.occurrences(of: Self.markupTerms, in: lower, kind: .markup)
    }

    func payloads(_ lower: [Unicode.Scalar]) -> [OutputSignal] {
        Self.occurrences(of: Self.shellTerms, in: lower, kind: .shell) + Self.occurrences(of: Self.sqlTerms, in: lower, kind: .sql)
    }

    static func occurrences(of terms: [String], in lower: [Unicode.Scalar], kind: OutputSignal.Kind) -> [OutputSignal] {
        var found: [OutputSignal] = []
        for term in terms {
            let pattern = Array(term.unicodeScalars)
            guard pattern.count <= lower.count else { continue }
            var index = 0
            while index + pattern.count <= lower.count {
                if Lexicon.matches(pattern, lower, at: index) {
                    found.append(OutputSignal(kind: kind, start: index, end: index + pattern.count, detail: term))
                    index += pattern.count
                } else {
                    index += 1
                }
            }
        }
        return found
    }

    // MARK: System-prompt leakage

    /// How many words in a row the output must share with the system instructions.
    static let shingleWords = 8
    /// How many characters in a row (after collapsing whitespace) the output must share.
    static let sharedCharacters = 50

    /// The first passage of `lower` (the output, ASCII lower-cased) that repeats 8 words or 50
    /// characters of `system`, as one signal spanning every such passage.
    static func leak(of system: String, in lower: [Unicode.Scalar]) -> OutputSignal? {
        let systemScalars = Array(system.unicodeScalars.prefix(20_000)).map { $0.asciiLowercased }
        let systemWords = words(systemScalars).map(\.text)
        guard systemWords.count >= shingleWords || systemScalars.count >= sharedCharacters else { return nil }
        var shingles = Set<[String]>()
        if systemWords.count >= shingleWords {
            for start in 0...(systemWords.count - shingleWords) { shingles.insert(Array(systemWords[start..<(start + shingleWords)])) }
        }
        var first: Int?
        var last = 0
        let outputWords = words(lower)
        if outputWords.count >= shingleWords {
            for start in 0...(outputWords.count - shingleWords) where shingles.contains(outputWords[start..<(start + shingleWords)].map(\.text)) {
                if first == nil { first = outputWords[start].start }
                last = max(last, outputWords[start + shingleWords - 1].end)
            }
        }
        if first == nil {
            // Short words or punctuation-heavy instructions: 50 characters in common, whitespace collapsed.
            let (collapsedSystem, _) = collapsedWithOffsets(systemScalars)
            let (collapsedOutput, offsets) = collapsedWithOffsets(lower)
            if collapsedSystem.count >= sharedCharacters, collapsedOutput.count >= sharedCharacters {
                var windows = Set<ArraySlice<Unicode.Scalar>>()
                for start in 0...(collapsedSystem.count - sharedCharacters) { windows.insert(collapsedSystem[start..<(start + sharedCharacters)]) }
                for start in 0...(collapsedOutput.count - sharedCharacters) where windows.contains(collapsedOutput[start..<(start + sharedCharacters)]) {
                    if first == nil { first = offsets[start] }
                    last = max(last, offsets[start + sharedCharacters - 1] + 1)
                }
            }
        }
        guard let first else { return nil }
        return OutputSignal(kind: .systemPromptLeak, start: first, end: last, detail: nil)
    }

    /// The words (runs of letters and digits) with their offsets.
    static func words(_ scalars: [Unicode.Scalar]) -> [(text: String, start: Int, end: Int)] {
        var words: [(text: String, start: Int, end: Int)] = []
        var start: Int?
        for index in 0...scalars.count {
            let inWord = index < scalars.count && scalars[index].isLetterOrNumber
            if inWord, start == nil { start = index }
            if !inWord, let begin = start {
                words.append((Lexicon.string(scalars[begin..<index]), begin, index))
                start = nil
            }
        }
        return words
    }

    /// The scalars with whitespace runs as one space, and the original offset of each.
    static func collapsedWithOffsets(_ scalars: [Unicode.Scalar]) -> ([Unicode.Scalar], [Int]) {
        var out: [Unicode.Scalar] = []
        var offsets: [Int] = []
        var inSpace = false
        for (index, scalar) in scalars.enumerated() {
            if InjectionNormalizer.whitespace.contains(scalar.value) {
                if !inSpace {
                    out.append(" ")
                    offsets.append(index)
                }
                inSpace = true
            } else {
                out.append(scalar)
                offsets.append(index)
                inSpace = false
            }
        }
        return (out, offsets)
    }

    /// Whether a request asks for code, so shell and SQL in the answer are expected: a code fence,
    /// or a word about code in one of the six languages.
    public static func isCodeTask(_ input: String) -> Bool {
        let lower = input.lowercased()
        if lower.contains("```") { return true }
        let words = Set(self.words(Array(lower.unicodeScalars)).map(\.text))
        return !words.isDisjoint(with: codeWords)
    }

    static let codeWords: Set<String> = [
        "code", "script", "sql", "query", "function", "bash", "shell", "terminal", "command", "regex",
        "python", "javascript", "typescript", "swift", "java", "golang", "rust", "program", "compile", "debug",
        "migration", "database", "dockerfile", "kubernetes", "curl", "cron", "funktion", "befehl",
        "programm", "skript", "abfrage", "fonction", "requête", "commande", "función", "consulta", "comando",
        "funzione", "programma", "função", "programa", "código", "codice",
    ]
}

/// One sign of a manipulated output.
public struct OutputSignal: Sendable, Hashable {
    /// What was seen.
    public enum Kind: String, Sendable, CaseIterable {
        /// A markdown image or link sending data to a domain not on the allow-list.
        case exfiltrationLink = "exfiltration_link"
        /// HTML or script that a client might render or run.
        case markup
        /// A shell command (pipes into a shell, `rm -rf`, reverse shells) in an answer that was not about code.
        case shell
        /// A destructive or injecting SQL statement in an answer that was not about code.
        case sql
        /// Personal data (`detail` names the kind).
        case pii
        /// An API key, token or private key.
        case secret
        /// A passage of the call's own system instructions.
        case systemPromptLeak = "system_prompt_leak"
    }

    /// What was seen.
    public var kind: Kind
    /// The offset of its first scalar.
    public var start: Int
    /// The offset just past its last scalar.
    public var end: Int
    /// The domain, the matched term or the PII kind; never the text itself.
    public var detail: String?

    /// Makes a signal.
    public init(kind: Kind, start: Int, end: Int, detail: String? = nil) {
        self.kind = kind
        self.start = start
        self.end = end
        self.detail = detail
    }
}

extension Unicode.Scalar {
    /// The scalar with ASCII capitals lower-cased, so offsets stay those of the original text.
    var asciiLowercased: Unicode.Scalar {
        isASCIIUpper ? Unicode.Scalar(UInt8(value + 32)) : self
    }
}
