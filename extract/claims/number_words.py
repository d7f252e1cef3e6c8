"""Numbers as written, to their values: digit strings in every thousands style ("1,076",
"2, 047", "12 400", "1.076") and numbers spelled out ("twenty-six and a half thousand", "a
dozen"). `extract.claims.numbers` finds them in text and says what each counts."""

from __future__ import annotations

import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}


TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}


SCALES = {
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "lakh": 100_000,
    "crore": 10_000_000,
}


DOZEN = {"dozen": 12}


NUMBER_WORDS = set(UNITS) | set(TENS) | set(SCALES) | set(DOZEN)


SUFFIX_SCALES = {
    "k": 1000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "bn": 1_000_000_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "thousand": 1000,
    "lakh": 100_000,
    "crore": 10_000_000,
}


NUMBER_SPACE = "[ \u00a0\u202f]"  # a space, no-break space or narrow no-break space inside a number


WORD_RE = re.compile(r"[A-Za-z]+")


# ---------------------------------------------------------------- parsing single numbers
def parse_digits(s: str) -> float | None:
    """'1,076' -> 1076, '2, 047' -> 2047, '12 400' -> 12400, '12.000' -> 12000, '1.2' -> 1.2,
    '1.5m' -> 1500000; None for what is not one number."""
    s = s.strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(k|m|mn|bn)", s, re.I)
    if m:
        return float(m.group(1)) * SUFFIX_SCALES[m.group(2).lower()]
    if re.fullmatch(r"\d{1,2}(?:,\d{2})+,\d{3}", s):
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?", s):
        return float(re.sub(r",\s?", "", s))
    if re.fullmatch(rf"\d{{1,3}}(?:{NUMBER_SPACE}\d{{3}})+", s):
        return float(re.sub(NUMBER_SPACE, "", s))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}|\d{2,3}\.\d{3}", s):
        return float(s.replace(".", ""))
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    return None


def parse_number_words(words: list[str]) -> int | None:
    """Value of a number written in words and/or digits: ["five", "hundred"] -> 500,
    ["1.2", "million"] -> 1200000, ["a", "dozen"] -> 12, ["twenty", "-", "six", "and", "a",
    "half", "thousand"] -> 26500, ["half", "a", "million"] -> 500000. None when the words do
    not make one whole number."""
    ws = [w.lower() for w in words if w not in ("-", "–", ",")]
    if not ws:
        return None
    if ws[0] == "half" and len(ws) > 1:
        rest = parse_number_words([w for w in ws[1:] if w not in ("a", "an")] or ["one"])
        if rest is None or ws[1:] == ["a"]:
            return None
        return rest // 2 if rest % 2 == 0 else None
    total = 0.0
    current = 0.0
    seen = False
    i = 0
    while i < len(ws):
        w = ws[i]
        if w == "and":
            if ws[i + 1 : i + 3] == ["a", "half"]:
                current += 0.5
                i += 3
                continue
            i += 1
            continue
        if w in ("a", "an"):
            if i + 1 < len(ws) and ws[i + 1] in SCALES or i + 1 < len(ws) and ws[i + 1] in DOZEN:
                current = current or 1
                i += 1
                continue
            return None
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
        i += 1
    if not seen:
        return None
    value = total + current
    if value != int(value) or value < 0:
        return None
    return int(value)


# ---------------------------------------------------------------- finding quantities
_WORDY = NUMBER_WORDS | {"a", "an", "and", "half"}


def word_runs(text: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of number-word phrases: "sixty", "two hundred and fifty", "a dozen",
    "twenty-six and a half thousand", "half a million"."""
    out: list[tuple[int, int, int]] = []
    words = [(m.start(), m.end(), m.group(0).lower()) for m in WORD_RE.finditer(text)]
    i = 0
    while i < len(words):
        s, e, w = words[i]
        starts = w in NUMBER_WORDS or (
            w in ("a", "an", "half") and i + 1 < len(words) and words[i + 1][2] in set(SCALES) | set(DOZEN) | {"a"}
        )
        if not starts:
            i += 1
            continue
        j = i + 1
        while j < len(words):
            gap = text[words[j - 1][1] : words[j][0]]
            if gap not in (" ", "-", "–", "\u00a0"):
                break
            wj = words[j][2]
            if wj in NUMBER_WORDS:
                j += 1
            elif (
                wj == "and"
                and j + 1 < len(words)
                and (words[j + 1][2] in NUMBER_WORDS or words[j + 1][2] == "a")
                and words[j - 1][2] in set(SCALES) | set(TENS) | set(UNITS)
            ):
                j += 1
            elif wj in ("a", "half") and words[j - 1][2] in ("and", "half", "a"):
                j += 1
            else:
                break
        while j > i + 1 and words[j - 1][2] in ("and", "a", "an", "half"):
            j -= 1
        seq = [w for _, _, w in words[i:j]]
        value = parse_number_words(seq)
        if seq == ["one"] and re.search(r"\b(?:not|no)\s+$", text[max(0, words[i][0] - 5) : words[i][0]], re.I):
            i = j
            continue  # "not one refugee has been returned": none
        if value is not None and seq not in (["a"], ["an"], ["half"]):
            out.append((words[i][0], words[j - 1][1], value))
        i = j
    return out
