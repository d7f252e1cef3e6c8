"""The Korean morphological analyser (kiwipiepy), loaded once per process.

Used for what patterns over raw text cannot tell well: the lemmas of the verbs and nouns
around a figure (넘겨졌다 -> 넘기, 돌려보내진 -> 돌리+보내, 송환하겠다 -> 송환+하+겠), which
become features of the learned decisions. Figures, dates, qualifiers and places are read by
patterns (kiwipiepy splits "지린성" into 지린+성 and tags 창바이 as a common noun).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

CONTENT = ("NNG", "NNP", "VV", "VA", "VX", "XSV", "MAG", "EP")


@dataclass(frozen=True)
class Morph:
    form: str
    tag: str
    start: int  # offsets into the text analysed
    end: int


@lru_cache(maxsize=1)
def get_kiwi() -> Any:
    from kiwipiepy import Kiwi  # type: ignore[import-untyped]  # kiwipiepy ships no type information

    return Kiwi()


@lru_cache(maxsize=4096)
def analyse(sentence: str) -> tuple[Morph, ...]:
    """The morphemes of one sentence (cached: a sentence is analysed once per process)."""
    return tuple(Morph(t.form, t.tag, t.start, t.start + t.len) for t in get_kiwi().tokenize(sentence))
