"""Date phrases of a parsed doc: the recogniser's DATE entities that name a day, month, year
or a relative day, with the month names, fiscal years and list-row years it missed, and the
year each phrase is read in (`extract.claims.dating` chooses which phrase dates a claim)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from extract.claims.candidates import sentences
from extract.claims.dates import MONTHS, DateValue, looks_like_date, resolve_date
from extract.claims.nlp import doc_text

TIME_UNITS = {
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "decade",
    "decades",
    "minute",
    "minutes",
    "night",
    "nights",
}


MONTH_WORDS = frozenset(MONTHS)  # month names and their short forms


DAY_PARTS = {"morning", "afternoon", "evening", "night", "nights", "midnight", "dawn", "noon", "weekend"}


DATE_PREPS = {
    "since",
    "in",
    "on",
    "as",
    "from",
    "between",
    "until",
    "till",
    "by",
    "through",
    "throughout",
    "during",
    "of",
    "before",
    "after",
    "early",
    "late",
    "mid",
}


ISO_DAY_RE = re.compile(r"(19|20)\d\d-\d\d-\d\d")
PERIOD_ENDS = {"to", "ending", "ended", "until", "through"}
PERIOD_UNITS = {"months", "quarter", "year"}
PART_OF_YEAR_RE = re.compile(r"[QH][1-4]", re.I)
FISCAL_RE = re.compile(r"\b(?:fiscal(?: year)?|FY)\s*'?((?:19|20)?\d\d)\b", re.I)


@dataclass(frozen=True)
class DatePhrase:
    start: int  # token span in the doc
    end: int
    root: int
    text: str


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", text))


def _is_split_year(text: str) -> bool:
    """ "2024/25", "1999/00": a year and the next one's last two digits (a fiscal or school year)."""
    return bool(re.fullmatch(r"(19|20)\d\d/\d\d", text)) and (int(text[2:4]) + 1) % 100 == int(text[5:])


def date_phrases(doc: Doc) -> list[DatePhrase]:
    """Date phrases of a doc: DATE entities that name a day, month, year or a relative day,
    without durations ("25 years") or years that only modify a noun ("a 1986 protocol"),
    plus month names, fiscal years and list-row years the recogniser missed."""
    got = doc.user_data.get("newsmon_dates")
    if got is not None:
        return got
    out: list[DatePhrase] = []
    covered: set[int] = set()

    def add(s: int, e: int, root: int) -> None:
        if s > 0 and PART_OF_YEAR_RE.fullmatch(doc[s - 1].text):
            s -= 1  # "Q2 2025", "H1 2024": the recogniser takes the year alone
        if s > 1 and doc[s - 1].lower_ in PERIOD_ENDS and doc[s - 2].lower_ in PERIOD_UNITS:
            s -= 2  # "the three months" + "to the end of March": a period told by its end
            while s > 0 and (doc[s - 1].like_num or doc[s - 1].lower_ == "the"):
                s -= 1
        if s > 0 and doc[s - 1].lower_ in DATE_PREPS:
            s -= 1
            if s > 0 and doc[s - 1].lower_ == "as" and doc[s].lower_ == "of":
                s -= 1
        out.append(DatePhrase(s, e, root, doc[s:e].text))
        covered.update(range(s, e))

    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME") or not looks_like_date(ent.text):
            continue
        if ISO_DAY_RE.fullmatch(ent.text):
            add(ent.start, ent.end, ent.root.i)  # "Date: 2025-05-22 | Returned: 146"
            continue
        low = ent.text.lower()
        if re.search(r"\b\d+\s*(-\s*)?(years?|months?|weeks?|days?|decades?)\b(?!\s+ago)", low) and not re.search(
            r"(19|20)\d\d", low
        ):
            continue
        if re.fullmatch(r"(the\s+)?(\w+\s+)?(years?|months?|weeks?|days?|decades?)", low.strip()) and not re.search(
            r"\b(this|last|past|that|the same|previous|the)\b", low
        ):
            continue
        root = ent.root
        if (
            root.dep_ in ("nummod", "compound", "amod", "nmod", "poss")
            and root.head.pos_ in ("NOUN", "PROPN")
            and root.head.i >= ent.end
            and root.head.lower_ not in TIME_UNITS | MONTH_WORDS | DAY_PARTS
            and not (root.dep_ == "poss" and not _is_year(root.text))
        ):
            continue  # "a 2014 United Nations Commission"; but "Tuesday's flight", "last week's expulsions"
        add(ent.start, ent.end, root.i)
    for tok in doc:
        if tok.i in covered:
            continue
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        prev = doc[tok.i - 1] if tok.i > 0 else None
        if (
            tok.lower_.rstrip(".") in MONTH_WORDS
            and tok.text[0].isupper()
            and (
                tok.lower_ not in ("may", "mar", "jan", "dec")
                or (prev is not None and prev.lower_ in DATE_PREPS)
                or (nxt is not None and re.fullmatch(r"\d{1,2}|(19|20)\d\d", nxt.text))
            )
        ):
            s, e = tok.i, tok.i + 1
            if nxt is not None and re.fullmatch(r"\d{1,2}|(19|20)\d\d", nxt.text):
                e += 1
            if s > 0 and re.fullmatch(r"\d{1,2}", doc[s - 1].text):
                s -= 1
            add(s, e, tok.i)
        elif FISCAL_RE.fullmatch(tok.text) or (
            tok.lower_ == "fiscal" and nxt is not None and FISCAL_RE.match(doc[tok.i : tok.i + 3].text)
        ):
            e = tok.i + 1
            while e < len(doc) and e < tok.i + 3 and not FISCAL_RE.fullmatch(doc[tok.i : e].text):
                e += 1
            add(tok.i, e, tok.i)
        elif _is_split_year(tok.text):
            add(tok.i, tok.i + 1, tok.i)  # "in the 2024/25 financial year"
        elif (
            _is_year(tok.text)
            and nxt is not None
            and nxt.text in (":", "–", "—")
            and (prev is None or prev.text in ("-", "•", "*", "·") or "\n" in prev.text + prev.whitespace_)
        ):
            add(tok.i, tok.i + 1, tok.i)  # a list or table row: "- 2022: 12,945 people deported"
        elif (
            _is_year(tok.text)
            and prev is not None
            and prev.lower_ in ("in", "since", "as", "during", "of", "by", "until", "from", "throughout")
        ):
            if tok.dep_ in ("nummod", "compound") and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i:
                continue
            add(tok.i, tok.i + 1, tok.i)
    out = [_with_days_before(doc, p) for p in out if not _comparison_since(doc, p)]
    out.sort(key=lambda d: d.start)
    out = _join_periods(doc, out)
    doc.user_data["newsmon_dates"] = out
    return out


PERIOD_OPENERS = {"from", "between"}
PERIOD_LINKS = {"to", "until", "till", "through", "and", "-", "–", "—"}


def _names_month(doc: Doc, p: DatePhrase) -> bool:
    return any(t.lower_.rstrip(".") in MONTH_WORDS and t.text[0].isupper() for t in doc[p.start : p.end])


def _join_periods(doc: Doc, phrases: list[DatePhrase]) -> list[DatePhrase]:
    """ "from January" + "until Aug 10 this year", "July" + "to September": one period, read from its start (the
    recogniser often gives its two ends as two phrases, and the end alone would date it).
    Overlapping phrases become one too."""
    out: list[DatePhrase] = []
    for p in phrases:
        prev = out[-1] if out else None
        if prev is not None and p.start < prev.end:  # "from January until Aug 10" + "10 this year"
            end = max(prev.end, p.end)
            out[-1] = DatePhrase(prev.start, end, prev.root, doc[prev.start : end].text)
            continue
        if (
            prev is not None
            and (doc[prev.start].lower_ in PERIOD_OPENERS or _names_month(doc, prev) and _names_month(doc, p))
            and 0 <= p.start - prev.end <= 1
            and (doc[p.start].lower_ in PERIOD_LINKS or (p.start > prev.end and doc[prev.end].lower_ in PERIOD_LINKS))
        ):
            out[-1] = DatePhrase(prev.start, p.end, prev.root, doc[prev.start : p.end].text)
            continue
        out.append(p)
    return out


# "the highest annual total since 2019", "fewer than at any time since 2019", "for the first time
# since 2016": the year a figure is compared with, not when a return happened
_COMPARED_RE = re.compile(
    r"\b(?:highest|lowest|largest|biggest|smallest|most|fewest|least|record|any time|anytime|ever|first time|"
    r"(?:more|fewer|less|higher|lower)\s+than)\b[^,.;:]{0,40}$",
    re.I,
)


def _comparison_since(doc: Doc, p: DatePhrase) -> bool:
    if doc[p.start].lower_ != "since":
        return False
    text = doc_text(doc)
    start = doc[p.start].idx
    return bool(_COMPARED_RE.search(text[max(0, start - 60) : start]))


_DAYS_BEFORE_RE = re.compile(
    r"(?:\b(?:between|from|on|in|during)\s+)?\b\d{1,2}(?:st|nd|rd|th)?"
    r"(?:\s*(?:-|–|—|to|and|until|till)\s*\d{1,2}(?:st|nd|rd|th)?)?\s*(?:of\s+)?$",
    re.I,
)


def _with_days_before(doc: Doc, p: DatePhrase) -> DatePhrase:
    """A day phrase the recogniser cut from its first days ("Between 1 and" + "15 October",
    "8-" + "14 April"): the days are part of it."""
    first = doc[p.start]
    if first.lower_.rstrip(".") not in MONTH_WORDS and not (first.like_num and p.end - p.start >= 2):
        return p
    lo = max(sentences(doc)[_sentence_of(doc, p.start)].start, p.start - 6)
    before = doc_text(doc)[doc[lo].idx : first.idx]
    if first.like_num:  # "14 April": only a "8-" or "between 8 and" before it joins
        m = re.search(r"(?:\bbetween\s+)?\b\d{1,2}(?:st|nd|rd|th)?\s*(?:-|–|—|to|and)\s*$", before, re.I)
    else:
        m = _DAYS_BEFORE_RE.search(before)
    if not m or not m.group(0).strip():
        return p
    start_char = doc[lo].idx + m.start()
    start = next(t.i for t in doc[lo : p.start + 1] if t.idx + len(t.text) > start_char)
    return DatePhrase(start, p.end, p.root, doc[start : p.end].text)


def _anchor_year(doc: Doc, phrases: list[DatePhrase], ph: DatePhrase) -> int | None:
    """A year named earlier in the same sentence (or in the phrase itself): "in 2023, ... in
    April" is April 2023. A year of another sentence does not carry over: it is as often the
    year of a comparison or of the background as the year of the return. The years of all
    phrases of a doc are found in one pass and kept with the doc."""
    key = "newsmon_anchor_years"
    cached = doc.user_data.get(key)
    if cached is None or cached[0] is not phrases:
        years: dict[int, int | None] = {}
        sent, year = -1, None
        for other in phrases:
            s = _sentence_of(doc, other.start)
            if s != sent:
                sent, year = s, None
            v = resolve_date(other.text, None, None)
            years[other.start] = year
            if v is not None and v.explicit_year and v.date[:4].isdigit():
                years[other.start] = int(v.date[:4])
                if not v.cumulative and not v.date_end:
                    year = int(v.date[:4])  # "since 2023", "between 2020 and 2023": no year for what follows
        cached = (phrases, years)
        doc.user_data[key] = cached
    years = cached[1]
    if ph.start in years:
        return years[ph.start]
    sent = _sentence_of(doc, ph.start)  # a phrase widened beyond the doc's list
    year = None
    for other in phrases:
        if other.start > ph.start:
            break
        if _sentence_of(doc, other.start) == sent and years.get(other.start) is not None:
            year = years[other.start]
    v = resolve_date(ph.text, None, None)
    if v is not None and v.explicit_year and v.date[:4].isdigit():
        year = int(v.date[:4])
    return year


def _sentence_of(doc: Doc, i: int) -> int:
    """The index of the sentence (the claims' sentences: `extract.claims.candidates.sentences`)
    token `i` is in, by bisection over their starts kept with the doc."""
    starts = doc.user_data.get("newsmon_sent_starts")
    if starts is None:
        starts = doc.user_data["newsmon_sent_starts"] = [s.start for s in sentences(doc)]
    return bisect.bisect_right(starts, i) - 1


def resolve_phrase(doc: Doc, phrases: list[DatePhrase], ph: DatePhrase, published: str | None) -> DateValue | None:
    m = FISCAL_RE.search(ph.text)
    if m:
        y = m.group(1)
        return DateValue(y if len(y) == 4 else "20" + y, explicit_year=True)
    try:
        value = resolve_date(ph.text, published, _anchor_year(doc, phrases, ph))
    except (ValueError, OverflowError):
        return None  # "June 31": no such day
    if value is not None and len(value.date) == 4 and _SAME_PERIOD_RE.search(_before(doc, ph, 5) + " " + ph.text):
        return _same_period(doc, phrases, ph, published, value) or value
    return value


# "up from 27,100 in the same period of 2024", "the same quarter last year": the period the
# sentence gave before, in the year this phrase names
_SAME_PERIOD_RE = re.compile(r"\bsame (?:period|quarter|months?|weeks?|time)\b", re.I)


def _before(doc: Doc, ph: DatePhrase, n: int) -> str:
    return " ".join(t.text for t in doc[max(0, ph.start - n) : ph.start])


def _same_period(
    doc: Doc, phrases: list[DatePhrase], ph: DatePhrase, published: str | None, year: DateValue
) -> DateValue | None:
    sent = _sentence_of(doc, ph.start)
    earlier = [p for p in phrases if p.start < ph.start and _sentence_of(doc, p.start) == sent]
    if not earlier:
        return None
    try:
        period = resolve_date(earlier[-1].text, published, _anchor_year(doc, phrases, earlier[-1]))
    except (ValueError, OverflowError):
        return None
    if period is None or len(period.date) < 7 or not period.date[:4].isdigit():
        return None
    return DateValue(year.date + period.date[4:7], explicit_year=year.explicit_year)
