"""Which parts of an article are worth parsing.

Parsing is the costly step, and most of any article says nothing about returns: only
runs of lines around a line that has a return word ([select] stems of the lexicon) and
a figure (itself or on one of the next three lines) are parsed, with `NEIGHBOURS` lines each side for
the dates, places and second flights told around it. A run is cut into pieces of at
most `MAX_CHUNK` characters, and no article has more than `MAX_PARSED` characters parsed,
so that one giant page costs bounded time and memory (no article of news comes near it).
A line is read up to `MAX_LINE` characters or `MAX_LINE_TOKENS` tokens, whichever comes
first (a "paragraph" of 2 MB is no news), and `for_parser` blanks what the tokenizer takes
quadratic time on or makes a token a character of (runs of punctuation, a giant "word"),
keeping every offset.
"""

from __future__ import annotations

import re

from extract.claims.lexicon import Lexicon
from extract.claims.number_words import NUMBER_WORDS
from extract.claims.numbers import VAGUE

NEIGHBOURS = 2
LIST_BLOCK = 80  # list or table lines followed after a selected line (a table of returns by province)
_LIST_LINE_RE = re.compile(r"^\s*(?:[-•*·–]\s|\d{1,2}[.)]\s|.{1,60}(?::|\s\|)\s*\S|.*\t)")
# a row "Label: figure" / "Label | figure" (a bullet before it, a note in brackets after the label
# allowed): group 1 is the label; the match ends on the first character after the separator
ROW_RE = re.compile(r"^\s*(?:[-•*·–]\s*)?([^:|\n]{2,60}?)\s*(?:\([^)\n]{1,60}\))?\s*(?::|\|)\s*\S")
MAX_CHUNK = 20_000
MAX_PARSED = 100_000
MAX_LINE = 20_000
MAX_LINE_TOKENS = 5_000
PUNCT_RUN = 8  # characters of a punctuation run kept, the rest blanked ("::::" beside a claim)
WORD_RUN = 200  # characters without a space kept, the rest blanked
_TOKENISH_RE = re.compile(r"\w+|[^\w\s]")
_PUNCT_RUN_RE = re.compile(rf"[^\w\s]{{{PUNCT_RUN + 1},}}")
_WORD_RUN_RE = re.compile(rf"\S{{{WORD_RUN + 1},}}")

_FIGURE_RE = re.compile(
    r"\d|\b(?:" + "|".join(sorted(NUMBER_WORDS | {v.split()[-1] for v, _ in VAGUE}, key=len, reverse=True)) + r")\b",
    re.I,
)


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, _line_end(text, pos, pos + min(len(line), MAX_LINE))))
        pos += len(line) + 1
    return out


def _line_end(text: str, a: int, b: int) -> int:
    """Where the line `a:b` is cut so that it has at most `MAX_LINE_TOKENS` tokens (roughly)."""
    if b - a <= MAX_LINE_TOKENS:
        return b
    for n, m in enumerate(_TOKENISH_RE.finditer(text, a, b)):
        if n >= MAX_LINE_TOKENS:
            return m.start()
    return b


def select_chunks(text: str, lex: Lexicon, neighbours: int = NEIGHBOURS) -> list[tuple[int, int]]:
    """Character ranges of `text` worth parsing, in text order."""
    lines = _lines(text)
    figure = [_FIGURE_RE.search(text, a, b) is not None for a, b in lines]
    # a line with a return word and a figure on it or on one of the next lines ("Among them were 38 minors")
    hits = [
        i
        for i, (a, b) in enumerate(lines)
        if lex.select_re.search(text[a : min(b, a + MAX_CHUNK)]) and any(figure[i : i + NEIGHBOURS + 2])
    ]
    if not hits:
        return []
    keep: set[int] = set()
    for i in hits:
        keep.update(range(max(0, i - neighbours), min(len(lines), i + neighbours + 1)))
        j = i + 1  # a list or table under the line: its rows, however many
        while j < len(lines) and j <= i + LIST_BLOCK and (is_list_line(text[lines[j][0] : lines[j][1]]) or j <= i + 2):
            keep.add(j)
            j += 1
    runs: list[list[int]] = []
    for i in sorted(keep):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    out: list[tuple[int, int]] = []
    budget = MAX_PARSED
    for run in runs:
        for a, b in _split_long(text, lines[run[0]][0], lines[run[-1]][1]):
            if budget <= 0:
                return out
            out.append((a, min(b, a + budget)))
            budget -= b - a
    return out


def is_list_line(line: str) -> bool:
    """A bullet, a numbered item, "Label: figure", a flattened table row ("A | 11 | 4,105")."""
    return len(line) <= 200 and bool(_LIST_LINE_RE.match(line)) and bool(re.search(r"\d", line))


def _split_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Pieces of at most MAX_CHUNK characters, cut after a line break or a full stop."""
    out = []
    while b - a > MAX_CHUNK:
        cut = text.rfind("\n", a + MAX_CHUNK // 2, a + MAX_CHUNK)
        if cut < 0:
            cut = text.rfind(". ", a + MAX_CHUNK // 2, a + MAX_CHUNK)
            cut = cut + 1 if cut >= 0 else a + MAX_CHUNK
        out.append((a, cut))
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if b > a:
        out.append((a, b))
    return out


def headline_span(text: str) -> tuple[int, int] | None:
    """The headline: the text's first line when it reads as one (short, no final full stop)."""
    lines = _lines(text)
    if not lines:
        return None
    a, b = lines[0]
    line = text[a:b].strip()
    if len(line.split()) <= 25 and not line.endswith((".", ":", ";")):
        return a, b
    return None


def for_parser(text: str) -> str:
    """`text` with runs of punctuation blanked after `PUNCT_RUN` characters, and runs without a
    space after `WORD_RUN`: the tokenizer splits such a run one character at a time, each split
    costing the length of the run, and each character would be a token to parse. Same length:
    offsets hold."""
    if _PUNCT_RUN_RE.search(text) is not None:
        text = _PUNCT_RUN_RE.sub(lambda m: _blank_after(m.group(0), PUNCT_RUN), text)
    if _WORD_RUN_RE.search(text) is not None:
        text = _WORD_RUN_RE.sub(lambda m: _blank_after(m.group(0), WORD_RUN), text)
    return text


def _blank_after(run: str, keep: int) -> str:
    return run[:keep] + " " * (len(run) - keep)
