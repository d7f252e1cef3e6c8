"""Quantities as English news text writes them, found in raw text.

`find_quantities(text)` returns every number phrase of a text as a `Quantity` with
character offsets: digits in all the formats reporting uses ("1,076", "2, 047",
"12 400", "12.000", "1.5 million", "1.5m", a figure glued to the next word as scraped
text has it: "1.5 millionreturned", "2024,108"), number words ("sixty",
"twenty-six and a half thousand", "a dozen"), vague amounts ("hundreds",
"tens of thousands"), ranges ("between 400 and 600", "400-600") and "+"/"-plus" forms.
Each quantity carries its `shape`: a head count, or a year, percentage, money amount,
ordinal, time, day of a month, measure, duration, age or label, so the later stages
never mistake "2024" or "$300" for people.

Pure functions over strings: no spaCy, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extract.claims.dates import MONTHS as MONTH_NUMBERS
from extract.claims.number_words import (
    NUMBER_SPACE,
    SUFFIX_SCALES,
    parse_digits,
    word_runs,
)

# Vague amounts, longest first: (words, order of magnitude kept as the count).
VAGUE = [
    ("hundreds of thousands", 100_000),
    ("tens of thousands", 10_000),
    ("several hundred thousand", 100_000),
    ("several tens of thousands", 10_000),
    ("a few hundred", 100),
    ("a few thousand", 1000),
    ("a few dozen", 12),
    ("several hundred", 100),
    ("several thousand", 1000),
    ("several dozen", 12),
    ("some hundreds", 100),
    ("hundreds", 100),
    ("thousands", 1000),
    ("millions", 1_000_000),
    ("dozens", 12),
    ("scores", 20),
]
VAGUE_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p, _ in VAGUE) + r")(?![\w-])", re.I
)
_VAGUE_VALUE = {p: v for p, v in VAGUE}

DIGITS_RE = re.compile(
    r"(?<![\w.,/:])(?<![A-Za-z][-–])(?:"
    r"\d{1,2}(?:,\d{2})+,\d{3}(?![\d,]\d)"  # 8,85,902 (lakh grouping)
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,]\d)"  # 1,076  1,500,000
    rf"|\d{{1,3}}(?:,{NUMBER_SPACE}\d{{3}})+(?![\d,.]?\d)"  # 2, 047 (a space after the thousands comma)
    rf"|\d{{1,3}}(?:{NUMBER_SPACE}\d{{3}})+(?![\d,.]?\d)"  # 12 400 (a space as thousands separator)
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.]?\d)"  # 1.500.000 (European)
    r"|\d{2,3}\.\d{3}(?![\d.]?\d)"  # 12.000 (European; "1.500" stays a decimal)
    r"|\d+(?:\.\d+)?"
    r")"
    r"|(?<=(?:19|20)\d\d,)\d{1,3}(?:,\d{3})*(?![\d,]\d)"  # "January 2024,108 workers": a figure glued to a year
)
# A scale after digits: "1.5 million", "1.5m", "3k", "1.5 millionreturned" (glued to the next word).
# A plural scale ("in 2015 thousands fled") is a vague amount of its own, never a multiplier.
SCALE_AFTER_RE = re.compile(
    r"(?:[ \u00a0-]?(million|billion|thousand|lakh|crore)(?!s\b)(?=[a-z]|\b)|(mn|bn|m|k)\b)", re.I
)
# Calendar dates written in digits ("2024-02-10", "10/02/2024", "10.02.2024"): none of their parts is a figure.
NUMERIC_DATE_RE = re.compile(
    r"(?<![\d.,/-])(?:(?:19|20)\d\d-[01]?\d-[0-3]?\d|[0-3]?\d([./-])[01]?\d\1(?:19|20)\d\d)(?![\d])"
)
MONTHS = tuple(MONTH_NUMBERS)  # month names and their short forms
_MONTH_ALT = "|".join(MONTHS)
MONTH_BEFORE_RE = re.compile(rf"\b(?:{_MONTH_ALT})\.?,?\s*$", re.I)
# "On 29 August, 86 people": the month already has its day, the number after the comma is a count.
DAY_MONTH_COMMA_RE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_ALT})\.?,\s*$", re.I)
MONTH_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTH_ALT})\b", re.I)
CURRENCY_BEFORE_RE = re.compile(
    r"(?:[$€£¥₹₩]|\b(?:US\$|USD|EUR|GBP|Rs\.?|Tk\.?|Rp|NT\$|HK\$|A\$|C\$|CHF|AED|SAR|KRW|RMB))\s*$", re.I
)
CURRENCY_AFTER_RE = re.compile(
    r"^\s*(?:million\s+|billion\s+|thousand\s+)?(?:dollars?|euros?|pounds?|yuan|won|rupees?|afghanis?|taka|dirhams?|riyals?|"
    r"lira|liras|yen|francs?|pesos?|rand|naira|shillings?|baht|ringgit|dinars?|USD|EUR|GBP)\b",
    re.I,
)
PERCENT_AFTER_RE = re.compile(r"^\s*(?:%|per\s*cent\b|percent\b|pc\b|percentage\s+points?\b)", re.I)
ORDINAL_AFTER_RE = re.compile(r"^(?:st|nd|rd|th)\b", re.I)
TIME_AFTER_RE = re.compile(
    r"^(?:[:.]\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock\b|hrs\b|GMT\b|UTC\b|local time\b)", re.I
)
MEASURE_AFTER_RE = re.compile(
    r"^[\s-]*(?:km|kms|kilomet(?:re|er)s?|miles?|kg|kilos?|kilograms?|tonnes?|tons?|met(?:re|er)s?|m2|sq|square|hectares?|"
    r"acres?|feet|ft|mph|degrees?|°|litres?|liters?|gallons?|barrels?|megawatts?|mw|gb|mb)\b",
    re.I,
)
DURATION_AFTER_RE = re.compile(
    r"^[\s-]*(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|nights?|seconds?)\b(?![\s-]+old)", re.I
)
AGE_AFTER_RE = re.compile(r"^[\s-]*(?:years?[\s-]+old|year-olds?|yo\b)", re.I)
AGE_BEFORE_RE = re.compile(r"\b(?:aged|age|ages|ages of|aged between|at the age of|age of)\s*$", re.I)
LABEL_BEFORE_RE = re.compile(
    r"(?:\b(?:no\.?|nos\.?|number|article|articles|resolution|chapter|section|page|pages|paragraph|para|clause|rule|route|highway|"
    r"flight|room|gate|platform|camp|block|ward|district|zone|sector|level|phase|grade|class|volume|vol\.|issue|episode|"
    r"covid|g|top)|#|\bn\s?=)\s*$",
    re.I,
)
DECADE_AFTER_RE = re.compile(r"^'?s\b")
RANGE_JOIN_RE = re.compile(r"^\s*(?:-|–|—|to|or|and)\s*$", re.I)


@dataclass(frozen=True)
class Quantity:
    """A number phrase of a text: `text[start:end]`, its value and what it counts."""

    start: int
    end: int
    value: int
    high: int | None = None  # upper end of a range ("400-600": 400, high 600)
    vague: bool = False  # "hundreds": an order of magnitude, never an exact figure
    in_words: bool = False  # written in words ("sixty")
    plus: bool = False  # "500+", "3,000-plus"
    shape: str = "count"  # count, year, percent, money, ordinal, time, day, date, measure, duration, age, label, decade

    @property
    def is_count(self) -> bool:
        return self.shape == "count"


def parse_number(text: str) -> int | None:
    """Value of a whole number phrase given as a string ("1,076", "five hundred", "1.2 million")."""
    found = find_quantities(text.strip())
    if len(found) != 1 or found[0].vague:
        return None
    q = found[0]
    if q.start != 0 or q.end != len(text.strip()):
        return None
    return q.value


def _shape(text: str, start: int, end: int, value: float, raw: str) -> str:
    before = text[max(0, start - 24) : start]
    after = text[end : end + 30]
    if PERCENT_AFTER_RE.match(after):
        return "percent"
    if CURRENCY_BEFORE_RE.search(before) or CURRENCY_AFTER_RE.match(after):
        return "money"
    if re.match(r"^\d", raw):
        if ORDINAL_AFTER_RE.match(after):
            return "day" if MONTH_AFTER_RE.match(after) or MONTH_BEFORE_RE.search(before) else "ordinal"
        if DECADE_AFTER_RE.match(after) and re.fullmatch(r"\d{2,4}", raw):
            return "decade"
        if re.match(r"^[:.]\d{2}\b", after) and value < 25 or TIME_AFTER_RE.match(after):
            return "time"
        if re.fullmatch(r"\d{1,2}", raw) and (
            MONTH_BEFORE_RE.search(before) and not DAY_MONTH_COMMA_RE.search(before)
            or MONTH_AFTER_RE.match(after)
            or re.match(rf"^\s?[-–—]\s?\d{{1,2}}\s+(?:{_MONTH_ALT})\b", after, re.I)
        ):
            return "day"  # "29 August", "August 29", "22-30 April"
        if re.fullmatch(r"(?:1[89]|20)\d\d", raw):
            return "year"
        if re.fullmatch(r"\d\d", raw) and re.search(r"(?:19|20)\d\d\s?[-–/]\s?$", before):
            return "year"  # "2013-14", "the 2024/25 financial year"
    if AGE_AFTER_RE.match(after) or AGE_BEFORE_RE.search(before):
        return "age"
    if re.fullmatch(r"\d{1,3}", raw) and value < 110 and re.search(r"\b[A-Z][\w.’'-]*,\s$", before) \
            and re.match(r"^(?:,\s|[.;)]\s*(?:$|[\"”A-Z]))", after):
        return "age"  # "Farid, 15, from Ghor": an age after a name
    if MEASURE_AFTER_RE.match(after):
        return "measure"
    if DURATION_AFTER_RE.match(after):
        return "duration"
    if LABEL_BEFORE_RE.search(before) and re.match(r"^\d", raw):
        return "label"
    return "count"


def _digit_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    dates = [(m.start(), m.end()) for m in NUMERIC_DATE_RE.finditer(text)] if re.search(r"\d[./-]\d", text) else []
    pos = 0
    while True:
        m = DIGITS_RE.search(text, pos)
        if m is None:
            return out
        start, end = m.start(), m.end()
        raw = m.group(0)
        # "on March 3 150 people": a day of the month, then a count, not 3,150
        first = re.match(r"\d+", raw)
        assert first is not None
        if (
            re.search(NUMBER_SPACE, raw)
            and int(first.group(0)) <= 31
            and re.search(rf"\b(?:{_MONTH_ALT})\.?\s+$", text[max(0, start - 12) : start], re.I)
        ):
            end = start + first.end()
            raw = raw[: first.end()]
        pos = end
        value = parse_digits(raw)
        if value is None:
            continue
        sm = SCALE_AFTER_RE.match(text, end)
        if sm:
            value *= SUFFIX_SCALES[(sm.group(1) or sm.group(2)).lower()]
            end = pos = sm.end()
        if value != int(value):
            continue  # "3.5" with no scale is no head count
        if dates and any(a <= start and end <= b for a, b in dates):
            out.append(Quantity(start, end, int(value), shape="date"))
            continue
        out.append(
            Quantity(start, end, int(value), shape=_shape(text, start, end, value, raw if not sm else raw + "x"))
        )


def _merge_digit_word_scale(text: str, digits: list[Quantity], words: list[tuple[int, int, int]]) -> list[Quantity]:
    """Digits followed by a scale word already joined in `_digit_quantities`; here, number words."""
    out = list(digits)
    taken = [(q.start, q.end) for q in digits]
    for s, e, v in words:
        if any(a < e and s < b for a, b in taken):
            continue
        out.append(Quantity(s, e, v, in_words=True, shape=_shape(text, s, e, v, text[s:e])))
    return out


def _vague(text: str, found: list[Quantity]) -> list[Quantity]:
    out = []
    for m in VAGUE_RE.finditer(text):
        s, e = m.start(), m.end()
        if any(q.start < e and s < q.end for q in found):
            continue
        key = " ".join(m.group(1).lower().split())
        after = text[e : e + 20]
        if CURRENCY_AFTER_RE.match(re.sub(r"^\s*of\s+", " ", after)) or DURATION_AFTER_RE.match(
            re.sub(r"^\s*of\s+", " ", after)
        ):
            continue  # "thousands of dollars", "hundreds of years"
        out.append(Quantity(s, e, _VAGUE_VALUE[key], vague=True, in_words=True))
    return out


def _ranges(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Join "400-600", "400 to 600", "between 400 and 600" into one quantity (value 400, high 600)."""
    qs = sorted(qs, key=lambda q: q.start)
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        if i + 1 < len(qs) and q.shape in ("count", "age") and not q.vague:
            n = qs[i + 1]
            gap = text[q.end : n.start]
            between = re.search(r"\bbetween\s*$", text[max(0, q.start - 9) : q.start], re.I)
            joins = RANGE_JOIN_RE.match(gap) and (gap.strip().lower() != "and" or between)
            age_and = gap.strip().lower() == "and" and q.shape == "age"
            if (
                (joins or age_and)
                and ("age" in (q.shape, n.shape))
                and n.shape in ("count", "age")
                and n.value > q.value
            ):
                out.append(
                    replace(q, end=n.end, high=n.value, shape="age")
                )  # "aged 13 to 17", "between 18 and 30 years old"
                i += 2
                continue
            if (
                joins
                and n.shape in ("count", "duration", "measure", "percent", "money")
                and not n.vague
                and n.value > q.value
                and n.value <= q.value * 20
                and not (gap.strip() == "-" and q.value < 10 and n.value < 10)
            ):
                out.append(replace(q, end=n.end, high=n.value, shape=n.shape))
                i += 2
                continue
            if joins and gap.strip() in ("-", "–") and q.value < 20 and n.value < q.value:
                out.append(replace(q, end=n.end, shape="score"))  # "won 3-1"
                i += 2
                continue
        out.append(q)
        i += 1
    return out


PLUS_RE = re.compile(r"(?:\+|-plus\b|\s+plus\b(?!\s+\d)|\s+or\s+more\b|\s+and\s+more\b|\s+and\s+above\b)", re.I)


def find_quantities(text: str) -> list[Quantity]:
    """Every number phrase of `text`, in text order (see the module docstring)."""
    digits = _digit_quantities(text)
    found = _merge_digit_word_scale(text, digits, word_runs(text))
    # digits then a scale word written apart: "26 thousand" is joined by the scale regex; a
    # word number then digits never occurs as one number.
    found += _vague(text, found)
    found = _ranges(text, found)
    out = []
    for q in found:
        if q.is_count and PLUS_RE.match(text, q.end):
            q = replace(q, plus=True)
        out.append(q)
    return sorted(out, key=lambda q: q.start)
