/// What the injection model reads of one view of a text (the normalised text, or a payload decoded
/// from it): hashed character 3- to 5-grams and word unigrams and bigrams, and a few dense
/// features (role markers, hidden characters, homoglyphs, channel, and counts of attack and
/// discussion terms in six languages, the latter inside quotation marks too).
/// `scripts/injection_mirror.py` mirrors this file; keep them in step.
struct InjectionFeatures {
    /// The distinct FNV-1a hashes of the n-grams and words.
    var hashes: [UInt32]
    /// The dense features, in `Dense` order, each in [0, 1].
    var dense: [Double]

    /// The dense features, in the order of the model's weights.
    enum Dense: Int, CaseIterable {
        case roleMarkers, decodedView, hiddenCharacters, homoglyphs, retrieved, multiTurn, addressing, discussion
        case overrideTerms, extractionTerms, personaTerms, toolTerms, quotedTerms
    }

    init(view: String, normalized: NormalizedText, decodedView: Bool, retrieved: Bool, turns: Int) {
        let scalars = Array(view.unicodeScalars)
        hashes = Self.hashes(scalars)
        func capped(_ count: Int, _ limit: Int) -> Double { Double(min(count, limit)) / Double(limit) }
        dense = [
            capped(normalized.roleMarkers, 3),
            decodedView ? 1 : 0,
            capped(normalized.hiddenCharacters, 10),
            capped(normalized.homoglyphs, 5),
            retrieved ? 1 : 0,
            turns > 1 ? 1 : 0,
            capped(Self.addressingLexicon.count(in: scalars), 3),
            capped(Self.discussionLexicon.count(in: scalars), 3),
            capped(Self.overrideLexicon.count(in: scalars), 3),
            capped(Self.extractionLexicon.count(in: scalars), 3),
            capped(Self.personaLexicon.count(in: scalars), 3),
            capped(Self.toolLexicon.count(in: scalars), 3),
            capped(Self.quotedTerms(scalars), 3),
        ]
    }

    // MARK: Hashing

    static func fnv1a(_ bytes: some Sequence<UInt8>, into hash: inout UInt32) {
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
    }

    static let fnvOffset: UInt32 = 0x811C_9DC5

    /// The distinct hashes of the text's character 3-, 4- and 5-grams (padded with a space each
    /// side) and of its word unigrams (`w\u{1}word`) and bigrams (`b\u{1}one\u{1}two`), sorted.
    static func hashes(_ scalars: [Unicode.Scalar]) -> [UInt32] {
        let padded: [Unicode.Scalar] = [" "] + scalars + [" "]
        // The padded text's UTF-8 bytes in one array, and where each scalar's bytes start.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(padded.count + 8)
        var starts: [Int] = []
        starts.reserveCapacity(padded.count + 1)
        for scalar in padded {
            starts.append(utf8.count)
            Unicode.UTF8.encode(scalar) { utf8.append($0) }
        }
        starts.append(utf8.count)
        var found = Set<UInt32>()
        utf8.withUnsafeBufferPointer { bytes in
            for n in 3...5 where padded.count >= n {
                for start in 0...(padded.count - n) {
                    var hash = fnvOffset
                    fnv1a(bytes[starts[start]..<starts[start + n]], into: &hash)
                    found.insert(hash)
                }
            }
        }
        let words = self.words(scalars)
        for (index, word) in words.enumerated() {
            var hash = fnvOffset
            fnv1a("w\u{1}\(word)".utf8, into: &hash)
            found.insert(hash)
            if index + 1 < words.count {
                var pair = fnvOffset
                fnv1a("b\u{1}\(word)\u{1}\(words[index + 1])".utf8, into: &pair)
                found.insert(pair)
            }
        }
        return found.sorted()
    }

    /// Runs of letters and digits.
    static func words(_ scalars: [Unicode.Scalar]) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in scalars {
            if scalar.isLetterOrNumber {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    // MARK: Lexicons (lower case, as the normalised text is)

    /// Words that address the model.
    static let addressingLexicon = Lexicon.Terms(addressing)
    static let addressing = [
        "ai assistant", "assistant", "language model", "chatbot", "ai model", "llm", "the ai", "an ai",
        "ki ", "künstliche intelligenz", "sprachmodell", "l'assistant", "l'ia", "modèle", "asistente",
        "modelo", "la ia", "assistente", "modello", "l'ia", "a ia", "o assistente",
    ]
    /// Words of people talking about attacks rather than making them.
    static let discussionLexicon = Lexicon.Terms(discussion)
    static let discussion = [
        "example", "training", "article", "bug report", "researchers", "red team", "incident", "owasp",
        "classifier", "filter", "explain", "summarise this", "summarize this", "postmortem", "policy paragraph",
        "beispiel", "schulung", "artikel", "fehlerbericht", "forscher", "exemple", "formation", "article",
        "rapport de bug", "chercheurs", "ejemplo", "formación", "artículo", "informe de error",
        "investigadores", "esempi", "corso", "articolo", "segnalazione", "ricercatori", "exemplo",
        "treinamento", "artigo", "relatório de bug", "pesquisadores", "«", "“", "„",
    ]
    /// Words of instruction overrides.
    static let overrideLexicon = Lexicon.Terms(overrideTerms)
    static let overrideTerms = [
        "instructions", "rules", "guidelines", "restrictions", "from now on", "no longer", "new task",
        "priority", "anweisung", "regeln", "vorgaben", "ab sofort", "ab jetzt", "einschränkung", "consignes",
        "règles", "désormais", "restriction", "instrucciones", "reglas", "a partir de ahora",
        "restricciones", "istruzioni", "regole", "d'ora in poi", "da adesso", "limiti", "instruções",
        "regras", "de agora em diante", "restrições", "prioridade", "priorit",
    ]
    /// Words of system-prompt extraction.
    static let extractionLexicon = Lexicon.Terms(extractionTerms)
    static let extractionTerms = [
        "system prompt", "systemprompt", "prompt système", "prompt de sistema", "prompt di sistema",
        "verbatim", "word for word", "wortwörtlich", "wortlaut", "mot pour mot", "palabra por palabra",
        "parola per parola", "palavra por palavra", "initial instructions", "configuration",
        "konfiguration", "configuración", "configurazione", "configuração", "before my", "vor meiner",
        "avant mon", "antes de mi", "prima del mio", "antes da minha", "hidden", "versteckt", "cachées",
        "ocultas", "nascoste", "exact", "genau",
    ]
    /// Words of personas and jailbreaks.
    static let personaLexicon = Lexicon.Terms(personaTerms)
    static let personaTerms = [
        "dan", "no rules", "without rules", "ohne regeln", "sans règles", "sin reglas", "senza regole",
        "sem regras", "in character", "unfiltered", "no filter", "ohne filter", "sans filtre", "sin filtros",
        "senza filtri", "sem filtros", "developer mode", "jailbreak", "no restrictions", "no limits",
        "keine grenzen", "aucune limite", "sin límites", "non ha limiti", "não tem limites", "pretend",
        "role", "rolle", "personnage", "personaje", "personaggio", "personagem",
    ]
    /// Words of tool and function calls.
    static let toolLexicon = Lexicon.Terms(toolTerms)
    static let toolTerms = [
        "tool", "function", "werkzeug", "funktion", "outil", "fonction", "herramienta", "función", "strumento",
        "funzione", "ferramenta", "função", "invoke", "execute", "without confirmation", "ohne bestätigung",
        "sans confirmation", "sin confirmación", "senza conferma", "sem confirmação", "send_email",
        "transfer_", "delete_",
    ]

    /// The mark that closes the quotation `scalar` opens, if it opens one.
    static func closingQuote(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "'": "'"
        case "\"": "\""
        case "«": "»"
        case "“": "”"
        case "„": "“"
        case "‘": "’"
        default: nil
        }
    }

    /// Attack terms inside quotation marks: quoted attacks are talked about, not made. A quote opens
    /// at the start or after a space, `(`, `[` or `:`, and closes within 300 characters.
    static func quotedTerms(_ text: [Unicode.Scalar]) -> Int {
        var count = 0
        var index = 0
        while index < text.count {
            if let close = closingQuote(text[index]), index == 0 || text[index - 1].isOne(of: " ([:") {
                let limit = min(text.count, index + 301)
                if let end = (index + 1..<limit).first(where: { text[$0] == close }), end > index + 1 {
                    let span = Array(text[(index + 1)..<end])
                    count += overrideLexicon.count(in: span) + extractionLexicon.count(in: span) + personaLexicon.count(in: span)
                    index = end + 1
                    continue
                }
            }
            index += 1
        }
        return count
    }
}
