"""Figures of people in Korean text: "60명", "60여 명", "2천여 명", "1만3천 명", "1,076명",
"서너 명", "스물두 명", "수십 명" (vague), ranges "50~60명" / "50-60명".

Read from the raw text with patterns: a number (digits, digits with 만/천/백, Korean numeral
words) before a counter of people (명). Pure and offset-exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.claims.ko.lexicon import KoLexicon

_SCALE = {"만": 10000, "천": 1000, "백": 100, "십": 10}
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_SINO = rf"(?:(?:{_DIGITS})\s?[만천백십]?\s?)+"


@dataclass(frozen=True)
class KoQuantity:
    start: int  # the figure ("60여 명": from "60")
    end: int  # after the counter
    value: int
    high: int | None = None  # the top of a range ("50~60명") or of "서너 명"
    vague: bool = False  # "수십 명"
    plus: bool = False  # "60여 명": more than
    approx: bool = False  # "서너 명": at least the lower figure
    counter: str = "명"


def parse_sino(s: str) -> int | None:
    """ "2천" -> 2000, "1만3천" -> 13000, "14만2천" -> 142000, "3천2백" -> 3200, "1,076" -> 1076."""
    s = s.replace(" ", "").replace(",", "")
    total = 0
    small = 0.0
    seen = False
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)([만천백십]?)", s):
        seen = True
        n = float(num)
        if unit == "만":
            total += int(round((small + n) * 10000))
            small = 0
        elif unit:
            small += n * _SCALE[unit]
        else:
            small += n
    return total + int(round(small)) if seen else None


def _native(word: str, lex: KoLexicon) -> int | None:
    """ "열한" -> 11, "스물두" -> 22, "마흔" -> 40, "다섯" -> 5."""
    for tens_word, tens in sorted(lex.native_tens.items(), key=lambda x: -len(x[0])):
        if word.startswith(tens_word):
            rest = word[len(tens_word):]
            if not rest:
                return tens
            unit = lex.native_units.get(rest)
            return tens + unit if unit else None
    return lex.native_units.get(word)


def _counter_re(lex: KoLexicon) -> str:
    return "|".join(re.escape(c) for c in lex.counters)


def find_quantities(text: str, lex: KoLexicon) -> list[KoQuantity]:
    """Every figure of people in `text`, in text order."""
    counter = _counter_re(lex)
    found: list[KoQuantity] = []
    taken: list[tuple[int, int]] = []

    def add(q: KoQuantity) -> None:
        if any(a < q.end and q.start < b for a, b in taken):
            return
        taken.append((q.start, q.end))
        found.append(q)

    # ranges first: "50~60명", "50-60명", "5~6천 명"
    for m in re.finditer(rf"(?<![\d.,])({_SINO})\s?[~∼〜\-–]\s?({_SINO})(여)?\s?({counter})", text):
        lo, hi = parse_sino(m.group(1)), parse_sino(m.group(2))
        if lo is None or hi is None:
            continue
        if hi < lo and re.search(r"[만천백]$", m.group(2).strip()) and not re.search(r"[만천백]", m.group(1)):
            lo = parse_sino(m.group(1).strip() + re.findall(r"[만천백]", m.group(2))[-1]) or lo
        if hi <= lo:
            continue
        add(KoQuantity(m.start(1), m.end(), lo, high=hi, plus=bool(m.group(3)), counter=m.group(4)))
    # ranges told as "from N to M": "최소 150명에서 많게는 200명", "100명에서 최대 150명"
    for m in re.finditer(rf"(?<![\d.,])({_SINO})(여)?\s?({counter})\s?(?:에서|부터)\s?(?:많게는|최대|최고)\s?"
                         rf"({_SINO})(여)?\s?{counter}", text):
        lo, hi = parse_sino(m.group(1)), parse_sino(m.group(4))
        if lo is not None and hi is not None and hi > lo:
            add(KoQuantity(m.start(1), m.end(), lo, high=hi, plus=bool(m.group(2)), counter=m.group(3)))
    for m in re.finditer(rf"(?<![\d.,~∼\-])({_SINO})(여)?\s?({counter})(?!령|단|예|목|칭|백|분)", text):
        value = parse_sino(m.group(1))
        if value is None or value <= 0:
            continue
        add(KoQuantity(m.start(1), m.end(), value, plus=bool(m.group(2)), counter=m.group(3)))
    words = sorted([*lex.vague, *lex.approximate], key=len, reverse=True)
    word_re = "|".join(re.escape(w) for w in words)
    for m in re.finditer(rf"(?<![가-힣])({word_re})(여)?\s?({counter})", text):
        w = m.group(1)
        if w in lex.approximate:
            lo, hi = lex.approximate[w]
            add(KoQuantity(m.start(1), m.end(), lo, high=hi, approx=True, counter=m.group(3)))
        else:
            add(KoQuantity(m.start(1), m.end(), lex.vague[w], vague=True, counter=m.group(3)))
    native = sorted([*lex.native_tens, *lex.native_units], key=len, reverse=True)
    native_re = "|".join(re.escape(w) for w in native)
    for m in re.finditer(rf"(?<![가-힣])((?:{native_re})+)(여)?\s?({counter})", text):
        value = _native(m.group(1), lex)
        if value:
            add(KoQuantity(m.start(1), m.end(), value, plus=bool(m.group(2)), counter=m.group(3)))
    return sorted(found, key=lambda q: q.start)
