"""Footnote marks glued to words: "China1" -> "China", "execution12." -> "execution.".

A mark is 1-2 digits (or a comma list of them, "crimes3,4") stuck to the end of
an ordinary word: a lowercase word or a Capitalised one of at least three
letters, followed by punctuation, a space or the end. What stays: numbers that
belong to the word ("G7", "MH17", "COVID-19", "Covid19", "km2", "Phone (3a)"),
numbers after a space or a comma ("January 2024,108", "1,076"), hashtags,
handles, URLs and e-mail addresses. Words like "Covid" that take a number are
listed in the lexicon (`footnote_keep`).

Bracketed marks after a word or sentence ("crimes[3]", "torture.[12]") go too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_GLUED = re.compile(
    r"(?<![\w#@/.:\-'’])"               # the word starts here (not inside a handle, URL, "x-y")
    r"(?P<word>[A-Z]?[a-z]{2,})"        # an ordinary word: "china", "China" (not "G", "MH", "iPhone")
    r"(?P<mark>\d{1,2}(?:,\d{1,2})*)"   # the mark: "1", "12", "3,4"
    r"(?=[\s.,;:!?)\]”\"'’]|$)"        # then punctuation, space or the end
    r"(?![.,]\d)"                       # not "word1.5" or "word1,000"
)
_BRACKETED = re.compile(r"(?<=[A-Za-z.,;:”\"')])\[\d{1,3}(?:[,–-]\d{1,3})*\]")


def strip_footnotes(text: str, keep: Iterable[str] = ()) -> str:
    keep_set = {k.lower() for k in keep}

    def glued(m: re.Match[str]) -> str:
        word = m.group("word")
        if word.lower() in keep_set:
            return m.group(0)
        # "word1,000": a number, not marks (already excluded for 3-digit groups).
        return word

    text = _BRACKETED.sub("", text)
    return _GLUED.sub(glued, text)
