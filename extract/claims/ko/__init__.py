"""The Korean language module of the claims pipeline: the same steps as the English one, with
Korean figures, return words, qualifiers, dates and places, and its own learned decisions
(`config/models/claims-ko.json`, `places-ko.json`, built by `newsmon train` from the `lang:
ko` labelled articles with the fit machinery of `extract.claims.learn`).

    numbers      figures of people: "60여 명", "2천여 명", "서너 명", "50~60명"
    text         sentences and clauses, as character spans
    candidates   every figure of people of an article that speaks of a return
    features     what the candidate looks like (patterns, and lemmas from kiwipiepy)
    qualifier, dates, places   the attributes of a claim
    morph        the morphological analyser, loaded once per process

`extract.claims.find_claims_many` routes a mostly-Hangul text here (`is_korean`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from extract.claims.dates import DateValue
from extract.claims.decision import DecisionModel, load_model
from extract.claims.ko.candidates import KoCandidate, find_candidates, headline_end, list_intro
from extract.claims.ko.dates import KoDatePhrase, date_phrases
from extract.claims.ko.features import candidate_features
from extract.claims.ko.lexicon import HANGUL, KoLexicon, load_ko_lexicon
from extract.claims.ko.places import clauses_with_figures, own_spans, place_dict, place_features, place_spans
from extract.claims.ko.qualifier import qualifier_of
from extract.claims.merge import merge_claims
from extract.types import Claim

__all__ = ["is_korean", "korean_candidates", "korean_claims", "find_korean_claims_many", "KoArticle"]

_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\uac00-\ud7a3\u3130-\u318f]")


def is_korean(text: str) -> bool:
    """Whether most letters of the text are Hangul."""
    sample = text[:4000]
    letters = len(_LETTER.findall(sample))
    return letters > 0 and len(HANGUL.findall(sample)) * 2 > letters


@dataclass
class KoArticle:
    """A Korean article's candidates with their features (what `newsmon train` learns from)."""

    text: str
    published: str | None
    headline: tuple[int, int] | None
    candidates: list[tuple[KoCandidate, list[str]]]


def korean_candidates(text: str, published: str | None, config_dir: str | None = None) -> KoArticle:
    lex = load_ko_lexicon(config_dir)
    cands = find_candidates(text, lex)
    head = headline_end(text)
    return KoArticle(text, published, (0, head) if head else None,
                     [(c, candidate_features(c, lex)) for c in cands])


def _places(c: KoCandidate, lex: KoLexicon, model: DecisionModel | None,
            others: list[tuple[int, int]]) -> tuple[list[str], list[dict]]:
    if model is None:
        return [], []
    locs: list[str] = []
    places: list[dict] = []
    for span in own_spans(c, place_spans(c.text, c.sent[0], c.sent[1], lex), others):
        if span.name in locs or model.confidence(place_features(c.text, c, span)) < model.threshold:
            continue
        locs.append(span.name)  # "단동(단둥)": both spellings, as labelled; one canonical place
        places.append(place_dict(span))
    return locs, places


def _date(c: KoCandidate, art: KoArticle, lex: KoLexicon, phrases: list[KoDatePhrase]) -> DateValue | None:
    """The date of a figure: a date phrase between it and its return word, else the nearest one
    before it in its clause, else in its sentence before it, else after it in its clause (never
    the report's own "14일 밝혔다")."""
    q = c.quantity
    ca, cb = c.clause
    usable = [p for p in phrases if not p.reporting and not (p.start < q.end and q.start < p.end)]
    fiscal = [p for p in usable if c.sent[0] <= p.start < q.start and "회계연도" in c.text[p.start:p.end]]
    if fiscal:
        return fiscal[-1].value  # "2025 회계연도, 그러니까 지난해 10월부터 올해 9월까지": the fiscal year
    verb = next((t.start for t in c.triggers if ca <= t.start < cb and t.start >= q.end), None)
    if verb is not None:
        # "탈북민 9명을 지난 15일 국경 검문소를 통해 인계했다": the date next to the return word
        between = [p for p in usable if q.end <= p.start < verb]
        if between:
            return _chain_start(between[-1], usable, c.text).value
    for pool in (
        [p for p in usable if ca <= p.start < q.start],
        [p for p in usable if c.sent[0] <= p.start < q.start],
        [p for p in usable if q.end <= p.start < cb],
    ):
        if pool:
            best = max(pool, key=lambda p: p.start) if pool[0].start < q.start else min(pool, key=lambda p: p.start)
            return _chain_start(best, usable, c.text).value
    return None


_JOINED = re.compile(r"\s?(?:과|와|및|,|~|∼|-|–|부터|에서)\s?")


def _chain_start(p: KoDatePhrase, phrases: list[KoDatePhrase], text: str) -> KoDatePhrase:
    """The first of dates joined into one period ("지난 9일과 10일", "2024년 1월부터 지난해 말까지"):
    a period is dated by its start."""
    by_end = {x.end: x for x in phrases}
    while True:
        prev = next((x for end, x in by_end.items() if end <= p.start and _JOINED.fullmatch(text[end:p.start])), None)
        if prev is None or prev is p:
            return p
        p = prev


_THEN = re.compile(r"(?:당시|그날|그때|같은 날|이날)")


def _told_before(c: KoCandidate, art: KoArticle, lex: KoLexicon) -> DateValue | None:
    """ "당시 15명가량이 넘겨졌으며", "그날 도문 세관으로": the date last told before, in its
    paragraph or the one before."""
    text = art.text
    if not _THEN.search(text, c.sent[0], c.quantity.start):
        return None
    para = text.rfind("\n\n", 0, text.rfind("\n\n", 0, c.sent[0]))
    phrases = [p for p in date_phrases(text, max(0, para), c.sent[0], art.published, lex) if not p.reporting]
    return phrases[-1].value if phrases else None


def _year_of(value: DateValue | None) -> int | None:
    return int(value.date[:4]) if value and value.date[:4].isdigit() else None


def _context_dates(c: KoCandidate, art: KoArticle, lex: KoLexicon) -> tuple[int | None, DateValue | None]:
    """(the year a month or quarter of the candidate's sentence is of, the date an undated list
    row takes): a list row takes both from the line that introduces its list, else from the
    headline; a sentence takes the year last named in its paragraph."""
    text, pub = art.text, art.published
    intro = list_intro(text, c.quantity.start)
    if intro is not None:
        for a, b in (intro, art.headline or (0, 0)):
            phrases = [p for p in date_phrases(text, a, b, pub, lex) if not p.reporting]
            if phrases:
                return _year_of(phrases[0].value), phrases[0].value
        return None, None
    para = text.rfind("\n\n", 0, c.sent[0])
    phrases = [p for p in date_phrases(text, max(0, para), c.sent[0], pub, lex)
               if p.value.explicit_year or re.match(r"^\d{4}$", p.value.date)]
    return (_year_of(phrases[-1].value) if phrases else None), None


def _kind(c: KoCandidate, lex: KoLexicon, has_period: bool) -> str:
    clause = c.text[c.clause[0]:c.clause[1]]
    return "cumulative" if any(m in clause for m in lex.cumulative) or has_period else "event"


def _who(c: KoCandidate) -> str:
    m = re.search(r"([가-힣]+)\s*(?:약|최소|적어도|최대)?\s*$", c.text[c.sent[0]:c.quantity.start])
    return m.group(1) if m else ""


def korean_claims(art: KoArticle, model: DecisionModel, place_model: DecisionModel | None,
                  lex: KoLexicon) -> list[Claim]:
    """The claims of one analysed Korean article: decide, read the attributes, merge."""
    from extract.claims import _inherit_dates

    text = art.text
    claims: list[Claim] = []
    phrases_of: dict[tuple[int, int], list[KoDatePhrase]] = {}
    figure_clauses = clauses_with_figures(c for c, _f in art.candidates)
    for c, feats in art.candidates:
        p = model.confidence(feats)
        if p < model.threshold:
            continue
        q = c.quantity
        anchor, row_date = _context_dates(c, art, lex)
        if c.sent not in phrases_of:
            phrases_of[c.sent] = date_phrases(text, c.sent[0], c.sent[1], art.published, lex, anchor)
        v = _date(c, art, lex, phrases_of[c.sent]) or row_date or _told_before(c, art, lex)
        locs, places = _places(c, lex, place_model, figure_clauses.get(c.sent, []))
        start, end = c.sent
        claims.append(Claim(
            count=q.value, qualifier=qualifier_of(text, q, lex), who=_who(c),
            date=v.date if v else None, date_end=v.date_end if v else None,
            kind=_kind(c, lex, bool(v and v.cumulative)), locations=locs, evidence=text[start:end],
            start=start, end=end, confidence=round(p, 3), count_high=q.high, vague=q.vague,
            places=places, rule=c.rule, language="ko",
        ))
    _inherit_dates(claims, text, art.headline)
    return _fold_rounded_leads(merge_claims(claims, art.headline), text)


def _fold_rounded_leads(claims: list[Claim], text: str) -> list[Claim]:
    """ "400여 명" in the lead and "412명" further on: one figure told first rounded down ("N여"
    is N and a little more, below the next step of N's precision)."""
    lead_end, pos = len(text), headline_end(text)
    for m in re.finditer(r"(?:\n\n|$)", text[pos:]):
        if len(text[pos:pos + m.start()].strip()) >= 20:  # the first paragraph after "[앵커]"-like labels
            lead_end = pos + m.start()
            break
    out = list(claims)
    for lc in claims:
        if lc.end > lead_end or lc.vague or lc.qualifier != "more_than":
            continue
        if not re.search(r"여\s?명", lc.evidence):
            continue
        step = 10 ** (len(str(lc.count)) - len(str(lc.count).rstrip("0"))) if lc.count % 10 == 0 else 0
        target = next((c for c in claims if c is not lc and c.start > lc.end and c.qualifier == "exact"
                       and lc.count < c.count < lc.count + step), None)
        if target is not None:
            told = [{"evidence": lc.evidence, "start": lc.start, "end": lc.end}, *lc.other_evidence]
            target.other_evidence[:0] = told
            out.remove(lc)
    return out


def find_korean_claims_many(docs: Iterable[tuple[str, str | None]],
                            config_dir: str | None = None) -> Iterator[list[Claim]]:
    lex = load_ko_lexicon(config_dir)
    model = load_model(config_dir, "claims-ko")
    place_model = load_model(config_dir, "places-ko")
    for text, published in docs:
        yield korean_claims(korean_candidates(text or "", published, config_dir), model, place_model, lex)
