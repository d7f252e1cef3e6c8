"""The two values that leave `extract/`: a cleaned article and a claim found in it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

QUALIFIERS = ("exact", "about", "at_least", "more_than", "up_to", "fewer_than")
KINDS = ("event", "cumulative")


@dataclass
class Article:
    """A page after boilerplate removal.

    `text` is the article as plain text, headline first, blocks separated by a
    blank line; it is the text that claims' `start`/`end` offsets point into.
    `published` is an ISO date (`YYYY-MM-DD`) or None; `published_source` says
    where it came from (`extract.published.SOURCES`: jsonld, meta, time, feed,
    url, htmldate, text), None with no date.
    """

    url: str | None
    title: str | None
    author: str | None
    published: str | None
    sitename: str | None
    language: str | None
    text: str
    published_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Claim:
    """A statement that a number of people were returned.

    Fields follow the labelled-claims format (docs/labelled-format.md); `start`/`end`
    are character offsets of `evidence` in the text the claim was found in,
    so `text[start:end] == evidence` always holds.
    """

    count: int
    qualifier: str
    who: str
    date: str | None
    date_end: str | None
    kind: str
    locations: list[str]
    evidence: str
    start: int
    end: int
    confidence: float
    count_high: int | None = None  # upper end of a range ("between 400 and 600")
    vague: bool = False  # "hundreds": kept, but never turned into an exact figure
    other_evidence: list[dict[str, Any]] = field(default_factory=list)  # same figure again (title and body)
    # `locations` through the gazetteer: canonical name, country, province, lat, lon
    places: list[dict[str, Any]] = field(default_factory=list)
    rule: str = ""  # the candidate rule that proposed it (extract.claims.candidates)
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
