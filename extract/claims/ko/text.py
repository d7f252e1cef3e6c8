"""Sentences and clauses of Korean text, as character spans (offsets into the text).

A sentence ends at a full stop, question or exclamation mark after a syllable or a closing
quote (not "2023. 10." nor "(7.9.)"), or at a line break. A clause of a sentence ends at a
comma or a connective ending ("~했고", "~하며", "~했는데", "~지만"), so that two figures
of one sentence ("109명을 중국으로 강제송환했고, 170여 명은 터키로 보냈다") keep their own
places and dates.
"""

from __future__ import annotations

import re

_SENT_END = re.compile(r"(?<=[\uac00-\ud7a3)\"'”’」』])[.!?。](?=[\"'”’」』]?\s)|\n+")
_CLAUSE_END = re.compile(r",\s|(?<![다라])(?:고|며|으며|는데|지만|으나|면서)\s|·")


def sentences(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end() if m.group(0) not in ("\n",) and not m.group(0).startswith("\n") else m.start()
        _add(text, start, end, out)
        start = m.end()
    _add(text, start, len(text), out)
    return out


def _add(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        out.append((a, b))


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of the sentence `text[start:end]`."""
    out: list[tuple[int, int]] = []
    a = start
    for m in _CLAUSE_END.finditer(text, start, end):
        if m.group(0) == "·":
            continue  # "라오스·베트남": a list, not a clause
        out.append((a, m.end()))
        a = m.end()
    out.append((a, end))
    return [(x, y) for x, y in out if y > x]


def paragraph_index(text: str, pos: int) -> int:
    return text.count("\n\n", 0, pos)


def line_span(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)
