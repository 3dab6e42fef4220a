"""A line-by-line Python mirror of Sources/VigilSafety/PIIDetector.swift.

It exists so the detector's recall and decoy figures can be checked against the fixture without
building Swift; keep the two in step. Offsets are in code points (Python's str indices), which are
Unicode scalars, as in the Swift code.
"""
import base64

PRIORITY = ["secret", "email", "iban", "card", "ssn", "ip", "phone"]


def is_digit(c): return "0" <= c <= "9"
def is_upper(c): return "A" <= c <= "Z"
def is_lower(c): return "a" <= c <= "z"
def is_alpha(c): return is_upper(c) or is_lower(c)
def is_alnum(c): return is_alpha(c) or is_digit(c)
def is_hex(c): return is_digit(c) or "a" <= c <= "f" or "A" <= c <= "F"
def is_word(c): return is_alnum(c) or c == "_"
def is_b64url(c): return is_alnum(c) or c == "-" or c == "_"


def at(s, i):
    return s[i] if 0 <= i < len(s) else "\0"


def before(s, i):
    c = at(s, i - 1)
    if c in "nrtbf" and at(s, i - 2) == "\\":
        return " "
    return c


def luhn(digits):
    total = 0
    for idx, d in enumerate(reversed(digits)):
        if idx % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_issuer(digits):
    n = len(digits)
    p = lambda k: int("".join(map(str, digits[:k])))
    if digits[0] == 4 and n in (13, 16, 19):
        return True
    if n == 16 and (51 <= p(2) <= 55 or 2221 <= p(4) <= 2720):
        return True
    if n == 15 and p(2) in (34, 37):
        return True
    if n in (16, 19) and (p(4) == 6011 or p(2) == 65 or 644 <= p(3) <= 649):
        return True
    if 16 <= n <= 19 and 3528 <= p(4) <= 3589:
        return True
    if n == 14 and (p(2) in (36, 38, 39) or 300 <= p(3) <= 305):
        return True
    if 16 <= n <= 19 and p(2) == 62:
        return True
    if 12 <= n <= 19 and p(4) in (5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763):
        return True
    return False


IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21, "CY": 28, "CZ": 24,
    "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "KW": 30, "KZ": 20, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PT": 25, "QA": 29, "RO": 24,
    "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26, "UA": 29,
}


def mod97(chars):
    rearranged = chars[4:] + chars[:4]
    rem = 0
    for c in rearranged:
        if is_digit(c):
            rem = (rem * 10 + int(c)) % 97
        else:
            v = ord(c) - 55
            rem = (rem * 100 + v) % 97
    return rem == 1


def ssn_valid(area, group, serial):
    return area != 0 and area != 666 and area < 900 and group != 0 and serial != 0


# ---------------------------------------------------------------- secrets

def scan_pem(s, out):
    marker = "-----BEGIN "
    i = s.find(marker)
    while i != -1:
        head_end = s.find("-----", i + len(marker))
        if head_end != -1 and s[i + len(marker):head_end].endswith("PRIVATE KEY") and head_end - i < 80:
            end_marker = s.find("-----END ", head_end + 5)
            end = len(s)
            if end_marker != -1:
                close = s.find("-----", end_marker + 9)
                if close != -1:
                    end = close + 5
            out.append(("secret", i, end))
            i = s.find(marker, end)
        else:
            i = s.find(marker, i + 1)


def b64url_decode(text):
    text = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(text)
    except Exception:
        return None


def run_end(s, i, pred):
    while i < len(s) and pred(s[i]):
        i += 1
    return i


def scan_jwt(s, i, out):
    # at "eyJ"
    a = run_end(s, i, is_b64url)
    if a - i < 10 or at(s, a) != ".":
        return None
    b = run_end(s, a + 1, is_b64url)
    if b - (a + 1) < 2 or at(s, b) != ".":
        return None
    c = run_end(s, b + 1, is_b64url)
    header = b64url_decode(s[i:a])
    if header is None or b'"alg"' not in header.replace(b" ", b""):
        return None
    return c


PREFIXES = [
    # (prefix, allowed predicate, min length of body, exact length or None, needs digit)
    ("sk-ant-", is_b64url, 20, None, False),
    ("sk-proj-", is_b64url, 20, None, False),
    ("sk-", is_b64url, 20, None, True),
    ("AKIA", lambda c: is_upper(c) or is_digit(c), 16, 16, False),
    ("ASIA", lambda c: is_upper(c) or is_digit(c), 16, 16, False),
    ("ghp_", is_alnum, 30, None, False),
    ("gho_", is_alnum, 30, None, False),
    ("ghs_", is_alnum, 30, None, False),
    ("ghu_", is_alnum, 30, None, False),
    ("ghr_", is_alnum, 30, None, False),
    ("github_pat_", is_word, 22, None, False),
    ("sk_live_", is_alnum, 16, None, False),
    ("rk_live_", is_alnum, 16, None, False),
    ("sk_test_", is_alnum, 16, None, False),
    ("rk_test_", is_alnum, 16, None, False),
    ("AIza", is_b64url, 35, 35, False),
]
SLACK = "abporsABPORS"


def scan_secret_at(s, i):
    """End of a secret token starting at i, or None."""
    if is_word(before(s, i)) or before(s, i) == "-":
        return None
    if s.startswith("eyJ", i):
        return scan_jwt(s, i, None)
    if s.startswith("xox", i) and at(s, i + 3) in SLACK and at(s, i + 4) == "-":
        e = run_end(s, i + 5, lambda c: is_alnum(c) or c == "-")
        return e if e - (i + 5) >= 10 else None
    for prefix, pred, minimum, exact, needs_digit in PREFIXES:
        if s.startswith(prefix, i):
            start = i + len(prefix)
            e = run_end(s, start, pred)
            length = e - start
            if exact is not None:
                if length != exact:
                    return None
            elif length < minimum:
                return None
            if needs_digit and not any(is_digit(c) for c in s[start:e]):
                return None
            return e
    return None


# ---------------------------------------------------------------- email

def is_local(c): return is_alnum(c) or c in "._%+-"


def scan_email_at(s, i):
    """(start, end) of an email whose '@' is at i, or None."""
    start = i
    while start > 0 and is_local(before(s, start)):
        start -= 1
    while start < i and s[start] in ".":
        start += 1
    if start == i:
        return None
    j = i + 1
    labels = 0
    last_label_start = j
    end = None
    while True:
        k = run_end(s, j, lambda c: is_alnum(c) or c == "-")
        if k == j:
            break
        labels += 1
        last_label_start = j
        end = k
        if at(s, k) == "." and is_alnum(at(s, k + 1)):
            j = k + 1
            continue
        break
    if end is None or labels < 2:
        return None
    tld = s[last_label_start:end]
    if len(tld) < 2 or not all(is_alpha(c) for c in tld):
        return None
    return (start, end)


# ---------------------------------------------------------------- numbers

def number_start_ok(s, i):
    p = before(s, i)
    if is_word(p) or p == "+":
        return False
    if p in ".,-/" and is_alnum(at(s, i - 2)):
        return False
    return True


def number_end_ok(s, e):
    n = at(s, e)
    if is_word(n):
        return False
    if n in ".,-/" and is_digit(at(s, e + 1)):
        return False
    return True


def digit_groups(s, i, seps, max_digits):
    """Groups of digits from i separated by single separator scalars: [(start, end)]."""
    groups = []
    j = i
    total = 0
    while True:
        k = run_end(s, j, is_digit)
        if k == j:
            break
        groups.append((j, k))
        total += k - j
        if total > max_digits:
            break
        if at(s, k) in seps and is_digit(at(s, k + 1)):
            j = k + 1
            continue
        break
    return groups


def scan_card_at(s, i):
    if not number_start_ok(s, i):
        return None
    groups = digit_groups(s, i, " -", 19)
    for count in range(len(groups), 0, -1):
        chosen = groups[:count]
        end = chosen[-1][1]
        digits = [int(c) for g in chosen for c in s[g[0]:g[1]] ]
        if not 13 <= len(digits) <= 19:
            continue
        if not number_end_ok(s, end):
            continue
        seps = set(s[a[1]] for a in chosen[:-1])
        if len(seps) > 1:
            continue
        if luhn(digits) and card_issuer(digits):
            return end
    return None


def scan_ssn_at(s, i):
    if not number_start_ok(s, i):
        return None
    if not (all(is_digit(at(s, i + k)) for k in (0, 1, 2)) and at(s, i + 3) == "-"
            and is_digit(at(s, i + 4)) and is_digit(at(s, i + 5)) and at(s, i + 6) == "-"
            and all(is_digit(at(s, i + k)) for k in (7, 8, 9, 10))):
        return None
    end = i + 11
    if not number_end_ok(s, end) or at(s, end) == "-":
        return None
    if not ssn_valid(int(s[i:i + 3]), int(s[i + 4:i + 6]), int(s[i + 7:i + 11])):
        return None
    return end


def scan_iban_at(s, i):
    if is_word(before(s, i)):
        return None
    if not (is_upper(at(s, i)) and is_upper(at(s, i + 1)) and is_digit(at(s, i + 2)) and is_digit(at(s, i + 3))):
        return None
    country = s[i:i + 2]
    length = IBAN_LENGTHS.get(country)
    if length is None:
        return None
    chars = []
    j = i
    while len(chars) < length:
        c = at(s, j)
        if is_upper(c) or is_digit(c):
            chars.append(c)
            j += 1
        elif c == " " and (is_upper(at(s, j + 1)) or is_digit(at(s, j + 1))) and chars and len(chars) >= 4:
            j += 1
        else:
            return None
    if is_alnum(at(s, j)):
        return None
    if not mod97(chars):
        return None
    return j


def scan_ipv4_at(s, i):
    p = before(s, i)
    if is_word(p) or p == "." or p == ":":
        return None
    # a preceding "version"/"v" word
    k = i - 1
    while k >= 0 and s[k] == " ":
        k -= 1
    w_end = k + 1
    while k >= 0 and (is_alpha(s[k]) or s[k] == "ó"):
        k -= 1
    word = s[k + 1:w_end].lower()
    if w_end != i and word in ("version", "v", "release", "build", "versión", "ver"):
        return None
    j = i
    for part in range(4):
        k = run_end(s, j, is_digit)
        if k == j or k - j > 3:
            return None
        text = s[j:k]
        if int(text) > 255 or (len(text) > 1 and text[0] == "0"):
            return None
        if part < 3:
            if at(s, k) != ".":
                return None
            j = k + 1
        else:
            j = k
    if is_word(at(s, j)) or (at(s, j) == "." and is_digit(at(s, j + 1))):
        return None
    return j


def scan_ipv6_at(s, i):
    p = before(s, i)
    if is_word(p) or p in ":.":
        return None
    e = run_end(s, i, lambda c: is_hex(c) or c == ":")
    text = s[i:e]
    # drop one trailing lone colon
    if text.endswith(":") and not text.endswith("::"):
        text = text[:-1]
        e -= 1
    if text.count(":") < 2:
        return None
    if is_word(at(s, e)) or (at(s, e) == "." and is_hex(at(s, e + 1))):
        return None
    if ":::" in text or text.count("::") > 1:
        return None
    if "::" in text:
        head, tail = text.split("::")
        groups = [g for g in head.split(":") if g] + [g for g in tail.split(":") if g]
        if (head and "" in head.split(":")) or (tail and "" in tail.split(":")):
            return None
        if len(groups) > 7:
            return None
        if not groups:
            return None
        if not any(is_digit(c) for c in text):
            return None
    else:
        groups = text.split(":")
        if len(groups) != 8:
            return None
    if any(len(g) == 0 or len(g) > 4 for g in groups):
        return None
    return e


# ---------------------------------------------------------------- phones

def scan_phone_at(s, i):
    c = at(s, i)
    if c == "+":
        p = before(s, i)
        if is_word(p) or p in "+":
            return None
        if not is_digit(at(s, i + 1)) or at(s, i + 1) == "0":
            return None
        j = i + 1
        digits = 0
        end = None
        while True:
            if at(s, j) == "(":
                k = run_end(s, j + 1, is_digit)
                if k == j + 1 or at(s, k) != ")":
                    break
                digits += k - (j + 1)
                end = k + 1
                j = k + 1
            else:
                k = run_end(s, j, is_digit)
                if k == j:
                    break
                digits += k - j
                end = k
                j = k
            if digits > 15:
                return None
            if at(s, j) in " -." and (is_digit(at(s, j + 1)) or at(s, j + 1) == "("):
                j += 1
                continue
            if at(s, j) == "(" :
                continue
            break
        if end is None or not 8 <= digits <= 15:
            return None
        if not number_end_ok(s, end):
            return None
        return end
    if c == "(":
        # US (NXX) NXX-XXXX
        if is_word(before(s, i)):
            return None
        if not (all(is_digit(at(s, i + k)) for k in (1, 2, 3)) and at(s, i + 4) == ")"):
            return None
        if at(s, i + 1) in "01":
            return None
        j = i + 5
        if at(s, j) == " ":
            j += 1
        return us_tail(s, j)
    if not is_digit(c) or not number_start_ok(s, i):
        return None
    # US NXX-NXX-XXXX with an optional leading 1-
    j = i
    if c == "1" and at(s, i + 1) in "-. " and is_digit(at(s, i + 2)) and is_digit(at(s, i + 4)) and at(s, i + 5) in "-." :
        j = i + 2
    if at(s, j) in "23456789" and is_digit(at(s, j + 1)) and is_digit(at(s, j + 2)) and at(s, j + 3) in "-.":
        sep = at(s, j + 3)
        end = us_tail(s, j + 4, sep)
        if end is not None:
            return end
    # national numbers with a trunk 0: 020 7946 0958, 030 12345678, 01 42 68 53 00, 089/1234567
    if c == "0" and at(s, i + 1) != "0" and not (at(s, i - 1) in " -/" and is_digit(at(s, i - 2))):
        groups = digit_groups(s, i, " -/", 12)
        if len(groups) >= 2:
            seps = set(s[g[1]] for g in groups[:-1])
            total = sum(g[1] - g[0] for g in groups)
            first = groups[0][1] - groups[0][0]
            if len(seps) == 1 and 10 <= total <= 12 and 2 <= first <= 5 and number_end_ok(s, groups[-1][1]):
                return groups[-1][1]
    return None


def us_tail(s, j, sep=None):
    """NXX-XXXX from j (the exchange and line of a US number)."""
    if not (at(s, j) in "23456789" and is_digit(at(s, j + 1)) and is_digit(at(s, j + 2))):
        return None
    if sep is None:
        if at(s, j + 3) not in "-. ":
            return None
    elif at(s, j + 3) != sep:
        return None
    if not all(is_digit(at(s, j + 4 + k)) for k in range(4)):
        return None
    end = j + 8
    if not number_end_ok(s, end):
        return None
    return end


# ---------------------------------------------------------------- driver

def findings(s):
    found = []
    scan_pem(s, found)
    n = len(s)
    taken = [False] * n
    for (_, a, b) in found:
        for k in range(a, b):
            taken[k] = True
    candidates = {kind: [] for kind in PRIORITY}
    for i in range(n):
        c = s[i]
        if c in "seAgxr":
            e = scan_secret_at(s, i)
            if e is not None:
                candidates["secret"].append((i, e))
        if c == "@":
            r = scan_email_at(s, i)
            if r is not None:
                candidates["email"].append(r)
        if is_upper(c):
            e = scan_iban_at(s, i)
            if e is not None:
                candidates["iban"].append((i, e))
        if is_digit(c):
            e = scan_card_at(s, i)
            if e is not None:
                candidates["card"].append((i, e))
            e = scan_ssn_at(s, i)
            if e is not None:
                candidates["ssn"].append((i, e))
            e = scan_ipv4_at(s, i)
            if e is not None:
                candidates["ip"].append((i, e))
        if is_hex(c) or c == ":":
            e = scan_ipv6_at(s, i)
            if e is not None:
                candidates["ip"].append((i, e))
        if is_digit(c) or c in "+(":
            e = scan_phone_at(s, i)
            if e is not None:
                candidates["phone"].append((i, e))
    for kind in PRIORITY:
        for (a, b) in candidates[kind]:
            if any(taken[k] for k in range(a, b)):
                continue
            for k in range(a, b):
                taken[k] = True
            found.append((kind, a, b))
    found.sort(key=lambda f: f[1])
    return found
