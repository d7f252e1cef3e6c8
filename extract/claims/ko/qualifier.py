"""The qualifier of a Korean figure: "60여 명", "N명 넘게", "N명이 넘는" -> more_than; "최소 N명",
"적어도 N명", "N명 이상" -> at_least; "약 N명", "N명가량", "N명 정도", "N명 안팎" -> about; "최대 N명",
"많게는 N명" -> up_to; "N명 미만" -> fewer_than; else exact. The wordings are in the lexicon."""

from __future__ import annotations

from extract.claims.ko.lexicon import KoLexicon
from extract.claims.ko.numbers import KoQuantity

WINDOW = 14
ORDER = ("more_than", "fewer_than", "up_to", "at_least", "about")


def qualifier_of(text: str, q: KoQuantity, lex: KoLexicon) -> str:
    if q.vague:
        return "more_than"
    a, b = max(0, q.start - WINDOW), min(len(text), q.end + WINDOW)
    marked = text[a:q.start] + "\x00" + text[q.end:b]
    found = {name for pattern, name in lex.qualifiers if pattern.search(marked)}
    for name in ORDER:
        if name in found:
            return name
    if q.plus:
        return "more_than"
    if q.high is not None:
        return "at_least"  # "50~60명", "서너 명": the lower figure, at least (FORMAT.md)
    return "exact"
