"""Page leftovers in a text: the parts of it that are not the article.

A text given to the extractor may still hold what a page had around the article ("Recent
Posts" teasers, related-story boxes, author bios, cookie lines): a figure there belongs to
another article or to none. The text's paragraphs go through the residual cleaner's rules
(`extract.residual.boilerplate_flags`), and the character ranges of those it would drop
are returned; no candidate is taken from them. On text the crawl already cleaned, nothing
is found.
"""

from __future__ import annotations

import re

from extract.blocks import PARAGRAPH, Block, clean_line
from extract.residual import Lexicon, boilerplate_flags

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of the text's paragraphs (blank-line separated, else line by line)."""
    sep = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else re.compile(r"\n")
    out = []
    pos = 0
    for m in sep.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def leftover_spans(text: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Character ranges of `text` that the residual cleaner would drop."""
    paras = _paragraphs(text)
    blocks = [Block(PARAGRAPH, [ln for ln in clean_line(text[a:b]).split("\n") if ln]) for a, b in paras]
    keep = [(span, block) for span, block in zip(paras, blocks, strict=True) if block.lines]
    if not keep:
        return []
    flags = boilerplate_flags([b for _, b in keep], lexicon=lexicon)
    return [span for (span, _), gone in zip(keep, flags, strict=True) if gone]
