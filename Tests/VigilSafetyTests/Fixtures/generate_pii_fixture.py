#!/usr/bin/env python3
"""Generates pii-fixture.json, the labelled PII set VigilSafetyTests measures the detector on.

Each item: {"id", "lang", "text", "findings": [{"kind", "value"}], "decoys": [value, ...]}.
`findings` are what must be found (kind and exact substring); `decoys` are substrings that look
like PII and must survive. Seeded, so a rerun gives the same file.

    python3 Tests/VigilSafetyTests/Fixtures/generate_pii_fixture.py          # writes the file
    python3 Tests/VigilSafetyTests/Fixtures/generate_pii_fixture.py --check  # checks it: Luhn,
        mod-97 and SSN ranges of the positives, and the detector's figures via scripts/pii_mirror.py
"""
import base64
import json
import os
import random
import string
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pii-fixture.json")
rng = random.Random(20240611)

# ------------------------------------------------------------------ values


def luhn_ok(digits):
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def with_check(prefix, length):
    body = [int(c) for c in prefix] + [rng.randrange(10) for _ in range(length - len(prefix) - 1)]
    for check in range(10):
        if luhn_ok(body + [check]):
            return "".join(map(str, body + [check]))


def group(digits, sizes, sep):
    out, i = [], 0
    for size in sizes:
        out.append(digits[i:i + size])
        i += size
    return sep.join(out)


def card():
    kind = rng.choice(["visa", "visa", "mc", "mc2", "amex", "discover", "jcb", "diners", "unionpay"])
    prefix, length = {
        "visa": ("4", 16), "mc": (str(rng.randint(51, 55)), 16), "mc2": (str(rng.randint(2221, 2720)), 16),
        "amex": (rng.choice(["34", "37"]), 15), "discover": (rng.choice(["6011", "65"]), 16),
        "jcb": (str(rng.randint(3528, 3589)), 16), "diners": (rng.choice(["36", "38"]), 14),
        "unionpay": ("62", 16),
    }[kind]
    digits = with_check(prefix, length)
    style = rng.choice(["plain", "space", "dash"])
    if style == "plain":
        return digits
    sizes = {16: [4, 4, 4, 4], 15: [4, 6, 5], 14: [4, 6, 4]}[length]
    return group(digits, sizes, " " if style == "space" else "-")


def bad_luhn_card():
    digits = with_check("4", 16)
    wrong = (int(digits[-1]) + rng.randint(1, 9)) % 10
    digits = digits[:-1] + str(wrong)
    return rng.choice([digits, group(digits, [4, 4, 4, 4], " "), group(digits, [4, 4, 4, 4], "-")])


IBAN_SPECS = {  # country: BBAN as (count, kind) parts, n = digits, a = upper letters, c = alnum
    "DE": [(18, "n")], "GB": [(4, "a"), (14, "n")], "FR": [(10, "n"), (11, "c"), (2, "n")],
    "ES": [(20, "n")], "NL": [(4, "a"), (10, "n")], "IT": [(1, "a"), (10, "n"), (12, "c")],
    "CH": [(5, "n"), (12, "c")], "AT": [(16, "n")], "BE": [(12, "n")], "PL": [(24, "n")],
}


def iban_check(country, bban):
    text = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in text))
    return "%02d" % (98 - number % 97)


def mod97_ok(iban):
    text = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in text)) % 97 == 1


def iban():
    country = rng.choice(list(IBAN_SPECS))
    bban = ""
    for count, kind in IBAN_SPECS[country]:
        alphabet = {"n": string.digits, "a": string.ascii_uppercase, "c": string.digits + string.ascii_uppercase}[kind]
        bban += "".join(rng.choice(alphabet) for _ in range(count))
    raw = country + iban_check(country, bban) + bban
    assert mod97_ok(raw)
    if rng.random() < 0.6:
        return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))
    return raw


def bad_iban():
    value = iban().replace(" ", "")
    check = int(value[2:4])
    value = value[:2] + "%02d" % ((check + rng.randint(1, 50)) % 97 + 2 if check < 40 else check - 1) + value[4:]
    if mod97_ok(value):
        return bad_iban()
    if rng.random() < 0.5:
        return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value


def ssn():
    area = rng.choice([rng.randint(1, 665), rng.randint(667, 899)])
    return "%03d-%02d-%04d" % (area, rng.randint(1, 99), rng.randint(1, 9999))


def bad_ssn():
    return rng.choice([
        "000-%02d-%04d" % (rng.randint(1, 99), rng.randint(1, 9999)),
        "666-%02d-%04d" % (rng.randint(1, 99), rng.randint(1, 9999)),
        "%03d-%02d-%04d" % (rng.randint(900, 999), rng.randint(1, 99), rng.randint(1, 9999)),
        "%03d-00-%04d" % (rng.randint(1, 665), rng.randint(1, 9999)),
        "%03d-%02d-0000" % (rng.randint(1, 665), rng.randint(1, 99)),
    ])


FIRST = ["anna", "jonas", "marie", "lucas", "sofia", "mateo", "chloe", "li.wei", "yuki", "omar", "j.smith", "elena", "noah", "lea"]
LAST = ["mueller", "schmidt", "dupont", "garcia", "lopez", "tanaka", "chen", "brown", "rossi", "novak"]
DOMAINS = ["example.com", "mail.example.de", "correo.example.es", "example.co.uk", "firma-beispiel.de", "exemple.fr",
           "uni-example.edu", "startup.io", "example.org", "posteo.example.net"]


def email():
    local = rng.choice(FIRST) + rng.choice([".", "_", "-", "+", ""]) + rng.choice(LAST)
    if rng.random() < 0.3:
        local += str(rng.randint(1, 99))
    return local + "@" + rng.choice(DOMAINS)


def phone():
    n = lambda k: "".join(rng.choice(string.digits) for _ in range(k))
    nz = lambda: str(rng.randint(2, 9))
    return rng.choice([
        lambda: "+1 (%s%s) %s%s-%s" % (nz(), n(2), nz(), n(2), n(4)),
        lambda: "+1 %s%s %s%s %s" % (nz(), n(2), nz(), n(2), n(4)),
        lambda: "(%s%s) %s%s-%s" % (nz(), n(2), nz(), n(2), n(4)),
        lambda: "%s%s-%s%s-%s" % (nz(), n(2), nz(), n(2), n(4)),
        lambda: "%s%s.%s%s.%s" % (nz(), n(2), nz(), n(2), n(4)),
        lambda: "1-800-%s%s-%s" % (nz(), n(2), n(4)),
        lambda: "+44 20 %s %s" % (n(4), n(4)),
        lambda: "+44 7700 %s" % n(6),
        lambda: "020 %s %s" % ("7946", n(4)),
        lambda: "07700 %s" % n(6),
        lambda: "+49 30 %s" % n(8),
        lambda: "+49 151 %s" % n(8),
        lambda: "030 %s" % n(8),
        lambda: "0151 %s" % n(8),
        lambda: "089/%s" % n(7),
        lambda: "+33 1 %s %s %s %s" % (n(2), n(2), n(2), n(2)),
        lambda: "+33 6 %s %s %s %s" % (n(2), n(2), n(2), n(2)),
        lambda: "01 %s %s %s %s" % (n(2), n(2), n(2), n(2)),
        lambda: "06 %s %s %s %s" % (n(2), n(2), n(2), n(2)),
        lambda: "+34 %s %s %s" % (rng.choice("679") + n(2), n(3), n(3)),
        lambda: "+34 6%s %s %s %s" % (n(2), n(2), n(2), n(2)),
        lambda: "+86 138 %s %s" % (n(4), n(4)),
        lambda: "+81 3-%s-%s" % (n(4), n(4)),
        lambda: "+4915%s" % n(9),
        lambda: "+14155550%s" % n(3),
    ])()


def rand(alphabet, k):
    return "".join(rng.choice(alphabet) for _ in range(k))


ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def secret():
    kind = rng.choice(["openai", "proj", "ant", "aws", "asia", "ghp", "gho", "ghs", "ghpat", "slack", "stripe", "rk",
                       "google", "jwt", "jwt", "pem"])
    if kind == "openai":
        return "sk-" + rand(ALNUM, 20) + "T3BlbkFJ" + rand(ALNUM, 20)
    if kind == "proj":
        return "sk-proj-" + rand(B64URL, 48) + rand(ALNUM, 8)
    if kind == "ant":
        return "sk-ant-api03-" + rand(B64URL, 80) + "AA"
    if kind == "aws":
        return "AKIA" + rand(string.ascii_uppercase + string.digits, 16)
    if kind == "asia":
        return "ASIA" + rand(string.ascii_uppercase + string.digits, 16)
    if kind in ("ghp", "gho", "ghs"):
        return kind + "_" + rand(ALNUM, 36)
    if kind == "ghpat":
        return "github_pat_" + rand(ALNUM, 22) + "_" + rand(ALNUM, 59)
    if kind == "slack":
        return "xox" + rng.choice("bpaors") + "-" + "-".join(rand(string.digits, 12) for _ in range(2)) + "-" + rand(ALNUM, 24)
    if kind == "stripe":
        return "sk_live_" + rand(ALNUM, 24)
    if kind == "rk":
        return "rk_live_" + rand(ALNUM, 24)
    if kind == "google":
        return "AIza" + rand(B64URL, 35)
    if kind == "jwt":
        header = json.dumps({"alg": rng.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}, separators=(",", ":"))
        payload = json.dumps({"sub": str(rng.randint(1000, 99999)), "name": rng.choice(FIRST), "iat": rng.randint(1600000000, 1750000000)}, separators=(",", ":"))
        return b64url(header.encode()) + "." + b64url(payload.encode()) + "." + b64url(os.urandom(0) + bytes(rng.randrange(256) for _ in range(32)))
    body = "\n".join(rand(string.ascii_letters + string.digits + "+/", 64) for _ in range(rng.randint(2, 4)))
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, body, label)


def ipv4():
    return rng.choice([
        lambda: "%d.%d.%d.%d" % (rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)),
        lambda: "192.168.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254)),
        lambda: "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)),
    ])()


def ipv6():
    groups = ["%x" % rng.randrange(65536) for _ in range(8)]
    return rng.choice([
        lambda: ":".join(groups),
        lambda: ":".join("%04x" % int(g, 16) for g in groups),
        lambda: "2001:db8::" + groups[0],
        lambda: "fe80::%s:%s:%s:%s" % tuple(groups[:4]),
        lambda: "2001:db8:%s::%s" % (groups[1], groups[2]),
        lambda: "::1",
        lambda: "2a00:1450:4001:%s::200e" % groups[3],
    ])()


GENERATORS = {"email": email, "phone": phone, "card": card, "iban": iban, "ssn": ssn, "secret": secret,
              "ip": lambda: rng.choice([ipv4, ipv4, ipv6])()}

# ------------------------------------------------------------------ decoys


def decoy():
    d = lambda k: rand(string.digits, k)
    h = lambda k: rand("0123456789abcdef", k)
    return rng.choice([
        lambda: "#" + d(6),
        lambda: "ORD-%d-%s" % (rng.randint(2019, 2025), d(6)),
        lambda: "A" + d(9),
        lambda: "order 1" + d(7),
        lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper(),
        bad_luhn_card,
        bad_luhn_card,
        bad_iban,
        bad_ssn,
        lambda: "2024-%02d-%02dT%02d:%02d:%02dZ" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
        lambda: "2025-%02d-%02d %02d:%02d:%02d.%s+02:00" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), d(3)),
        lambda: "2024-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)),
        lambda: "%02d.%02d.2024" % (rng.randint(1, 28), rng.randint(1, 12)),
        lambda: "%02d/%02d/2025" % (rng.randint(1, 12), rng.randint(1, 28)),
        lambda: "17" + d(8),
        lambda: "17" + d(11),
        lambda: "17" + d(17),
        lambda: "%d.%d.%d" % (rng.randint(0, 20), rng.randint(0, 40), rng.randint(0, 99)),
        lambda: "v%d.%d.%d.%d" % (rng.randint(1, 20), rng.randint(0, 9), rng.randint(0, 9), rng.randint(0, 99)),
        lambda: "1.2.3.4.5",
        lambda: "%d.%d.%d.%d.%d" % tuple(rng.randint(0, 30) for _ in range(5)),
        lambda: h(64),
        lambda: h(40),
        lambda: h(32),
        lambda: h(7),
        lambda: "$%d,%03d.%02d" % (rng.randint(1, 999), rng.randint(0, 999), rng.randint(0, 99)),
        lambda: "%d.%03d,%02d €" % (rng.randint(1, 999), rng.randint(0, 999), rng.randint(0, 99)),
        lambda: "%d %03d,%02d €" % (rng.randint(1, 99), rng.randint(0, 999), rng.randint(0, 99)),
        lambda: "%02d:%02d:%02d" % (rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
        lambda: "localhost:%d" % rng.randint(1024, 65535),
        lambda: "ISBN 978-%d-%s-%s-%d" % (rng.randint(0, 9), d(2), d(6), rng.randint(0, 9)),
        lambda: "00:1A:2B:%02X:%02X:%02X" % (rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        lambda: "sk-learn",
        lambda: "@" + rng.choice(LAST),
        lambda: "pkg@%d.%d.%d" % (rng.randint(0, 9), rng.randint(0, 9), rng.randint(0, 9)),
        lambda: "std::vector",
        lambda: "%d%%" % rng.randint(1, 100),
        lambda: "%d tokens" % rng.randint(100, 100000),
        lambda: "gpt-4o-2024-08-06",
    ])()


# ------------------------------------------------------------------ sentences

TEMPLATES = {
    "en": [
        "Hi, please contact me at {p} if the refund has not arrived.",
        "The customer wrote: \"my details are {p}, can you update the account?\"",
        "User {p} asked the assistant to summarise the contract.",
        "Forwarding the ticket — reference {d}, contact {p}.",
        "Can you check why {p} shows up in the logs since {d}?",
        "Summarise this email thread. From: support; Re: {d}. Details: {p}",
        "The tool returned {{\"customer\": \"{p}\", \"status\": \"ok\", \"ref\": \"{d}\"}}",
        "I pasted the config by mistake: {p}",
        "Assistant: I cannot share {p}, but ticket {d} is open.",
    ],
    "de": [
        "Bitte rufen Sie mich unter {p} zurück, die Bestellung {d} ist noch nicht angekommen.",
        "Der Kunde schreibt: „Meine Angaben lauten {p}, bitte ändern Sie die Adresse.“",
        "Können Sie prüfen, warum {p} seit {d} im Protokoll auftaucht?",
        "Überweisung an {p} erledigt, Betreff: Rechnung {d}.",
        "Für Rückfragen erreichen Sie Frau Müller unter {p}.",
        "Zusammenfassung: Kündigung zum {d}; Kontakt {p}; Grüße aus Köln.",
    ],
    "fr": [
        "Bonjour, vous pouvez me joindre au {p} après 18 h, dossier {d}.",
        "Le client a écrit : « voici mes coordonnées : {p} », merci de mettre à jour.",
        "Pourriez-vous vérifier pourquoi {p} apparaît dans le journal depuis {d} ?",
        "Réponse de l’assistant : je ne peux pas divulguer {p}.",
        "Merci d’envoyer la facture {d} à {p} avant vendredi.",
        "Résumé : l’utilisateur {p} demande un remboursement (réf. {d}).",
    ],
    "es": [
        "Hola, mi contacto es {p}; el pedido {d} todavía no llegó.",
        "El cliente escribió: «mis datos son {p}, ¿puede actualizar la cuenta?»",
        "¿Podría revisar por qué {p} aparece en el registro desde {d}?",
        "Según el formulario, la información de pago es {p} — revisión pendiente.",
        "Envíe la factura {d} a {p}, por favor. ¡Gracias, señora Núñez!",
        "Resumen: el usuario {p} solicitó la devolución número {d}.",
    ],
    "cjk": [
        "你好，请把发票 {d} 发到 {p}，谢谢。",
        "お客様の連絡先は {p} です（注文 {d}）。",
        "고객 정보: {p} — 주문 {d} 확인 부탁드립니다.",
        "🙂🚀 Ticket {d}: contact {p} ✅",
        "👩‍💻 déjà vu — naïve café: {p} 🎉 ({d})",
        "电话：{p}，订单 {d}。😀",
    ],
}

DECOY_TEMPLATES = {
    "en": [
        "Order {d} was shipped on {d} and costs {d}.",
        "Deployed build {d} at {d}; commit {d}.",
        "Request {d} took 1.25 s, retry at {d}.",
        "The model gpt-4o answered in 2.3 s ({d}).",
        "Invoice {d}: total {d}, due {d}.",
    ],
    "de": [
        "Die Bestellung {d} wurde am {d} versandt, Betrag {d}.",
        "Version {d} läuft seit {d} auf Knoten {d}.",
        "Sendungsnummer {d}, Zeitstempel {d}.",
    ],
    "fr": [
        "La commande {d} a été expédiée le {d}, montant {d}.",
        "Empreinte du fichier : {d} (version {d}).",
    ],
    "es": [
        "El pedido {d} se envió el {d}; importe {d}.",
        "Versión {d} desplegada a las {d}, identificador {d}.",
    ],
    "cjk": [
        "订单 {d} 已于 {d} 发货，金额 {d}。",
        "🚀 リリース {d}（{d}）ハッシュ {d}",
        "🙂 build {d} 📦 {d}",
    ],
}


def fill(template, positive_kind=None):
    findings, decoys = [], []
    parts = template.split("{p}") if positive_kind else [template]
    out = []
    for n, part in enumerate(parts):
        pieces = part.split("{d}")
        for k, piece in enumerate(pieces):
            out.append(piece.replace("{{", "{").replace("}}", "}"))
            if k < len(pieces) - 1:
                value = decoy()
                decoys.append(value)
                out.append(value)
        if n < len(parts) - 1:
            value = GENERATORS[positive_kind]()
            findings.append({"kind": positive_kind, "value": value})
            out.append(value)
    return "".join(out), findings, decoys


def build():
    items = []
    kinds = list(GENERATORS)
    langs = list(TEMPLATES)
    for i in range(330):
        kind = kinds[i % len(kinds)]
        lang = langs[(i // len(kinds)) % len(langs)]
        template = rng.choice(TEMPLATES[lang])
        text, findings, decoys = fill(template, kind)
        if i % 5 == 0:  # a second kind in the same text
            other = kinds[(i + 3) % len(kinds)]
            extra, more, _ = fill(" / {p}", other)
            text += extra
            findings += more
        items.append({"lang": lang, "text": text, "findings": findings, "decoys": decoys})
    for i in range(150):
        lang = langs[i % len(langs)]
        text, _, decoys = fill(rng.choice(DECOY_TEMPLATES[lang]))
        items.append({"lang": lang, "text": text, "findings": [], "decoys": decoys})
    for n, item in enumerate(items):
        item["id"] = n
    return [{"id": it["id"], "lang": it["lang"], "text": it["text"], "findings": it["findings"], "decoys": it["decoys"]} for it in items]


# ------------------------------------------------------------------ check


def check(items):
    sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "scripts"))
    import pii_mirror
    problems = 0
    for item in items:
        for f in item["findings"]:
            v = f["value"]
            if item["text"].count(v) < 1:
                problems += 1
                print("value not in text", item["id"])
            if f["kind"] == "card":
                ok = luhn_ok([int(c) for c in v if c.isdigit()])
            elif f["kind"] == "iban":
                ok = mod97_ok(v.replace(" ", ""))
            elif f["kind"] == "ssn":
                a, g, s = map(int, v.split("-"))
                ok = a not in (0, 666) and a < 900 and g != 0 and s != 0
            else:
                ok = True
            if not ok:
                problems += 1
                print("invalid positive", item["id"], v)
    print("reference check: %d items, %d positive findings, %d decoys, %d invalid positives" % (
        len(items), sum(len(i["findings"]) for i in items), sum(len(i["decoys"]) for i in items), problems))
    found_by_kind, total_by_kind = {}, {}
    decoys_hit = decoys_total = 0
    extra = 0
    for item in items:
        text = item["text"]
        got = pii_mirror.findings(text)
        got_set = {(k, text[a:b]) for (k, a, b) in got}
        for f in item["findings"]:
            total_by_kind[f["kind"]] = total_by_kind.get(f["kind"], 0) + 1
            if (f["kind"], f["value"]) in got_set:
                found_by_kind[f["kind"]] = found_by_kind.get(f["kind"], 0) + 1
            else:
                print("MISSED", item["id"], f["kind"], repr(f["value"]), got)
        expected = {(f["kind"], f["value"]) for f in item["findings"]}
        for (k, a, b) in got:
            if (k, text[a:b]) not in expected:
                extra += 1
        for d in item["decoys"]:
            decoys_total += 1
            start = text.find(d)
            end = start + len(d)
            if any(a < end and start < b for (_, a, b) in got):
                decoys_hit += 1
                print("DECOY HIT", item["id"], repr(d), [(k, text[a:b]) for (k, a, b) in got])
    for kind in sorted(total_by_kind):
        print("recall %-7s %d/%d = %.3f" % (kind, found_by_kind.get(kind, 0), total_by_kind[kind], found_by_kind.get(kind, 0) / total_by_kind[kind]))
    print("decoys over-redacted: %d/%d = %.4f; findings not expected: %d" % (decoys_hit, decoys_total, decoys_hit / decoys_total, extra))
    return problems


if __name__ == "__main__":
    if "--check" in sys.argv:
        with open(OUT, encoding="utf-8") as f:
            sys.exit(1 if check(json.load(f)) else 0)
    items = build()
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(items, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %d items to %s" % (len(items), OUT))
