"""Prefill the "add a missed claim" form from the words a reviewer selected, with the extractor's own readers.

The extractor runs on the selection alone (`find_claims`); when it finds no claim there
(its decision is stricter than a reviewer), the figure and its hedge are still read by the
extractor's number parser and its hedge reader (`qualifier_of`). Pure: text in, values out.
"""

from __future__ import annotations

from typing import Any

from extract.claims import find_claims
from extract.claims.lexicon import load_lexicon
from extract.claims.nlp import get_nlp
from extract.claims.numbers import find_quantities
from extract.claims.qualifier import qualifier_of

MAX_SELECTION = 5_000


def _hedge_of(text: str, start: int, end: int, *, is_range: bool, plus: bool) -> str:
    """The extractor's hedge of the figure at characters `start:end` of `text`."""
    doc = get_nlp()(text)
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return "at_least" if plus or is_range else "exact"
    return qualifier_of(doc, span.start, span.end, load_lexicon(), is_range=is_range, plus=plus)[0]


def prefill(selection: str, published: str | None = None) -> dict[str, Any]:
    """Form values read from `selection`: count, count_high, qualifier, date, date_end, locations, who, kind.

    Values the selection does not state are None (locations: []); `found` says which
    reader filled the form ("claim", "number" or None).
    """
    text = (selection or "")[:MAX_SELECTION]
    empty: dict[str, Any] = {"count": None, "count_high": None, "qualifier": "exact", "date": None,
                             "date_end": None, "locations": [], "who": None, "kind": "event", "found": None}
    if not text.strip():
        return empty
    claims = find_claims(text, published)
    if claims:
        best = max(claims, key=lambda c: (c.confidence, -c.start))
        return {"count": best.count, "count_high": best.count_high, "qualifier": best.qualifier,
                "date": best.date, "date_end": best.date_end, "locations": list(best.locations),
                "who": best.who or None, "kind": best.kind, "found": "claim"}
    counts = [q for q in find_quantities(text) if q.is_count and not q.vague]
    if not counts:
        return empty
    first = counts[0]
    qualifier = _hedge_of(text, first.start, first.end, is_range=first.high is not None, plus=first.plus)
    return {**empty, "count": first.value, "count_high": first.high, "qualifier": qualifier, "found": "number"}
