"""Whether a claim is one return (`event`) or a running total (`cumulative`): "so far this
year", "since 2020", "bringing the total to 41,000", "a total of 1,076"."""

from __future__ import annotations

from extract.claims.candidates import Candidate
from extract.claims.dates import DateValue
from extract.claims.lexicon import Lexicon

WINDOW = 10  # tokens each side of the figure


def kind_of(c: Candidate, date: DateValue | None, date_in_sentence: bool, lex: Lexicon) -> str:
    doc = c.doc
    lo = max(c.sent.start, c.tq.start - WINDOW)
    hi = min(c.sent.end, c.tq.end + WINDOW)
    window = " " + " ".join(t.lower_ for t in doc[lo:hi]) + " "
    if any(f" {m} " in window for m in lex.cumulative_markers if m != "as of"):
        return "cumulative"
    head = c.counted.head
    if (
        c.counted.dep_ == "pobj"
        and head.lower_ in ("to", "at")
        and lex.is_a(head.head.lemma_, "total_verbs")
        and any(lex.is_a(ch.lemma_, "totals") for ch in head.head.children)
    ):
        return "cumulative"
    if date is not None and date.cumulative and date_in_sentence:
        return "cumulative"
    return "event"
