"""Which of trafilatura's two settings to keep for a page: its default, or `favor_precision`.

The default keeps more text, which is right on most pages. Three shapes of its
output say that it took in more than the article, and there the precision
setting is tried:
- duplicated paragraphs: the same line of 40+ characters twice (a body
  returned twice, a teaser repeating the lead);
- one giant block: at most two blocks, one of them 20+ lines (a page whose
  structure trafilatura lost);
- structured-data debris: lines carrying image URLs or ISO timestamps.

The precision output is kept only when it has less of that shape and still
holds the article: for duplicates a fifth of the text at least, for a giant
block 60 % at least and five blocks or more.
Pure functions on blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from extract.blocks import Block

_DEBRIS = re.compile(r"https?://\S+\.(jpe?g|png|webp|gif|avif)\b|\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
MIN_DUP_CHARS = 40
GIANT_LINES = 20


def _lines(blocks: Sequence[Block]) -> list[str]:
    return [ln for b in blocks for ln in b.text.split("\n")]


def duplicated_lines(blocks: Sequence[Block]) -> int:
    keys = [_SPACES.sub(" ", ln).strip().casefold() for ln in _lines(blocks)]
    counts = Counter(k for k in keys if len(k) >= MIN_DUP_CHARS)
    return sum(c - 1 for c in counts.values() if c > 1)


def is_giant(blocks: Sequence[Block]) -> bool:
    return 0 < len(blocks) <= 2 and max(b.text.count("\n") for b in blocks) >= GIANT_LINES


def debris_lines(blocks: Sequence[Block]) -> int:
    return sum(1 for ln in _lines(blocks) if _DEBRIS.search(ln))


def _chars(blocks: Sequence[Block]) -> int:
    return sum(len(b.text) for b in blocks)


def suspect(blocks: Sequence[Block]) -> bool:
    """The default output has one of the three shapes: worth a second, precise run."""
    return bool(blocks) and (duplicated_lines(blocks) > 0 or is_giant(blocks) or debris_lines(blocks) > 0)


def prefer_precision(default: Sequence[Block], precise: Sequence[Block]) -> bool:
    """Whether the precision setting's blocks are the better text for the page (module docstring)."""
    if not default or not precise:
        return False
    ratio = _chars(precise) / max(1, _chars(default))
    dup = duplicated_lines(default)
    if dup and duplicated_lines(precise) < dup and ratio >= 0.2:
        return True
    if is_giant(default) and len(precise) >= 5 and ratio >= 0.6:
        return True
    debris = debris_lines(default)
    return bool(debris) and debris_lines(precise) < debris and ratio >= 0.6
