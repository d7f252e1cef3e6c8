"""Places in Korean text: the gazetteer's Korean names (config/topics/places.toml aliases),
and a name before a crossing word ("취안허 세관", "보텐 국경검문소", "메솟 공항") or a full airport
name ("인천국제공항", "수완나품 국제공항"). Which of them are places of a claim is learned
(`config/models/places-ko.json`), from the features of `place_features`.

A location keeps the text's spelling ("지린성", "단동"); its canonical (English) name comes
from the gazetteer, so that 중국/China and 지린성/Jilin compare equal across languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.claims.ko.lexicon import KoLexicon
from extract.claims.lexicon import Place

CROSSING_WORDS = (r"(?:세관|국경\s?검문소|검문소|공항|항(?![가-힣])|국경\s?관문"
                  r"|변방구류소|구류소|수용소|보호소|역(?![가-힣]))")
_AIRPORT = re.compile(r"(?<![가-힣])(?:[가-힣]{2,8}\s)?[가-힣]{0,8}국제공항")
_BEFORE_CROSSING = re.compile(rf"(?<![가-힣])([가-힣]{{2,6}})\s{CROSSING_WORDS}")
_NOT_NAMES = {"국경", "중국", "이민국", "외국인", "지역", "인근", "당시", "현지", "세관",
              "해군", "공안", "북측", "주민",
              "이들", "해당", "국제", "변방", "같은", "북한", "최대", "지방", "합동", "기차", "일대", "시내", "군중"}
# what follows a name that is not a place of the return ("중국인", "태국 국적", "미국산")
_NOT_PLACE_AFTER = re.compile(r"(?:인(?![근도계])|어(?![가-힣])|계(?![가-힣])|산(?![가-힣])|출신)")


@dataclass(frozen=True)
class PlaceSpan:
    start: int
    end: int
    name: str
    place: Place | None
    source: str  # gazetteer, crossing, airport


def place_spans(text: str, start: int, end: int, lex: KoLexicon) -> list[PlaceSpan]:
    """Place names in `text[start:end]`, longest first where they overlap, in text order."""
    found: list[PlaceSpan] = []

    def free(a: int, b: int) -> bool:
        return not any(s.start < b and a < s.end for s in found)

    for m in _AIRPORT.finditer(text, start, end):
        found.append(PlaceSpan(m.start(), m.end(), m.group(0), lex.places.get(m.group(0)), "airport"))
    for m in lex.place_re.finditer(text, start, end):
        a, b = m.start(), m.end()
        if a > 0 and re.match(r"[가-힣A-Za-z]", text[a - 1]):
            continue  # inside a word
        if _NOT_PLACE_AFTER.match(text, b) or text.startswith("=", b):
            continue  # "중국인": a nationality; "(서울=연합뉴스)": a dateline (FORMAT.md)
        if free(a, b):
            found.append(PlaceSpan(a, b, m.group(0), lex.places.get(m.group(0)), "gazetteer"))
    for m in _BEFORE_CROSSING.finditer(text, start, end):
        name = m.group(1)
        if name in _NOT_NAMES or not free(m.start(1), m.end(1)):
            continue
        name = re.sub(r"(?:의|에서|인근)$", "", name)
        if len(name) >= 2 and not re.search(r"[이가을를은는도에들]$", name):  # "탈북민이 세관 다리를"
            found.append(PlaceSpan(m.start(1), m.start(1) + len(name), name, lex.places.get(name), "crossing"))
    return sorted(found, key=lambda s: s.start)


_NAME_PARTICLE = re.compile(r"(에서|으로|로|을|를|의|과|와|에|이|가|은|는|행|발|·|,|\(|\s세관|\s공항|\s국경|\s→|→|:)?")
_ARREST = re.compile(r"^[^,]{0,12}?(?:붙잡|체포|검거|단속|적발|나포|구조|일하|근무|머물|살던|일하던)")


def place_features(text: str, c, span: PlaceSpan) -> list[str]:
    """Features of a place name of a candidate's sentence (is it a place of this claim?)."""
    from extract.claims.ko.morph import analyse

    q = c.quantity
    ca, cb = c.clause
    sa, sb = c.sent
    f = ["bias", f"src:{span.source}", f"kind:{span.place.kind if span.place else 'none'}"]
    f.append("clause:same" if ca <= span.start < cb else "clause:before" if span.start < ca else "clause:after")
    f.append("side:before" if span.start < q.start else "side:after")
    m = _NAME_PARTICLE.match(text, span.end)
    part = (m.group(1) or "none").strip() if m else "none"
    f.append(f"p:{part}")
    after = text[span.end:span.end + 20]
    if _ARREST.match(after):
        f.append("then:arrest")
    if re.match(r"\s?(?:국적|출신|계|정부|당국|이민국|공안|경찰|외교부|법무부|측은|측이)", after):
        f.append("then:" + re.match(r"\s?([가-힣]{1,3})", after).group(1))  # type: ignore[union-attr]  # matched just above
    if c.in_headline:
        f.append("headline")
    if sa <= span.start < sa + 15 and re.match(r"^\s*[\[(（]", text[sa:span.start]):
        f.append("dateline")
    between = text[min(span.end, q.start):max(span.start, q.end)]
    if any(t.start >= min(span.end, q.start) and t.end <= max(span.start, q.end) for t in c.triggers):
        f.append("trig:between")
    if "," in between:
        f.append("comma:between")
    dist = abs(span.start - q.start)
    f.append("dist:" + ("s" if dist < 15 else "m" if dist < 40 else "l"))
    morphs = analyse(text[sa:sb])
    rel = span.end - sa
    verb = next((m.form for m in morphs if m.start >= rel and m.tag == "VV"), None)
    if verb and abs(span.end - q.start) < 60:
        f.append(f"v:{verb}")
    return f


def place_dict(span: PlaceSpan) -> dict:
    if span.place is None:
        return {"name": span.name}
    return {**span.place.to_dict(), "name": span.name, "canonical": span.place.name}


def own_spans(c, spans: list[PlaceSpan], others: list[tuple[int, int]]) -> list[PlaceSpan]:
    """The place names a figure may take: those of its sentence outside the clauses of its other
    figures ("109명을 중국으로 강제송환했고, 170여 명은 터키로 보냈다": 터키 is not of 109)."""
    mine = c.clause
    return [s for s in spans if not any(a <= s.start < b for a, b in others if (a, b) != mine)]


def clauses_with_figures(candidates) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """sentence span -> the clauses of the sentence that hold a figure."""
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for c in candidates:
        out.setdefault(c.sent, [])
        if c.clause not in out[c.sent]:
            out[c.sent].append(c.clause)
    return out
