"""Korean date phrases ("지난 9일", "지난달 29일", "지난해 10월", "올해 4월", "2023년 10월 9일",
"작년", "이달 초", "어제(3일)", "지난 금요일", "1분기", "상반기") resolved against the publication
date with the English conventions (`extract.claims.dates`): YYYY, YYYY-MM or YYYY-MM-DD; XXXX
for a year the text cannot tell; a period by its start.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extract.claims.dates import DateValue
from extract.claims.ko.lexicon import KoLexicon


@dataclass(frozen=True)
class KoDatePhrase:
    start: int
    end: int
    value: DateValue
    reporting: bool = False  # followed by a reporting verb ("14일 밝혔다"): the report's date


def _pub(published: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((published or "")[:10])
    except ValueError:
        return None


def _month_shift(d: dt.date, n: int) -> tuple[int, int]:
    m = d.year * 12 + d.month - 1 + n
    return m // 12, m % 12 + 1


def _on_or_before(day: int, pub: dt.date | None, month: int | None = None, year: int | None = None) -> str:
    """The day `day` (of `month`) on or before the publication date."""
    if year and month:
        return f"{year}-{month:02d}-{day:02d}" if _valid(year, month, day) else f"{year}-{month:02d}"
    if pub is None:
        return f"XXXX-{month:02d}-{day:02d}" if month else f"XXXX-XX-{day:02d}"
    if month:
        y = pub.year if (month, day) <= (pub.month, pub.day) else pub.year - 1
        if year:
            y = year
        return f"{y}-{month:02d}-{day:02d}" if _valid(y, month, day) else f"{y}-{month:02d}"
    y, m = pub.year, pub.month
    if day > pub.day:
        y, m = _month_shift(pub, -1)
    return f"{y}-{m:02d}-{day:02d}" if _valid(y, m, day) else f"{y}-{m:02d}"


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
        return True
    except ValueError:
        return False


def _alts(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _patterns(lex: KoLexicon) -> re.Pattern:
    d = lex.dates
    years, months, days = _alts(d["years"]), _alts(d["months"]), _alts(d["days"])
    weeks, weekdays = _alts(d["weeks"]), _alts(d["weekdays"])
    return re.compile(
        rf"(?P<ymd>(?P<y1>(?:19|20)\d\d)년\s?(?P<m1>\d{{1,2}})월\s?(?P<d1>\d{{1,2}})일)"
        rf"|(?P<dots>(?P<y2>(?:19|20)\d\d)\.\s?(?P<m2>\d{{1,2}})\.\s?(?P<d2>\d{{1,2}})\.?)"
        rf"|(?P<mdots>\((?P<m3>\d{{1,2}})\.(?P<d3>\d{{1,2}})\.?\))"
        rf"|(?P<yrange>(?P<y4>(?:19|20)\d\d)(?:\s?[~∼\-–]\s?|년(?:과|와|부터|에서)\s)(?:(?:19|20)?\d\d)년)"
        rf"|(?P<ym>(?P<y5>(?:19|20)\d\d)년\s?(?P<m5>\d{{1,2}})(?:[~∼\-–]\d{{1,2}})?월)"
        rf"|(?P<yq>(?P<y6>(?:19|20)\d\d)년\s?(?:(?P<q6>\d)분기|(?P<h6>상반기|하반기)))"
        rf"|(?P<fy>(?P<y7>(?:19|20)\d\d)\s?회계연도)"
        rf"|(?P<decade>(?:19|20)\d0년대)"
        rf"|(?P<y>(?P<y8>(?:19|20)\d\d)년)"
        rf"|(?P<relym>(?P<ry>{years})\s?(?P<m9>\d{{1,2}})(?:[~∼\-–](?P<m9e>\d{{1,2}}))?월(?:\s?(?P<d9>\d{{1,2}})일)?)"
        rf"|(?P<relq>(?P<ryq>{years})\s?(?:(?P<q10>\d)분기|(?P<h10>상반기|하반기)))"
        rf"|(?P<relmd>(?P<rm>{months})\s?(?:(?P<d11>\d{{1,2}})일)?)"
        rf"|(?P<rely>(?P<ry2>{years})(?![가-힣])|(?P<ry3>{years})(?=[에도의는엔부까와과말초중보]))"
        rf"|(?P<reld>(?P<rd>{days})(?:\s?\((?P<d12>\d{{1,2}})일\))?)"
        rf"|(?P<relw>(?P<rw>{weeks}))"
        rf"|(?P<wd>(?:지난\s?)?(?P<wdn>{weekdays})(?:\s?\((?P<d13>\d{{1,2}})일\))?)"
        rf"|(?P<md>(?:지난\s?)?(?P<m14>\d{{1,2}})월\s?(?P<d14>\d{{1,2}})일)"
        rf"|(?P<q>(?P<q15>\d)분기)"
        rf"|(?P<half>상반기|하반기)"
        rf"|(?P<m>(?:지난\s?)?(?P<m16>\d{{1,2}})(?:[~∼\-–]\d{{1,2}})?월)"
        rf"|(?P<d>(?:지난\s?)?(?P<d17>\d{{1,2}})일(?!간|째|\s?동안))"
    )


def date_phrases(text: str, start: int, end: int, published: str | None, lex: KoLexicon,
                 anchor_year: int | None = None) -> list[KoDatePhrase]:
    """The date phrases of `text[start:end]` (a sentence), resolved; a month or quarter without
    its year takes the year named before it in the sentence (`anchor_year` from outside)."""
    pub = _pub(published)
    d = lex.dates
    reporting = re.compile(r"\s*(?:\S*\s)?(?:" + _alts(d["reporting"]) + ")")
    out: list[KoDatePhrase] = []
    inner: int | None = None
    for m in _patterns(lex).finditer(text, start, end):
        if m.start() > 0 and re.match(r"[\d가-힣]", text[m.start() - 1]) and not m.group("reld") and not (
                m.group("rely") or m.group("relym") or m.group("relmd")):
            if not text[m.start() - 1].isspace():
                continue  # inside a word or a longer number
        loose = m.group("q") or m.group("half") or (m.group("m") and "지난" not in m.group("m"))
        value, year = _value(m, pub, inner or (anchor_year if loose else None), lex)
        if year:
            inner = year
        if value is None:
            continue
        rep = bool(reporting.match(text, m.end())) and bool(m.group("d") or m.group("md") or m.group("reld"))
        out.append(KoDatePhrase(m.start(), m.end(), value, rep))
    return out


def _value(m: re.Match, pub: dt.date | None, anchor: int | None, lex: KoLexicon) -> tuple[DateValue | None, int | None]:
    d = lex.dates
    g = m.group
    if g("ymd"):
        y, mo, da = int(g("y1")), int(g("m1")), int(g("d1"))
        return DateValue(f"{y}-{mo:02d}-{da:02d}" if _valid(y, mo, da) else f"{y}-{mo:02d}", explicit_year=True), y
    if g("dots"):
        y, mo, da = int(g("y2")), int(g("m2")), int(g("d2"))
        return (DateValue(f"{y}-{mo:02d}-{da:02d}", explicit_year=True) if _valid(y, mo, da) else None), y
    if g("mdots"):
        return DateValue(_on_or_before(int(g("d3")), pub, int(g("m3")), anchor)), None
    if g("yrange"):
        return DateValue(g("y4"), cumulative=True, explicit_year=True), int(g("y4"))
    if g("ym"):
        y, mo = int(g("y5")), int(g("m5"))
        return DateValue(f"{y}-{mo:02d}", explicit_year=True), y
    if g("yq"):
        y = int(g("y6"))
        return DateValue(f"{y}-{_part(g('q6'), g('h6'), lex):02d}", explicit_year=True), y
    if g("fy"):
        return DateValue(g("y7"), explicit_year=True), int(g("y7"))
    if g("decade"):
        return None, None
    if g("y"):
        return DateValue(g("y8"), explicit_year=True), int(g("y8"))
    if g("relym"):
        yr = pub.year + d["years"][g("ry")] if pub else None
        mo = int(g("m9"))
        if g("d9"):
            return DateValue(_on_or_before(int(g("d9")), pub, mo, yr) if yr else f"XXXX-{mo:02d}-{int(g('d9')):02d}",
                             relative=True), yr
        if mo == 1 and g("m9e"):
            return DateValue(str(yr) if yr else "XXXX", relative=True), yr  # "올해 1~9월": the year so far
        return DateValue(f"{yr}-{mo:02d}" if yr else f"XXXX-{mo:02d}", relative=True), yr
    if g("relq"):
        yr = pub.year + d["years"][g("ryq")] if pub else None
        part = _part(g("q10"), g("h10"), lex)
        return (DateValue(f"{yr}-{part:02d}", relative=True) if yr else None), yr
    if g("relmd"):
        if pub is None:
            return None, None
        y, mo = _month_shift(pub, d["months"][g("rm")])
        if g("d11"):
            da = int(g("d11"))
            return DateValue(f"{y}-{mo:02d}-{da:02d}" if _valid(y, mo, da) else f"{y}-{mo:02d}", relative=True), None
        return DateValue(f"{y}-{mo:02d}", relative=True), None
    if g("rely"):
        if pub is None:
            return None, None
        y = pub.year + d["years"][g("ry2") or g("ry3")]
        return DateValue(str(y), relative=True), y
    if g("reld"):
        if g("d12"):
            return DateValue(_on_or_before(int(g("d12")), pub)), None
        if pub is None:
            return None, None
        return DateValue((pub + dt.timedelta(days=d["days"][g("rd")])).isoformat(), relative=True), None
    if g("relw"):
        if pub is None:
            return None, None
        day = pub + dt.timedelta(days=7 * d["weeks"][g("rw")])
        return DateValue(f"{day.year}-{day.month:02d}", relative=True), None
    if g("wd"):
        if g("d13"):
            return DateValue(_on_or_before(int(g("d13")), pub)), None
        if pub is None:
            return None, None
        back = (pub.weekday() - d["weekdays"][g("wdn")]) % 7
        if back == 0 and "지난" in g("wd"):
            back = 7
        return DateValue((pub - dt.timedelta(days=back)).isoformat(), relative=True), None
    if g("md"):
        return DateValue(_on_or_before(int(g("d14")), pub, int(g("m14")), anchor)), None
    if g("q"):
        yr = anchor or (pub.year if pub else None)
        part = _part(g("q15"), None, lex)
        return DateValue(f"{yr}-{part:02d}" if yr else f"XXXX-{part:02d}"), None
    if g("half"):
        yr = anchor or (pub.year if pub else None)
        part = _part(None, g("half"), lex)
        return DateValue(f"{yr}-{part:02d}" if yr else f"XXXX-{part:02d}"), None
    if g("m"):
        mo = int(g("m16"))
        if not 1 <= mo <= 12:
            return None, None
        if anchor:
            return DateValue(f"{anchor}-{mo:02d}"), None
        if pub is None:
            return DateValue(f"XXXX-{mo:02d}"), None
        y = pub.year if mo <= pub.month else pub.year - 1
        return DateValue(f"{y}-{mo:02d}"), None
    if g("d"):
        da = int(g("d17"))
        if not 1 <= da <= 31:
            return None, None
        return DateValue(_on_or_before(da, pub)), None
    return None, None


def _part(quarter: str | None, half: str | None, lex: KoLexicon) -> int:
    if quarter:
        return 3 * (int(quarter) - 1) + 1
    return int(lex.dates["halves"].get(half or "", 1))
