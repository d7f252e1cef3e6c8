"""Numbers as news text writes them: "1,076", "1.2 million", "five hundred", "a dozen".

Pure functions over lists of word strings, so they are easy to test without a model.
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
          "lakh": 100_000, "crore": 10_000_000}
DOZEN = {"dozen": 12, "score": 20}
NUMBER_WORDS = set(UNITS) | set(TENS) | set(SCALES) | set(DOZEN)

DIGITS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$|^\d{1,3}(?:\.\d{3})+$|^\d+\.\d+$|^\d{1,3}(?:\s\d{3})+$")
# "1.2m", "3k"
SUFFIXED_RE = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|bn)$", re.I)


def parse_digits(s: str) -> float | None:
    """'1,076' -> 1076, '1.2' -> 1.2, '12.000' (European thousands) -> 12000."""
    s = s.strip()
    m = SUFFIXED_RE.match(s)
    if m:
        mult = {"k": 1000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}[m.group(2).lower()]
        return float(m.group(1)) * mult
    if not DIGITS_RE.match(s):
        return None
    if re.match(r"^\d{1,3}(?:,\d{3})+$", s):
        return float(s.replace(",", ""))
    if re.match(r"^\d{1,3}(?:\.\d{3})+$", s) and s.count(".") >= 1 and len(s.split(".")[-1]) == 3 and not re.match(r"^\d\.\d{3}$", s):
        return float(s.replace(".", ""))
    if re.match(r"^\d{1,3}(?:\s\d{3})+$", s):
        return float(s.replace(" ", ""))
    try:
        return float(s)
    except ValueError:
        return None


def is_number_word(w: str) -> bool:
    w = w.lower()
    return w in NUMBER_WORDS or parse_digits(w) is not None


def parse_number_words(words: list[str]) -> int | None:
    """Value of a number written with words and/or digits, e.g.
    ["five", "hundred"] -> 500, ["1.2", "million"] -> 1200000, ["a", "dozen"] -> 12,
    ["twenty", "-", "five"] -> 25, ["two", "thousand", "three", "hundred"] -> 2300.
    Returns None when the words do not make one whole number."""
    ws = [w.lower() for w in words if w not in ("-", "and", ",")]
    if not ws:
        return None
    if ws[0] == "half" and len(ws) > 1:
        rest = parse_number_words(ws[1:])
        return rest // 2 if rest and rest % 2 == 0 else None
    if ws[0] in ("a", "an", "one"):
        if len(ws) == 1:
            return 1 if ws[0] == "one" else None
        if ws[0] != "one":
            ws = ["one", *ws[1:]]
    total = 0.0
    current = 0.0
    seen = False
    for w in ws:
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w in DOZEN:
            current = (current or 1) * DOZEN[w]
        elif w in SCALES:
            scale = SCALES[w]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            v = parse_digits(w)
            if v is None:
                return None
            current += v
        seen = True
    if not seen:
        return None
    value = total + current
    if value != int(value) or value < 0:
        return None
    return int(value)


def parse_number(text: str) -> int | None:
    """Parse a whole number phrase given as a string ("1,076", "five hundred", "1.2 million")."""
    whole = text.strip()
    if SUFFIXED_RE.match(whole):
        v = parse_digits(whole)
        return int(v) if v is not None and v == int(v) else None
    words = re.findall(r"\d[\d,.]*\d(?:m|mn|bn|k)?\b|\d(?:m|mn|bn|k)?\b|[A-Za-z]+|-", text)
    return parse_number_words(words)
