"""Returnee claims: statements that a number of people were returned across a border.

    from extract.claims import find_claims, find_claims_many, EXTRACTOR_VERSION

`find_claims(text, published=None) -> list[Claim]`; every claim's `text[start:end] ==
evidence`. Pure: no network, no database. The claims stage is a pipeline of small steps,
each a module with one job:

    chunks      which paragraphs are worth parsing (a return word and a figure)
    nlp         the spaCy pipeline: parse, return words, quantities, gazetteer places
    numbers     every quantity in the text, in all the formats reporting uses (number_words:
                digit strings and spelled-out numbers to values)
    candidates  every quantity of people near a return word (generous: recall is made here)
    features    what the parse says about a candidate
    decision    learned weights: is the candidate a claim, and how sure (its confidence)
    qualifier, who, kind, dating, places   the attributes of a claim (date_phrases: the date
                phrases of a doc; place_names: the names that may be places)
    merge       one claim per figure and event per article
    ko          the Korean language module (its own figures, return words, dates, places and
                learned decisions): a mostly-Hangul text goes there, claims with language "ko"

What a claim carries beyond eval/FORMAT.md: `count_high` (the top of a range), `vague`
("hundreds": kept, never an exact figure), `other_evidence` (the same figure again),
`places` (locations through the gazetteer), `rule` (the candidate rule that proposed it)
and `confidence` (the decision's calibrated probability).
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from extract.claims.candidates import Candidate, find_candidates
from extract.claims.chunks import for_parser, headline_span, select_chunks
from extract.claims.dating import date_of, headline_period
from extract.claims.decision import DecisionModel, load_model
from extract.claims.features import candidate_features
from extract.claims.kind import kind_of
from extract.claims.leftovers import leftover_spans
from extract.claims.lexicon import Lexicon, load_lexicon
from extract.claims.merge import merge_claims
from extract.claims.nlp import get_nlp, normalise_for_nlp
from extract.claims.place_names import place_name
from extract.claims.places import claim_place_spans, is_dateline, place_features
from extract.claims.qualifier import qualifier_of
from extract.claims.who import who_of
from extract.sanitize import same_length
from extract.types import Claim

EXTRACTOR_VERSION = "claims-2.8"
BATCH = 64
MAX_CANDIDATES = 2_000  # per article: no article of news comes near it, a hostile page might
# No return of people counts more than this (the world has 8 * 10^9): a figure beyond it is no
# count of people, and one of 27 digits would not fit an SQLite INTEGER either. (Such figures
# stay candidates: the decision model learnt them as negatives.)
MAX_COUNT = 10**9

__all__ = [
    "find_claims",
    "find_claims_many",
    "article_candidates",
    "EXTRACTOR_VERSION",
    "ArticleCandidates",
    "ArticleFailed",
]

LEADING_JUNK = "–—-:|•*·> \t"
TRAILING_JUNK = 8  # characters that are neither letters nor digits ending a statement: more are cut
DATELINE_RE = re.compile(
    r"[A-Z][A-Za-z .'’]{1,40}(?:,\s*[A-Z][A-Za-z .]{1,30})?(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?:,?\s*\d{4})?(?:\s*\([A-Za-z .]{2,30}\))?\s*(?:--|[–—-])\s+"
)


def _config_key(config_dir: str | os.PathLike | None) -> str | None:
    if config_dir:
        return str(config_dir)
    return os.environ.get("NEWSMON_CONFIG") or None


@dataclass
class ArticleCandidates:
    """The candidates of one article with their features (what `newsmon train` learns from)."""

    text: str
    published: str | None
    headline: tuple[int, int] | None
    candidates: list[tuple[Candidate, list[str]]]


def article_candidates(
    items: Iterable[tuple[str, str | None]], config_dir: str | None = None, batch_size: int = BATCH
) -> Iterator[ArticleCandidates]:
    """Parse the chunks of each (text, published) worth parsing, batched with `nlp.pipe`, and
    yield each article's candidates with their features, in input order."""
    key = _config_key(config_dir)
    lex = load_lexicon(key)
    buf: list[tuple[str, str | None]] = []
    for item in items:
        buf.append(((item[0] or ""), item[1] if len(item) > 1 else None))
        if len(buf) >= batch_size:
            yield from _analyse(buf, key, lex, batch_size)
            buf = []
    if buf:
        yield from _analyse(buf, key, lex, batch_size)


def _analyse(
    items: list[tuple[str, str | None]], key: str | None, lex: Lexicon, batch_size: int
) -> list[ArticleCandidates]:
    from extract.residual import load_lexicon as load_boilerplate

    boilerplate = load_boilerplate(["en"], key)
    items = [(same_length(text), pub) for text, pub in items]  # offsets hold: one character for one
    out = [ArticleCandidates(text, pub, headline_span(text), []) for text, pub in items]
    leftovers: list[list[tuple[int, int]]] = []
    jobs = []
    for di, (text, _pub) in enumerate(items):
        chunks = select_chunks(text, lex)
        leftovers.append(leftover_spans(text, boilerplate) if chunks else [])
        for a, b in chunks:
            jobs.append((normalise_for_nlp(for_parser(text[a:b]), lex), (di, a)))
    if jobs:
        nlp = get_nlp(key)
        for doc, (di, offset) in nlp.pipe(jobs, as_tuples=True, batch_size=batch_size):
            art = out[di]
            for c in find_candidates(doc, lex, offset, art.headline):
                if len(art.candidates) >= MAX_CANDIDATES:
                    break  # what is done per candidate grows with the others of its chunk
                at = offset + c.sent.start_char
                if not any(a <= at < b for a, b in leftovers[di]):
                    art.candidates.append((c, candidate_features(c, lex)))
    return out


def _evidence(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in LEADING_JUNK:
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    junk = end
    while junk > start and not text[junk - 1].isalnum():
        junk -= 1
    if end - junk > TRAILING_JUNK:  # "said. :::::::::::" (the parser blanked the run: see chunks)
        end = junk + 1 if text[junk] in ".!?" else junk
    m = DATELINE_RE.match(text, start, end)
    if m and m.end() < end - 10:
        start = m.end()  # "SEOUL, Oct. 13 (Yonhap) -- " is not part of the statement
    return start, end


def _places(c: Candidate, text: str, lex: Lexicon, model: DecisionModel | None) -> tuple[list[str], list[dict]]:
    if model is None:
        return [], []
    doc = c.doc
    locs: list[str] = []
    places: list[dict] = []
    seen: set[str] = set()
    # a dateline ("SEOUL -") says where the report was written: never a place of the return (FORMAT.md)
    in_sentence = [
        span for span in claim_place_spans(c, lex) if not is_dateline(doc, span)
    ]
    kept = [span for span in in_sentence if model.confidence(place_features(c, span, lex)) >= model.threshold]
    for span in kept:
        name = place_name(doc, span)
        pl = lex.place_for(name)
        key = (pl.name if pl else name).lower()
        if not name or key in seen:
            continue
        seen.add(key)
        locs.append(name)
        places.append({**pl.to_dict(), "name": name, "canonical": pl.name} if pl else {"name": name})
    return locs, places


def claims_of(
    art: ArticleCandidates, model: DecisionModel, place_model: DecisionModel | None, lex: Lexicon
) -> list[Claim]:
    """The claims of one analysed article: decide, then read the attributes, then merge."""
    kept = [(c, model.confidence(f)) for c, f in art.candidates]
    kept = [(c, p) for c, p in kept if p >= model.threshold]
    by_doc: dict[int, list[Candidate]] = {}
    for c, _p in kept:
        by_doc.setdefault(id(c.doc), []).append(c)
    claims: list[Claim] = []
    back_references: set[int] = set()
    vague_periods: set[int] = set()  # claims a vague period leaves undated ("in the past year")
    text = art.text
    for c, p in kept:
        mates = by_doc[id(c.doc)]
        claim_sents: dict[int, set[int]] = {}
        for m in mates:
            if not m.quantity.vague:
                claim_sents.setdefault(m.sent_index, set()).add(m.quantity.value)
        claimed = {i for m in mates for i in range(m.tq.start, m.tq.end)}
        q = c.quantity
        qualifier, _ = qualifier_of(c.doc, c.tq.start, c.tq.end, lex, is_range=q.high is not None, plus=q.plus)
        if q.vague:
            qualifier = "more_than"
        dating = date_of(c, art.published, lex, claim_sents, claimed)
        v = dating.value
        locs, places = _places(c, text, lex, place_model)
        start, end = _evidence(text, c.offset + c.sent.start_char, c.offset + c.sent.end_char)
        claims.append(
            Claim(
                count=q.value,
                qualifier=qualifier,
                who=who_of(c.counted, c.tq.end),
                date=v.date if v else None,
                date_end=v.date_end if v else None,
                kind=kind_of(c, v, dating.where == "sentence", lex),
                locations=locs,
                evidence=text[start:end],
                start=start,
                end=end,
                confidence=round(p, 3),
                count_high=q.high,
                vague=q.vague,
                places=places,
                rule=c.rule,
                language="en",
            )
        )
        if _refers_back(c):
            back_references.add(id(claims[-1]))
        if dating.where == "vague":
            vague_periods.add(id(claims[-1]))
    _inherit_dates(claims, text, art.headline, frozenset(vague_periods))
    period = headline_period(text[art.headline[0]:art.headline[1]], art.published) if art.headline else None
    if period is not None:
        for claim in claims:
            if claim.date is None and id(claim) not in vague_periods:
                claim.date, claim.date_end = period.date, period.date_end
    return merge_claims(claims, art.headline, frozenset(back_references))


def _inherit_dates(
    claims: list[Claim], text: str, headline: tuple[int, int] | None, vague: frozenset[int] = frozenset()
) -> None:
    """An undated figure that follows a dated one in its paragraph or the one before ("..., followed
    by Egyptians with 4,620", "Of the total, 12 400 were ...") shares its period: a breakdown or a
    part of what was just told; not one whose own sentence gives a vague period (`vague`: their
    `id()`s; "In the past year, ..."). One pass in text order: linear in the claims of the article."""
    breaks = [m.start() for m in re.finditer(r"\n\n", text)]

    def in_headline(c: Claim) -> bool:
        return headline is not None and headline[0] <= c.start < headline[1]

    last: tuple[Claim, int] | None = None  # the latest dated body claim and its paragraph
    for c in sorted(claims, key=lambda c: c.start):
        if in_headline(c):
            continue
        para = bisect.bisect_left(breaks, c.start)
        if c.date is None and last is not None and para - last[1] <= 1 and id(c) not in vague:
            c.date, c.date_end = last[0].date, last[0].date_end
        if c.date is not None:
            last = (c, para)


def _refers_back(c: Candidate) -> bool:
    """ "The 68 were returned ...", "the current figure of 406", "the 17": a figure told before."""
    doc = c.doc
    before = [t.lower_ for t in doc[max(c.sent.start, c.tq.start - 4) : c.tq.start]]
    return before[-1:] == ["the"] or (before[-1:] == ["of"] and any(w in ("figure", "number", "total") for w in before))


class ArticleFailed(Exception):
    """Articles of a `find_claims_many` input whose claims could not be read: (index, error) each."""

    def __init__(self, failures: list[tuple[int, Exception]]):
        self.failures = failures
        told = "; ".join(f"article {i}: {type(e).__name__}: {e}" for i, e in failures[:5])
        super().__init__(f"claims of {len(failures)} article(s) could not be read: {told}")


def find_claims_many(
    docs: Iterable[tuple[str, str | None]],
    config_dir: str | None = None,
    batch_size: int = BATCH,
    on_error: Callable[[int, Exception], None] | None = None,
) -> Iterator[list[Claim]]:
    """Claims of many (text, published) pairs, parsed in batches, one list per pair in input order.

    One article whose reading raises costs no other its claims: the batch is read again
    article by article, and an article that fails alone too yields no claims and is
    reported, as `on_error(index, error)` or, without `on_error`, as `ArticleFailed`
    raised once every other article was yielded.
    """
    key = _config_key(config_dir)
    lex = load_lexicon(key)
    model = load_model(key)
    place_model = load_model(key, "places")
    failures: list[tuple[int, Exception]] = []
    index = 0
    for batch in _batches(docs, batch_size):
        for found in _read_batch(batch, key, lex, model, place_model, batch_size):
            if isinstance(found, Exception):
                if on_error is None:
                    failures.append((index, found))
                else:
                    on_error(index, found)
                found = []
            index += 1
            yield found
    if failures:
        raise ArticleFailed(failures)


def _batches(docs: Iterable[tuple[str, str | None]], size: int) -> Iterator[list[tuple[str, str | None]]]:
    buf: list[tuple[str, str | None]] = []
    for item in docs:
        buf.append((item[0] or "", item[1] if len(item) > 1 else None))
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def _read_batch(
    batch: list[tuple[str, str | None]],
    key: str | None,
    lex: Lexicon,
    model: DecisionModel,
    place_model: DecisionModel | None,
    batch_size: int,
) -> list[list[Claim] | Exception]:
    """The claims of each article of a batch, or the error that stopped it. A text that is mostly
    Hangul goes to the Korean module (`extract.claims.ko`), the others to the English one, as one
    batch; every text is made safe first (`same_length`: offsets hold), whatever its language."""
    from extract.claims.ko import is_korean

    batch = [(same_length(text) if isinstance(text, str) else text, pub) for text, pub in batch]
    korean = [isinstance(text, str) and is_korean(text) for text, _pub in batch]
    out: list[list[Claim] | Exception] = [[] for _ in batch]
    english = [i for i, k in enumerate(korean) if not k]
    for i, got in zip(english, _read_english([batch[i] for i in english], key, lex, model, place_model, batch_size),
                      strict=True):
        out[i] = got
    for i in (i for i, k in enumerate(korean) if k):
        out[i] = _read_korean(batch[i], key)
    return [_within_cap(got) if isinstance(got, list) else got for got in out]


def _read_english(
    batch: list[tuple[str, str | None]],
    key: str | None,
    lex: Lexicon,
    model: DecisionModel,
    place_model: DecisionModel | None,
    batch_size: int,
) -> list[list[Claim] | Exception]:
    """A batch of English articles, parsed together; a batch that raises as a whole is read again
    article by article, to find the one to blame."""
    if not batch:
        return []
    try:
        arts = _analyse(batch, key, lex, batch_size)
    except Exception as exc:  # noqa: BLE001 - one hostile article must not cost the batch its claims
        if len(batch) == 1:
            return [exc]
        return [got for item in batch for got in _read_english([item], key, lex, model, place_model, batch_size)]
    out: list[list[Claim] | Exception] = []
    for art in arts:
        try:
            out.append(claims_of(art, model, place_model, lex))
        except Exception as exc:  # noqa: BLE001 - the article is reported, the others keep their claims
            out.append(exc)
    return out


def _read_korean(item: tuple[str, str | None], key: str | None) -> list[Claim] | Exception:
    from extract.claims.ko import find_korean_claims_many

    try:
        return next(iter(find_korean_claims_many([item], key)))
    except Exception as exc:  # noqa: BLE001 - the article is reported, the others keep their claims
        return exc


def _within_cap(claims: list[Claim]) -> list[Claim]:
    """A figure above MAX_COUNT is no count of people (and would overflow SQLite's INTEGER)."""
    return [c for c in claims if c.count <= MAX_COUNT and (c.count_high or 0) <= MAX_COUNT]


def find_claims(
    text: str, published: str | None = None, title: str | None = None, config_dir: str | None = None
) -> list[Claim]:
    """The returnee claims of one article (headline first, paragraphs separated by blank lines).
    `title` is accepted for callers that have one; claims' offsets always point into `text`
    (where `text` has a control character or a lone surrogate, `evidence` has a space or
    U+FFFD in its place: `extract.sanitize.same_length`). Raises `ArticleFailed` when the
    article's claims cannot be read."""
    return list(itertools.chain.from_iterable(find_claims_many([(text or "", published)], config_dir=config_dir)))
