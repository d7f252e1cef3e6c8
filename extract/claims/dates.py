"""Date phrases ("on 29 August", "in April 2024", "since 2020", "last week") -> ISO dates
with their granularity kept (YYYY, YYYY-MM, YYYY-MM-DD; XXXX for an unknown year).

Common shapes are read by rules; other phrases go to dateparser (English only, the phrase
alone, never a whole article), with results cached.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from extract.claims.number_words import UNITS

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MON = (r"(january|february|march|april|may|june|july|august|september|october|november|december"
        r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?")
_YEAR = r"((?:19|20)\d\d)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"

CUMULATIVE_PREFIX = re.compile(r"^(since|as of|as at|so far|to date|until|till|by)\b")
# "from January until Aug 10", "between March and May 2024", "from January to 15 May 2026": the first month.
MONTH_PERIOD_RE = re.compile(
    rf"\b(?:from|between)\s+{_MON}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d))?(?:,?\s+{_YEAR})?\s+(?:to|until|till|through|and|-|–)\s+"
    rf"(?:the\s+end\s+of\s+|early\s+|mid-?\s*|late\s+|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?{_MON}(?:\s+\d{{1,2}}(?!\d))?"
    rf"(?:,?\s+{_YEAR})?"
)
FIRST_DAY_PERIOD_RE = re.compile(
    rf"\b(?:from|between)\s+{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?\s+(?:to|until|till|through|and|-|–)\s+"
    rf"{_MON}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d))?(?:,?\s+{_YEAR})?"
)
# "July-September 2024", "March to May 2024" (no "from"): the first month, in the year named.
BARE_MONTH_PERIOD_RE = re.compile(
    rf"\b{_MON}(?:\s+{_YEAR})?\s*(?:-|–|—|to|until|till|through)\s*{_MON}(?:,?\s+{_YEAR})?"
)
# "the year ending June 2025", "the 12 months to March": the month after, a year before.
YEAR_ENDING_RE = re.compile(
    rf"\b(year|twelve months|12 months|three months|3 months|six months|6 months|nine months|9 months|quarter)"
    rf"\s+(?:ending|ended|to|until|up to)\s+(?:the\s+end\s+of\s+)?{_MON}(?:\s+{_YEAR})?"
)
_MONTHS_IN = {"year": 12, "quarter": 3}
PERIOD_RE = [
    re.compile(rf"\b{_YEAR}\s*(?:-|–|—|/|to|until|till|through)\s*(\d{{2,4}})\b"),
    re.compile(rf"\bbetween\s+{_YEAR}\s+and\s+{_YEAR}\b"),
    re.compile(rf"\bfrom\s+{_YEAR}\s+(?:to|until|till|through)\s+{_YEAR}\b"),
]
# A span of days: "1-7 April", "between 1 and 15 October", "on 1 and 2 April", "April 8-14":
# its first day (FORMAT.md: a period is dated by its start).
DAY_RANGE_RE = re.compile(rf"\b{_DAY}\s*(?:-|–|—|to|and|until|till)\s*{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?\b")
MONTH_DAY_RANGE_RE = re.compile(rf"\b{_MON}\s+{_DAY}\s*(?:-|–|—|to|and|until|till)\s*{_DAY}\b(?:,?\s+{_YEAR})?")
# Parts of a year: "the first half of 2025", "the second quarter of the year", "Q3 2024",
# "the first six months of 2024": the first month of the part.
# Without "of ..." ("in the first quarter", "the first half"), the part is of the year the
# article is about (its anchor year, else the publication's).
HALF_RE = re.compile(
    rf"\b(first|second|1st|2nd)\s+half(?:\s+of\s+(?:the\s+year|this\s+year|last\s+year|{_YEAR}|{_MON})|(?!\s+of\b))"
    rf"|\bh([12])\s*,?\s*{_YEAR}"
)
QUARTER_RE = re.compile(
    rf"\b(?:(first|second|third|fourth|1st|2nd|3rd|4th|final|last)\s+quarter(?:\s+of\s+(?:the\s+year|this\s+year|last\s+year|{_YEAR})|(?!\s+of\b))"
    rf"|q([1-4])\s*,?\s*{_YEAR})"
)
FIRST_MONTHS_RE = re.compile(
    rf"\bfirst\s+(?:\w+\s+)?(?:months?|weeks?)\b(?:\s+of\s+(?:the\s+year|this\s+year|last\s+year|{_YEAR})|(?!\s+of\b))"
)
_ORDER = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
    "last": 4,
}
DAY_MONTH_RE = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?\b")
MONTH_DAY_RE = re.compile(rf"\b{_MON}\s+{_DAY}\b(?:,?\s+{_YEAR})?")
MONTH_YEAR_RE = re.compile(rf"\b{_MON}(?:,?\s+(?:of\s+)?{_YEAR})?\b")
YEAR_RE = re.compile(rf"(?<![\d,.]){_YEAR}(?![\d,])")
ISO_RE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
RELATIVE_RE = re.compile(
    r"\b(yesterday|today|tonight|this week|last week|past week|previous week|this month|last month|"
    r"past month|previous month|this year|last year|past year|previous year|the year|that year|"
    r"(?:a|one) year (?:earlier|before)|the (?:preceding|prior) year|"
    r"the same year|earlier this (?:week|month|year)|later that (?:week|month|year)|(?:the|last|this) weekend|"
    r"(?:that|this|last|the same|in|in the|during the) (?:spring|summer|autumn|winter)|"
    r"(?:last|this|on|past)?\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?|weeks?|months?|years?)\s+ago|"
    r"(?:this|early this|late this|earlier this|since)\s+(?:morning|afternoon|evening)|"
    r"(?:a few|\d+|an|a|one|two|three|several)\s+(?:minutes?|hours?)\s+(?:ago|earlier))\b"
)


@dataclass(frozen=True)
class DateValue:
    date: str
    date_end: str | None = None
    cumulative: bool = False
    relative: bool = False
    explicit_year: bool = False


def _safe_day(year: str, month: int, day: int) -> bool:
    """Whether the day exists ("June 31" does not); an unknown year allows February 29."""
    try:
        dt.date(int(year) if year.isdigit() else 2024, month, day)
        return True
    except ValueError:
        return False


def _part_of_year(p: str, pub: dt.date | None, anchor_year: int | None) -> DateValue | None:
    """ "the first half of 2025", "the second quarter of the year", "Q3 2024"."""

    def year_of(m: re.Match, group_year: int) -> str | None:
        text = m.group(0)
        if m.group(group_year):
            return m.group(group_year)
        if "last year" in text:
            return str(pub.year - 1) if pub else None
        if anchor_year:
            return str(anchor_year)
        return str(pub.year) if pub else None

    m = HALF_RE.search(p)
    if m and m.group(4):  # "H1 2024"
        return DateValue(f"{m.group(5)}-{1 if m.group(4) == '1' else 7:02d}", explicit_year=True)
    if m:
        if m.group(3) and m.group(3) in MONTHS:  # "the second half of September"
            month = MONTHS[m.group(3)]
            y = _year_for(month, None, anchor_year, pub)
            day = 1 if _ORDER[m.group(1)] == 1 else 16
            return DateValue(f"{y}-{month:02d}-{day:02d}")
        named = year_of(m, 2)
        if named:
            return DateValue(f"{named}-{1 if _ORDER[m.group(1)] == 1 else 7:02d}", explicit_year=bool(m.group(2)))
    m = QUARTER_RE.search(p)
    if m:
        n = _ORDER[m.group(1)] if m.group(1) else int(m.group(3))
        named = m.group(4) if m.group(3) else year_of(m, 2)
        month = 3 * (n - 1) + 1
        explicit = bool(m.group(2) or m.group(4) or "year" in m.group(0))
        if named and not explicit and not anchor_year and pub and month > pub.month:
            named = str(int(named) - 1)  # "in the fourth quarter", published in February: the last year's
        if named:
            return DateValue(f"{named}-{month:02d}", explicit_year=bool(m.group(2) or m.group(4)))
    m = FIRST_MONTHS_RE.search(p)
    if m:
        named = year_of(m, 1)
        if named:
            return DateValue(f"{named}-01", explicit_year=bool(m.group(1)))
    return None


def _parse_published(published: str | None) -> dt.date | None:
    if not published:
        return None
    m = ISO_RE.search(published) or re.match(r"^((?:19|20)\d\d)-(\d\d)$", published)
    try:
        if m and len(m.groups()) == 3:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def _year_for(month: int, day: int | None, anchor_year: int | None, pub: dt.date | None) -> str:
    if anchor_year:
        return str(anchor_year)
    if pub:
        y = pub.year
        try:
            cand = dt.date(y, month, day or 1)
        except ValueError:
            cand = dt.date(y, month, 1)
        if cand > pub:
            y -= 1
        return str(y)
    return "XXXX"


@lru_cache(maxsize=4096)
def _dateparser(phrase: str, base: str | None) -> dt.datetime | None:
    try:
        import dateparser
    except ImportError:  # pragma: no cover
        return None
    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base:
        settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(base)
    try:
        return dateparser.parse(phrase, languages=["en"], settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises many kinds of error on odd input: no date then
        return None


def _relative(phrase: str, pub: dt.date | None, anchor_year: int | None) -> DateValue | None:
    p = phrase
    season = re.search(r"\b(spring|summer|autumn|fall|winter)\b", p)
    if season and not re.search(r"\bfall(s|ing|en)?\s+(in|to|by)\b", p):
        if re.search(r"\b(that|the same)\s+" + season.group(1), p) or not pub:
            return DateValue(str(anchor_year), relative=True) if anchor_year else None
        if re.search(r"\blast\s+" + season.group(1), p):
            return DateValue(str(pub.year - 1), relative=True)
        if re.search(r"\b(this|earlier this)\s+" + season.group(1), p):
            return DateValue(str(pub.year), relative=True)
        return DateValue(str(anchor_year or pub.year), relative=True)
    if re.search(r"\bthe year before\b|\b(a|one) year (earlier|before)\b|\bthe (previous|preceding|prior) year\b", p):
        # "up from 16,106 the year before": the year before the one the sentence is about
        base = anchor_year or (pub.year if pub else None)
        return DateValue(str(base - 1), relative=True) if base else None
    if re.search(r"\b(the year|that year|the same year)\b", p):
        if anchor_year:
            return DateValue(str(anchor_year), relative=True)
        return DateValue(str(pub.year), relative=True) if pub else None
    if pub is None:
        return None
    if re.search(r"\bthis year\b|earlier this year|later this year", p):
        return DateValue(str(pub.year), relative=True)
    if re.search(r"\bthe (past|last) (year|twelve months|12 months)\b", p):
        return None  # a period ending now: no start the text gives
    if re.search(r"\b(last|past|previous) year\b", p):
        return DateValue(str(pub.year - 1), relative=True)
    if re.search(r"\bthis month\b|earlier this month", p):
        return DateValue(pub.strftime("%Y-%m"), relative=True)
    if re.search(r"\b(last|past|previous) month\b", p):
        first = pub.replace(day=1) - dt.timedelta(days=1)
        return DateValue(first.strftime("%Y-%m"), relative=True)
    m = re.search(r"\b(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+years?\s+ago\s+today\b", p)
    if m:  # "two years ago today": that very day
        n = {"a": 1, **UNITS}.get(m.group(1)) or int(m.group(1))
        try:
            return DateValue(pub.replace(year=pub.year - n).isoformat(), relative=True)
        except ValueError:  # February 29
            return DateValue(f"{pub.year - n}-{pub.month:02d}", relative=True)
    if re.search(
        r"\b(today|tonight)\b|\b(this|since)\s+(morning|afternoon|evening)\b|\b(minutes?|hours?)\s+(ago|earlier)\b", p
    ):  # "this evening", "a few minutes ago": the day of publication (a live blog, a news flash)
        return DateValue(pub.isoformat(), relative=True)
    if re.search(r"\byesterday\b", p):
        return DateValue((pub - dt.timedelta(days=1)).isoformat(), relative=True)
    # a week names no day: the month it falls in (a nearby "on Monday" may refine it)
    if re.search(r"\bthis week\b|earlier this week", p):
        monday = pub - dt.timedelta(days=pub.weekday())
        return DateValue(
            monday.strftime("%Y-%m") if monday.month == pub.month else pub.strftime("%Y-%m"), relative=True
        )
    m = re.search(
        r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:of\s+)?(?:last|the previous) week\b"
        r"|\b(?:last|the previous) week\s*,?\s+on\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        p,
    )
    if m:  # "on Friday last week": that day of the week before publication
        monday = pub - dt.timedelta(days=pub.weekday() + 7)
        return DateValue((monday + dt.timedelta(days=WEEKDAYS[m.group(1) or m.group(2)])).isoformat(), relative=True)
    if re.search(r"\b(last|past|previous) week\b", p):
        # Monday to Sunday of the week before publication; a week across two months gives the
        # later one (the publication month, or the month the week ended in)
        monday = pub - dt.timedelta(days=pub.weekday() + 7)
        sunday = monday + dt.timedelta(days=6)
        return DateValue(sunday.strftime("%Y-%m"), relative=True)
    if re.search(r"\bweekend\b", p):
        # the Saturday of the weekend before (or of) publication
        delta = (pub.weekday() - 5) % 7
        if re.search(r"\blast weekend\b", p) and delta < 2:
            delta += 7
        return DateValue((pub - dt.timedelta(days=delta)).isoformat(), relative=True)
    m = re.search(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", p)
    if m:
        wd = WEEKDAYS[m.group(1)]
        delta = (pub.weekday() - wd) % 7
        if re.search(r"\blast\s+" + m.group(1), p) and delta == 0:
            delta = 7
        return DateValue((pub - dt.timedelta(days=delta)).isoformat(), relative=True)
    m = re.search(r"\b(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month|year)s?\s+ago\b", p)
    if m:
        d = _dateparser(m.group(0), pub.isoformat())
        if d:
            unit = m.group(2)
            if unit == "year":
                return DateValue(str(d.year), relative=True)
            if unit == "month":
                return DateValue(d.strftime("%Y-%m"), relative=True)
            return DateValue(d.date().isoformat(), relative=True)
    return None


@lru_cache(maxsize=16384)
def resolve_date(phrase: str, published: str | None = None, anchor_year: int | None = None) -> DateValue | None:
    """Resolve one date phrase. `anchor_year` is a year given nearby in the text (it wins over
    the publication date for month/day phrases without a year)."""
    p = " ".join(phrase.lower().replace("’", "'").split())
    if not p:
        return None
    pub = _parse_published(published)
    if (
        pub is not None
        and re.search(r"\b(last|this|next|previous) year\b", p)
        and (MONTH_DAY_RE.search(p) or DAY_MONTH_RE.search(p) or re.search(r"\b" + _MON + r"\b", p))
    ):
        # "on July 18 last year": the year the phrase itself names wins over any year nearby
        anchor_year = (
            pub.year - 1 if re.search(r"\b(last|previous) year\b", p) else pub.year + (1 if "next" in p else 0)
        )
    cumulative = bool(CUMULATIVE_PREFIX.match(p)) or bool(re.search(r"\b(so far|to date|since)\b", p))
    m = FIRST_DAY_PERIOD_RE.search(p)
    if m:  # "between Feb. 4 and March 14", "between October 1, 2024 and June 30, 2025": the first day
        mon, day = MONTHS[m.group(1)], int(m.group(2))
        year = m.group(3) or m.group(5)
        if year and m.group(5) and not m.group(3) and MONTHS[m.group(4)] < mon:
            year = str(int(year) - 1)
        y = year or _year_for(mon, day, anchor_year, pub)
        if _safe_day(y, mon, day):
            return DateValue(f"{y}-{mon:02d}-{day:02d}", cumulative=cumulative, explicit_year=bool(year))
    m = MONTH_PERIOD_RE.search(p) or BARE_MONTH_PERIOD_RE.search(p)
    if m:
        mon, year = MONTHS[m.group(1)], m.group(2) or m.group(4)
        if year and m.group(4) and not m.group(2) and MONTHS[m.group(3)] < mon:
            year = str(int(year) - 1)  # "from November to February 2025": November 2024
        y = year or _year_for(mon, None, anchor_year, pub)
        return DateValue(f"{y}-{mon:02d}", cumulative=cumulative, explicit_year=bool(year))
    m = YEAR_ENDING_RE.search(p)
    if m:
        span, end_mon, year = m.group(1), MONTHS[m.group(2)], m.group(3)
        months = _MONTHS_IN.get(span) or int(UNITS.get(span.split()[0]) or span.split()[0])
        end_y = int(year) if year else (int(_year_for(end_mon, None, anchor_year, pub)) if pub or anchor_year else None)
        if end_y is not None:
            first = end_y * 12 + end_mon - months  # months since year 0 of the period's first month, less one
            start_y, start_mon = first // 12, first % 12 + 1
            return DateValue(f"{start_y}-{start_mon:02d}", f"{end_y}-{end_mon:02d}", explicit_year=bool(year))
    for rx in PERIOD_RE:
        m = rx.search(p)
        if m:
            y1, y2 = m.group(1), m.group(2)
            if len(y2) == 2:
                y2 = y1[:2] + y2
            if int(y2) >= int(y1):
                return DateValue(y1, y2, cumulative=True, explicit_year=True)
    m = ISO_RE.search(p)
    if m:
        year, mon, day = m.group(1), int(m.group(2)), int(m.group(3))
        if not 1 <= mon <= 12:
            return None  # "2024-13-01": no such month, no date
        if not _safe_day(year, mon, day):  # "2024-02-30": the month it names
            return DateValue(f"{year}-{mon:02d}", cumulative=cumulative, explicit_year=True)
        return DateValue(m.group(0), cumulative=cumulative, explicit_year=True)
    part = _part_of_year(p, pub, anchor_year)
    if part is not None:
        return DateValue(part.date, cumulative=cumulative, explicit_year=part.explicit_year)
    m = DAY_RANGE_RE.search(p)
    if m:
        day, mon, year = int(m.group(1)), MONTHS[m.group(3)], m.group(4)
        y = year or _year_for(mon, day, anchor_year, pub)
        if _safe_day(y, mon, day):
            return DateValue(f"{y}-{mon:02d}-{day:02d}", cumulative=cumulative, explicit_year=bool(year))
    m = MONTH_DAY_RANGE_RE.search(p)
    if m:
        mon, day, year = MONTHS[m.group(1)], int(m.group(2)), m.group(4)
        y = year or _year_for(mon, day, anchor_year, pub)
        if _safe_day(y, mon, day):
            return DateValue(f"{y}-{mon:02d}-{day:02d}", cumulative=cumulative, explicit_year=bool(year))
    m = DAY_MONTH_RE.search(p)
    if m:
        day, mon, year = int(m.group(1)), MONTHS[m.group(2)], m.group(3)
        y = year or _year_for(mon, day, anchor_year, pub)
        if _safe_day(y, mon, day):
            return DateValue(f"{y}-{mon:02d}-{day:02d}", cumulative=cumulative, explicit_year=bool(year))
    m = MONTH_DAY_RE.search(p)
    if m and not (m.group(1) == "may" and not re.search(r"\bmay\s+\d", p)):
        mon, day, year = MONTHS[m.group(1)], int(m.group(2)), m.group(3)
        y = year or _year_for(mon, day, anchor_year, pub)
        if _safe_day(y, mon, day):
            return DateValue(f"{y}-{mon:02d}-{day:02d}", cumulative=cumulative, explicit_year=bool(year))
    for m in MONTH_YEAR_RE.finditer(p):
        word = m.group(1)
        if word in ("may", "mar", "jan", "dec", "sep", "oct", "nov", "jun", "jul", "aug", "feb", "apr") and not (
            m.group(2)
            or re.search(
                rf"\b(in|of|since|until|by|early|late|mid|last|this|during|from|through|throughout|end of|"
                rf"beginning of)\s+(?:early\s+|late\s+|mid-?\s*)?{word}\b",
                p,
            )
            or p.strip() == word
        ):
            continue
        mon, year = MONTHS[word], m.group(2)
        if year:
            return DateValue(f"{year}-{mon:02d}", cumulative=cumulative, explicit_year=True)
        if re.search(r"\blast\s+" + word, p) and pub:
            y = pub.year if mon < pub.month else pub.year - 1
            return DateValue(f"{y}-{mon:02d}", cumulative=cumulative)
        y = _year_for(mon, None, anchor_year, pub)
        return DateValue(f"{y}-{mon:02d}", cumulative=cumulative)
    m = YEAR_RE.search(p)
    if m:
        return DateValue(m.group(1), cumulative=cumulative, explicit_year=True)
    rel = _relative(p, pub, anchor_year)
    if rel:
        return DateValue(rel.date, cumulative=cumulative or rel.cumulative, relative=True)
    return None


def looks_like_date(phrase: str) -> bool:
    """A phrase worth resolving: has a month, a year, a weekday or a relative day word."""
    p = phrase.lower()
    return bool(YEAR_RE.search(p) or re.search(r"\b" + _MON + r"\b", p) or RELATIVE_RE.search(p))
