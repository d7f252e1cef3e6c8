"""Footnote marks glued to words: "China1" -> "China", "execution12." -> "execution.".

A mark is 1-2 digits (or a comma list of them, "crimes3,4") stuck to the end of
an ordinary word: a lowercase word or a Capitalised one of at least three
letters, followed by punctuation, a space or the end. What stays: numbers that
belong to the word ("G7", "MH17", "COVID-19", "Covid19", "km2", "Phone (3a)"),
numbers after a space or a comma ("January 2024,108", "1,076"), hashtags,
handles, URLs and e-mail addresses. Words like "Covid" that take a number are
listed in the lexicon (`footnote_keep`).

Bracketed marks after a word or sentence ("crimes[3]", "torture.[12]") go too.
A word+digit token that a page repeats ("user1", "rect2") is a name, not a
mark: the cleaner passes such tokens as `keep_tokens`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_GLUED = re.compile(
    r"(?<![\w#@/.:\-'’&`$*_(\[{<=])"     # the word starts here (not in a handle, URL, "x-y", code)
    r"(?P<word>[A-Z]?[a-z]{2,})"        # an ordinary word: "china", "China" (not "G", "MH", "iPhone")
    r"(?P<mark>\d{1,2}(?:,\d{1,2})*)"   # the mark: "1", "12", "3,4"
    r"(?=$|\s|[.,;:!?)\]”\"'’](?:$|[\s”\"'’)\]]))"  # then the end, a space, or a stop and a space
    r"(?!\s*[=({\[])"                    # not code: "width1 = 30", "item1(...)"
)
_BRACKETED = re.compile(
    r"(?:(?<=[A-Za-z][A-Za-z])|(?<=[.,;:”\"')]))"  # after a word or a stop
    r"\[[1-9]\d{0,2}(?:[,–-][1-9]\d{0,2})*\]"      # the mark: "[1]", "[12]", "[3,4]", "[5–7]"
    r"(?=$|\s|[.,;:!?)”\"'’](?:$|[\s”\"'’)\]]))"  # then the end, a space, or a stop and a space
)
_TOKEN = re.compile(r"(?<![\w])[A-Z]?[a-z]{2,}\d{1,2}\b")


def repeated_tokens(texts: Iterable[str], times: int = 3) -> set[str]:
    """Word+digit tokens that occur `times` or more in a page: names ("user1", "rect2"), not marks."""
    from collections import Counter

    counts = Counter(tok for text in texts for tok in _TOKEN.findall(text))
    return {tok for tok, n in counts.items() if n >= times}


def strip_footnotes(text: str, keep: Iterable[str] = (), keep_tokens: Iterable[str] = ()) -> str:
    """`text` without footnote marks. `keep` are words that take a number ("covid");
    `keep_tokens` are whole tokens to leave alone (see `repeated_tokens`)."""
    keep_set = {k.lower() for k in keep}
    keep_tok = set(keep_tokens)

    def glued(m: re.Match[str]) -> str:
        word = m.group("word")
        if word.lower() in keep_set or m.group(0) in keep_tok:
            return m.group(0)
        return word

    text = _BRACKETED.sub("", text)
    return _GLUED.sub(glued, text)
