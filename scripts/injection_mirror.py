"""A line-by-line Python mirror of the prompt-injection detector in Sources/VigilSafety
(InjectionNormalizer.swift, PayloadDecoder.swift, InjectionFeatures.swift, InjectionDetector.swift),
and the offline trainer of its weights.

It exists so the detector can be trained and its figures measured without building Swift; keep the
two in step. `train` fits the weights on the TRAIN split of the fixture only and writes them as the
generated Swift file; `report` scores the TEST split with the quantised weights, exactly as the
Swift code does, and prints recall, false-positive rate and per-category precision/recall/F1.
"""
import base64
import math
import unicodedata

import numpy as np

BITS = 16
DIM = 1 << BITS
CATEGORY_BITS = 12
CATEGORY_DIM = 1 << CATEGORY_BITS
INTENTS = ["instruction_override", "jailbreak", "prompt_extraction", "tool_hijack", "indirect_injection"]
DENSE = ["role_markers", "decoded_view", "hidden_characters", "homoglyphs", "retrieved", "multi_turn", "addressing",
         "discussion", "override_terms", "extraction_terms", "persona_terms", "tool_terms", "quoted_terms"]

ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x200E, 0x200F}
WHITESPACE = {0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x2028, 0x2029, 0x3000}
# Cyrillic and Greek letters that look like Latin ones.
HOMOGLYPHS = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ԛ": "q", "ԝ": "w", "ν": "v", "ο": "o", "α": "a",
    "ι": "i", "κ": "k", "τ": "t", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Α": "A", "Β": "B", "Ε": "E",
    "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X",
    "Υ": "Y",
}
ROLE_MARKERS = ["<|im_start|>", "<|im_end|>", "<|system|>", "<|assistant|>", "<|user|>", "<|endoftext|>",
                "[inst]", "[/inst]", "<<sys>>", "<</sys>>", "### system", "### instruction", "### assistant",
                "<system>", "</system>", "</user>", "<instructions", "\"role\": \"system\"", "\"role\":\"system\"",
                "end of user input", "system override", "begin system", "</s>"]
LINE_MARKERS = ["system:", "assistant:", "human:"]
ADDRESSING = ["ai assistant", "assistant", "language model", "chatbot", "ai model", "llm", "the ai", "an ai",
              "ki ", "künstliche intelligenz", "sprachmodell", "l'assistant", "l'ia", "modèle", "asistente",
              "modelo", "la ia", "assistente", "modello", "l'ia", "a ia", "o assistente"]
DISCUSSION = ["example", "training", "article", "bug report", "researchers", "red team", "incident", "owasp",
              "classifier", "filter", "explain", "summarise this", "summarize this", "postmortem", "policy paragraph",
              "beispiel", "schulung", "artikel", "fehlerbericht", "forscher", "exemple", "formation", "article",
              "rapport de bug", "chercheurs", "ejemplo", "formación", "artículo", "informe de error",
              "investigadores", "esempi", "corso", "articolo", "segnalazione", "ricercatori", "exemplo",
              "treinamento", "artigo", "relatório de bug", "pesquisadores", "«", "“", "„"]
OVERRIDE_TERMS = ["instructions", "rules", "guidelines", "restrictions", "from now on", "no longer", "new task",
                  "priority", "anweisung", "regeln", "vorgaben", "ab sofort", "ab jetzt", "einschränkung", "consignes",
                  "règles", "désormais", "restriction", "instrucciones", "reglas", "a partir de ahora",
                  "restricciones", "istruzioni", "regole", "d'ora in poi", "da adesso", "limiti", "instruções",
                  "regras", "de agora em diante", "restrições", "prioridade", "priorit"]
EXTRACTION_TERMS = ["system prompt", "systemprompt", "prompt système", "prompt de sistema", "prompt di sistema",
                    "verbatim", "word for word", "wortwörtlich", "wortlaut", "mot pour mot", "palabra por palabra",
                    "parola per parola", "palavra por palavra", "initial instructions", "configuration",
                    "konfiguration", "configuración", "configurazione", "configuração", "before my", "vor meiner",
                    "avant mon", "antes de mi", "prima del mio", "antes da minha", "hidden", "versteckt", "cachées",
                    "ocultas", "nascoste", "exact", "genau"]
PERSONA_TERMS = ["dan", "no rules", "without rules", "ohne regeln", "sans règles", "sin reglas", "senza regole",
                 "sem regras", "in character", "unfiltered", "no filter", "ohne filter", "sans filtre", "sin filtros",
                 "senza filtri", "sem filtros", "developer mode", "jailbreak", "no restrictions", "no limits",
                 "keine grenzen", "aucune limite", "sin límites", "non ha limiti", "não tem limites", "pretend",
                 "role", "rolle", "personnage", "personaje", "personaggio", "personagem"]
TOOL_TERMS = ["tool", "function", "werkzeug", "funktion", "outil", "fonction", "herramienta", "función", "strumento",
              "funzione", "ferramenta", "função", "invoke", "execute", "without confirmation", "ohne bestätigung",
              "sans confirmation", "sin confirmación", "senza conferma", "sem confirmação", "send_email",
              "transfer_", "delete_"]
ROT13_WORDS = {"the", "and", "you", "your", "to", "of", "is", "all", "are", "in", "for", "with", "this", "that",
               "it", "on", "be", "not", "from", "now", "me", "my", "what", "no", "any", "instructions",
               "previous", "ignore", "system", "prompt", "rules", "tell", "under", "der", "die", "das", "und",
               "ist", "nicht", "le", "la", "les", "et", "des", "est", "el", "los", "las", "que", "il", "di",
               "che", "os", "do", "da"}


# ------------------------------------------------------------------ normalisation


def strip_invisible(text):
    """(visible text, tag count, zero-width count, the text the tag characters spell)."""
    kept, hidden = [], []
    tags = zero = 0
    for c in text:
        v = ord(c)
        if 0xE0000 <= v <= 0xE007F:
            tags += 1
            if 0xE0020 <= v <= 0xE007E:
                hidden.append(chr(v - 0xE0000))
        elif v in ZERO_WIDTH:
            zero += 1
        else:
            kept.append(c)
    return "".join(kept), tags, zero, "".join(hidden)


def fold(text):
    """NFKC, homoglyphs folded to Latin, lower case. Returns (text, homoglyphs next to a Latin letter)."""
    nfkc = unicodedata.normalize("NFKC", text)
    out = []
    mixed = 0
    for i, c in enumerate(nfkc):
        latin = HOMOGLYPHS.get(c)
        if latin is not None:
            prev = nfkc[i - 1] if i > 0 else " "
            nxt = nfkc[i + 1] if i + 1 < len(nfkc) else " "
            if is_ascii_letter(prev) or is_ascii_letter(nxt):
                mixed += 1
            out.append(latin)
        else:
            out.append(c)
    return "".join(out).lower(), mixed


def collapse(text):
    out = []
    space = False
    for c in text:
        if ord(c) in WHITESPACE:
            if not space:
                out.append(" ")
            space = True
        else:
            out.append(c)
            space = False
    return "".join(out).strip(" ")


def is_ascii_letter(c):
    return "a" <= c <= "z" or "A" <= c <= "Z"


def is_hex(c):
    return "0" <= c <= "9" or "a" <= c <= "f" or "A" <= c <= "F"


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def b64_value(c):
    if c == "-":
        return 62
    if c == "_":
        return 63
    i = B64.find(c)
    return i if i >= 0 and len(c) == 1 else -1


def readable(data):
    """The bytes as text when they are UTF-8 and read like text: at least 90% printable scalars and
    at least half of them letters or spaces; None otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) < 6 or "\ufffd" in text:
        return None
    printable = sum(1 for c in text if ord(c) >= 0x20 and ord(c) != 0x7F or c in "\n\t\r")
    letters = sum(1 for c in text if c.isalpha() or c == " ")
    if printable * 10 < len(text) * 9 or letters * 2 < len(text):
        return None
    return text


def decode_base64_runs(text):
    found = []
    i, n = 0, len(text)
    while i < n:
        if b64_value(text[i]) < 0:
            i += 1
            continue
        j = i
        while j < n and b64_value(text[j]) >= 0:
            j += 1
        if j - i >= 20:
            bits = value = 0
            out = bytearray()
            for c in text[i:j]:
                value = ((value << 6) | b64_value(c)) & 0xFFFFFF
                bits += 6
                if bits >= 8:
                    bits -= 8
                    out.append((value >> bits) & 0xFF)
            decoded = readable(bytes(out))
            if decoded is not None:
                found.append(decoded)
        i = j
    return found


def decode_hex_runs(text):
    found = []
    i, n = 0, len(text)
    while i < n:
        if not is_hex(text[i]):
            i += 1
            continue
        j = i
        while j < n and is_hex(text[j]):
            j += 1
        length = j - i
        if length >= 16 and length % 2 == 0:
            decoded = readable(bytes(int(text[k:k + 2], 16) for k in range(i, j, 2)))
            if decoded is not None:
                found.append(decoded)
        i = j
    return found


def rot13(text):
    out = []
    for c in text:
        if "a" <= c <= "z":
            out.append(chr((ord(c) - 97 + 13) % 26 + 97))
        elif "A" <= c <= "Z":
            out.append(chr((ord(c) - 65 + 13) % 26 + 65))
        else:
            out.append(c)
    return "".join(out)


def ascii_words(text):
    words, current = [], []
    for c in text:
        if is_ascii_letter(c):
            current.append(c.lower())
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def decode_rot13_lines(text):
    found = []
    for line in text.split("\n"):
        words = ascii_words(line)
        if len(words) < 3:
            continue
        plain = sum(1 for w in words if w in ROT13_WORDS)
        turned = sum(1 for w in ascii_words(rot13(line)) if w in ROT13_WORDS)
        if turned >= 2 and turned * 5 >= len(words) and turned > 2 * plain:
            found.append(rot13(line))
    return found


class Normalised:
    def __init__(self, text):
        visible, self.tags, self.zero_width, hidden = strip_invisible(text)
        folded, self.homoglyphs = fold(visible)
        self.role_markers = count_role_markers(folded)
        self.text = collapse(folded)
        decoded = []
        if hidden:
            decoded.append(("tags", hidden))
        decoded += [("base64", d) for d in decode_base64_runs(visible)]
        decoded += [("hex", d) for d in decode_hex_runs(visible)]
        decoded += [("rot13", d) for d in decode_rot13_lines(visible)]
        self.decoded = [(kind, collapse(fold(strip_invisible(d)[0])[0])) for kind, d in decoded[:8]]


def count_role_markers(folded):
    count = sum(folded.count(m) for m in ROLE_MARKERS)
    for line in folded.split("\n"):
        trimmed = line.lstrip(" \t")
        if any(trimmed.startswith(m) for m in LINE_MARKERS):
            count += 1
    return count


# ------------------------------------------------------------------ features


def fnv1a(data):
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def is_word_char(c):
    return c.isalnum()


def words_of(text):
    words, current = [], []
    for c in text:
        if is_word_char(c):
            current.append(c)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def hashes(text):
    """The distinct hashes of the text's character 3-, 4- and 5-grams (the text padded with a space
    each side) and of its word unigrams and bigrams."""
    padded = " " + text + " "
    out = set()
    for n in (3, 4, 5):
        for i in range(0, len(padded) - n + 1):
            out.add(fnv1a(padded[i:i + n].encode("utf-8")))
    words = words_of(text)
    for i, w in enumerate(words):
        out.add(fnv1a(("w\x01" + w).encode("utf-8")))
        if i + 1 < len(words):
            out.add(fnv1a(("b\x01" + w + "\x01" + words[i + 1]).encode("utf-8")))
    return sorted(out)


def lexicon_count(text, terms):
    return sum(text.count(t) for t in terms)


def dense(norm, view_text, decoded_view, retrieved, turns):
    return [
        min(norm.role_markers, 3) / 3.0,
        1.0 if decoded_view else 0.0,
        min(norm.tags + norm.zero_width, 10) / 10.0,
        min(norm.homoglyphs, 5) / 5.0,
        1.0 if retrieved else 0.0,
        1.0 if turns > 1 else 0.0,
        min(lexicon_count(view_text, ADDRESSING), 3) / 3.0,
        min(lexicon_count(view_text, DISCUSSION), 3) / 3.0,
        min(lexicon_count(view_text, OVERRIDE_TERMS), 3) / 3.0,
        min(lexicon_count(view_text, EXTRACTION_TERMS), 3) / 3.0,
        min(lexicon_count(view_text, PERSONA_TERMS), 3) / 3.0,
        min(lexicon_count(view_text, TOOL_TERMS), 3) / 3.0,
        min(quoted_count(view_text), 3) / 3.0,
    ]


QUOTES = {"'": "'", '"': '"', "«": "»", "“": "”", "„": "“", "‘": "’"}


def quoted_spans(text):
    """The quoted passages of the text: from an opening quote (at the start or after a space or an
    opening bracket) to its closing quote, at most 300 characters on."""
    spans = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        close = QUOTES.get(c)
        if close is not None and (i == 0 or text[i - 1] in " ([:"):
            j = text.find(close, i + 1, min(n, i + 301))
            if j > i + 1:
                spans.append(text[i + 1:j])
                i = j + 1
                continue
        i += 1
    return spans


def quoted_count(text):
    """Attack terms inside quotation marks: quoted attacks are talked about, not made."""
    return sum(lexicon_count(span, OVERRIDE_TERMS) + lexicon_count(span, EXTRACTION_TERMS) + lexicon_count(span, PERSONA_TERMS) for span in quoted_spans(text))


def views(text, retrieved, turns):
    """(view text, hashes, dense features, is decoded) for the text and each decoded payload."""
    norm = Normalised(text)
    out = [(norm.text, hashes(norm.text), dense(norm, norm.text, False, retrieved, turns), False)]
    for _, decoded in norm.decoded:
        out.append((decoded, hashes(decoded), dense(norm, decoded, True, retrieved, turns), True))
    return norm, out


# ------------------------------------------------------------------ model


class Model:
    def __init__(self, weights, scale, dense_w, bias, cat_weights, cat_scale, cat_dense, cat_bias):
        self.weights = weights          # int8[DIM]
        self.scale = scale
        self.dense_w = dense_w
        self.bias = bias
        self.cat_weights = cat_weights  # int8[len(INTENTS) * CATEGORY_DIM]
        self.cat_scale = cat_scale
        self.cat_dense = cat_dense      # [len(INTENTS)][len(DENSE)]
        self.cat_bias = cat_bias

    def logit(self, hs, d):
        if not hs:
            return self.bias + sum(w * x for w, x in zip(self.dense_w, d))
        total = 0
        for h in hs:
            total += int(self.weights[h & (DIM - 1)])
        z = total * self.scale / math.sqrt(len(hs))
        return z + sum(w * x for w, x in zip(self.dense_w, d)) + self.bias

    def intent(self, hs, d):
        best, best_score = 0, -1e300
        norm = 1.0 / math.sqrt(max(len(hs), 1))
        for k in range(len(INTENTS)):
            total = 0
            base = k * CATEGORY_DIM
            for h in hs:
                total += int(self.cat_weights[base + (h & (CATEGORY_DIM - 1))])
            s = total * self.cat_scale * norm + sum(w * x for w, x in zip(self.cat_dense[k], d)) + self.cat_bias[k]
            if s > best_score:
                best, best_score = k, s
        return INTENTS[best]


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0


def score_text(model, text, retrieved, turns):
    """(score, category) of one text, as InjectionDetector.score does."""
    norm, vs = views(text, retrieved, turns)
    best = None
    for view_text, hs, d, decoded in vs:
        z = model.logit(hs, d)
        if best is None or z > best[0]:
            best = (z, hs, d, decoded)
    z, hs, d, decoded = best
    score = sigmoid(z)
    if decoded or norm.tags + norm.zero_width >= 4 or norm.homoglyphs >= 2:
        category = "encoded_payload"
    elif norm.role_markers >= 1:
        category = "delimiter_attack"
    else:
        category = model.intent(hs, d)
    return score, category


def score_item(model, item):
    """Score and category of a fixture item: the text, or a message list (each turn and their join)."""
    retrieved = item["role"] == "retrieved"
    turns = item.get("turns")
    if not turns:
        return score_text(model, item["text"], retrieved, 1)
    joined = score_text(model, "\n".join(turns), retrieved, len(turns))
    singles = [score_text(model, t, retrieved, 1) for t in turns]
    best_single = max(singles, key=lambda s: s[0])
    if best_single[0] >= joined[0]:
        return best_single
    return joined[0], ("multi_turn" if best_single[0] < 0.5 else best_single[1])


# ------------------------------------------------------------------ training (train split only)


def training_rows(item):
    retrieved = item["role"] == "retrieved"
    turns = item.get("turns") or [item["text"]]
    rows = []
    norm, vs = views("\n".join(turns), retrieved, len(turns))
    if item["label"] == 1 and len(vs) > 1 and item["category"] == "encoded_payload":
        rows += [(v[1], v[2], 1) for v in vs[1:]]
        if norm.tags + norm.zero_width >= 4 or norm.homoglyphs >= 2:
            rows.append((vs[0][1], vs[0][2], 1))
    else:
        rows += [(v[1], v[2], item["label"]) for v in vs[:1]]
        if item["label"] == 0:
            rows += [(v[1], v[2], 0) for v in vs[1:]]
    if len(turns) > 1 and item["label"] == 0:
        for t in turns:
            _, single = views(t, retrieved, 1)
            rows.append((single[0][1], single[0][2], 0))
    return rows


# The dense features are few and general: they are regularised less than the n-gram buckets.
DENSE_L2 = 1.0


def fit(rows, dim, classes, l2, class_weight=True):
    """Multinomial (or, with classes == 1, binary) logistic regression by L-BFGS."""
    from scipy import sparse
    from scipy.optimize import minimize
    r, c, v = [], [], []
    for i, (hs, _, _) in enumerate(rows):
        buckets = sorted({h & (dim - 1) for h in hs})
        for b in buckets:
            r.append(i)
            c.append(b)
            v.append(1.0 / math.sqrt(len(hs)))
    X = sparse.csr_matrix((v, (r, c)), shape=(len(rows), dim))
    D = np.array([d for _, d, _ in rows])
    y = np.array([label for _, _, label in rows])
    nd = D.shape[1]
    if classes == 1:
        pos = y.mean()
        sw = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos)) if class_weight else np.ones(len(y))

        def loss(p):
            w, dw, b = p[:dim], p[dim:dim + nd], p[-1]
            z = X @ w + D @ dw + b
            pr = 1 / (1 + np.exp(-z))
            l = np.sum(sw * (np.logaddexp(0, z) - y * z)) + l2 * (w @ w + DENSE_L2 * (dw @ dw))
            g = sw * (pr - y)
            return l, np.concatenate([X.T @ g + 2 * l2 * w, D.T @ g + 2 * l2 * DENSE_L2 * dw, [g.sum()]])
        p = minimize(loss, np.zeros(dim + nd + 1), jac=True, method="L-BFGS-B", options={"maxiter": 2000}).x
        return p[:dim], p[dim:dim + nd], p[-1]
    Y = np.zeros((len(y), classes))
    Y[np.arange(len(y)), y] = 1

    def loss(p):
        W = p[:dim * classes].reshape(classes, dim)
        DW = p[dim * classes:dim * classes + nd * classes].reshape(classes, nd)
        B = p[-classes:]
        Z = (X @ W.T) + D @ DW.T + B
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        l = -np.sum(Y * np.log(P + 1e-12)) + l2 * (np.sum(W * W) + np.sum(DW * DW))
        G = P - Y
        return l, np.concatenate([(X.T @ G).T.ravel() + 2 * l2 * W.ravel(), (D.T @ G).T.ravel() + 2 * l2 * DW.ravel(), G.sum(axis=0)])
    p = minimize(loss, np.zeros(dim * classes + nd * classes + classes), jac=True, method="L-BFGS-B", options={"maxiter": 2000}).x
    return p[:dim * classes].reshape(classes, dim), p[dim * classes:dim * classes + nd * classes].reshape(classes, nd), p[-classes:]


def quantise(w):
    scale = float(np.max(np.abs(w))) / 127.0 or 1.0
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale


def train(items, swift_path):
    train_items = [i for i in items if i["split"] == "train"]
    rows = [row for item in train_items for row in training_rows(item)]
    w, dw, b = fit(rows, DIM, 1, l2=0.005)
    qw, scale = quantise(w)
    intent_rows = []
    for item in train_items:
        if item["label"] == 1 and item["category"] in INTENTS:
            _, vs = views(item["text"], item["role"] == "retrieved", 1)
            intent_rows.append((vs[0][1], vs[0][2], INTENTS.index(item["category"])))
    cw, cdw, cb = fit(intent_rows, CATEGORY_DIM, len(INTENTS), l2=0.01)
    qcw, cscale = quantise(cw.ravel())
    write_swift(swift_path, qw, scale, dw, b, qcw, cscale, cdw, cb)


def write_swift(path, qw, scale, dw, b, qcw, cscale, cdw, cb):
    def b64_lines(array):
        text = base64.b64encode(array.astype(np.int8).tobytes()).decode()
        return "\n".join(text[i:i + 120] for i in range(0, len(text), 120))

    def doubles(values):
        return ", ".join(repr(float(x)) for x in values)
    with open(path, "w", encoding="utf-8") as f:
        f.write("// Generated by Tests/VigilSafetyTests/Fixtures/generate_injection_fixture.py --train\n")
        f.write("// (scripts/injection_mirror.py) from the fixture's train split. Do not edit.\n\n")
        f.write("/// The prompt-injection model's weights, trained offline on the train split of the labelled set.\n")
        f.write("enum InjectionModelWeights {\n")
        f.write("    /// Hashed n-gram buckets of the injection model: 2^%d int8 weights, base64.\n" % BITS)
        f.write("    static let ngramBits = %d\n" % BITS)
        f.write("    /// The value of one int8 step of an n-gram weight.\n")
        f.write("    static let ngramScale = %r\n" % scale)
        f.write("    /// Weights of the dense features, in `InjectionFeatures.Dense` order.\n")
        f.write("    static let dense: [Double] = [%s]\n" % doubles(dw))
        f.write("    /// The intercept.\n")
        f.write("    static let bias = %r\n" % float(b))
        f.write("    /// Hashed n-gram buckets of the intent model: 2^%d per intent.\n" % CATEGORY_BITS)
        f.write("    static let intentBits = %d\n" % CATEGORY_BITS)
        f.write("    /// The value of one int8 step of an intent weight.\n")
        f.write("    static let intentScale = %r\n" % cscale)
        f.write("    /// Dense-feature weights per intent, in `InjectionDetector.intents` order.\n")
        f.write("    static let intentDense: [[Double]] = [\n%s\n    ]\n" % ",\n".join("        [%s]" % doubles(row) for row in cdw))
        f.write("    /// Intercepts per intent.\n")
        f.write("    static let intentBias: [Double] = [%s]\n" % doubles(cb))
        f.write("    /// The injection model's n-gram weights.\n")
        f.write("    static let ngrams = \"\"\"\n%s\n\"\"\"\n" % b64_lines(qw))
        f.write("    /// The intent model's n-gram weights, intent after intent.\n")
        f.write("    static let intents = \"\"\"\n%s\n\"\"\"\n" % b64_lines(qcw))
        f.write("}\n")


def load(swift_path):
    import re
    text = open(swift_path, encoding="utf-8").read()

    def value(name):
        return re.search(r"static let %s(?:: [^=]+)? = (.+)" % name, text).group(1)

    def blob(name):
        body = re.search(r"static let %s = \"\"\"\n(.*?)\n\"\"\"" % name, text, re.S).group(1)
        return np.frombuffer(base64.b64decode(body.replace("\n", "")), dtype=np.int8)
    dense_w = [float(x) for x in value("dense")[1:-1].split(",")]
    intent_dense = [[float(x) for x in row.split(",")] for row in re.findall(r"\[([-0-9eE., ]+)\]", re.search(r"intentDense: \[\[Double\]\] = \[(.*?)\n    \]", text, re.S).group(1))]
    return Model(blob("ngrams"), float(value("ngramScale")), dense_w, float(value("bias")),
                 blob("intents"), float(value("intentScale")), intent_dense,
                 [float(x) for x in value("intentBias")[1:-1].split(",")])


def report(items, swift_path, threshold=0.5):
    model = load(swift_path)
    for split in ("train", "test"):
        chosen = [i for i in items if i["split"] == split]
        results = [(i, *score_item(model, i)) for i in chosen]
        pos = [r for r in results if r[0]["label"] == 1]
        neg = [r for r in results if r[0]["label"] == 0]
        tp = sum(1 for r in pos if r[1] >= threshold)
        fp = sum(1 for r in neg if r[1] >= threshold)
        print("%s: %d items; recall %.3f (%d/%d), benign FPR %.3f (%d/%d)" % (
            split, len(chosen), tp / len(pos), tp, len(pos), fp / len(neg), fp, len(neg)))
        hard_pos = [r for r in pos if r[0]["hard"]]
        hard_neg = [r for r in neg if r[0]["hard"]]
        print("  hard: recall %.3f (%d/%d), FPR %.3f (%d/%d)" % (
            sum(r[1] >= threshold for r in hard_pos) / max(len(hard_pos), 1), sum(r[1] >= threshold for r in hard_pos), len(hard_pos),
            sum(r[1] >= threshold for r in hard_neg) / max(len(hard_neg), 1), sum(r[1] >= threshold for r in hard_neg), len(hard_neg)))
        langs = sorted({r[0]["lang"] for r in pos})
        print("  recall by language: " + ", ".join("%s %d/%d" % (l, sum(r[1] >= threshold for r in pos if r[0]["lang"] == l), sum(1 for r in pos if r[0]["lang"] == l)) for l in langs))
        cats = sorted({r[0]["category"] for r in pos})
        for cat in cats:
            ctp = sum(1 for r in results if r[0]["category"] == cat and r[1] >= threshold and r[2] == cat)
            cpred = sum(1 for r in results if r[1] >= threshold and r[2] == cat)
            cact = sum(1 for r in results if r[0]["category"] == cat)
            p = ctp / cpred if cpred else 0.0
            rc = ctp / cact if cact else 0.0
            f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
            print("  %-22s precision %.2f recall %.2f F1 %.2f (n=%d)" % (cat, p, rc, f1, cact))
        if split == "test":
            for r in results:
                if (r[0]["label"] == 1) != (r[1] >= threshold):
                    print("  MISS" if r[0]["label"] else "  FALSE+", "%.3f" % r[1], r[2], repr(r[0]["text"][:110]))
