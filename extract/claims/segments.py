"""Which figure of a sentence each word belongs to, where a sentence tells several.

"808 had been returned on flights from Piarco to Maiquetía, and 355 by vessel from
Chaguaramas to Güiria": the sentence is cut between two figures at the strongest clause
break between them (a semicolon, then a coordinating word or ", with", then a comma; the
last of the strongest), so each figure owns the words up to the next cut. A name in another figure's
part is, most often, that figure's place.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span

# the strength of a break between two figures' parts
_BREAKS = {";": 3, "and": 2, "while": 2, "whilst": 2, "whereas": 2, "but": 2, "with": 2, ",": 1}
THING_CLASSES = ("vehicles", "time_units", "things")  # what a figure that cuts nothing counts
_FIGURES = "newsmon_candidate_figures"


def record_figures(doc: Doc, figures: list[tuple[int, int]]) -> None:
    """Keep in `doc` the token spans of its candidate figures of people (`find_candidates` does)."""
    doc.user_data[_FIGURES] = figures
    doc.user_data.pop("newsmon_figure_cuts", None)


def figure_cuts(doc: Doc, sent: Span) -> tuple[list[int], list[int]]:
    """(start token of each candidate figure in `sent`, in order; the token where each part after
    the first begins). Kept in the doc: every name of the sentence asks again."""
    memo = doc.user_data.setdefault("newsmon_figure_cuts", {})
    got = memo.get(sent.start)
    if got is None:
        figures = sorted(
            (a, b) for a, b in doc.user_data.get(_FIGURES, []) if sent.start <= a < sent.end
        )
        cuts = [_cut(doc, end, nxt) for (_s, end), (nxt, _e) in zip(figures, figures[1:], strict=False)]
        got = memo[sent.start] = ([s for s, _e in figures], cuts)
    return got


def _cut(doc: Doc, after: int, before: int) -> int:
    """The token that starts the next figure's part: the strongest break between the figures
    (their nearest to the second, of equal strength), else the second figure itself."""
    best, at = 0, before
    for i in range(after, before):
        rank = _BREAKS.get(doc[i].lower_, 0)
        if doc[i].lower_ == "with" and i > 0 and not doc[i - 1].is_punct:
            rank = 0  # "France with 761": the name before "with" is the next figure's
        if rank and rank >= best:
            best, at = rank, i
    return at


def part_of(cuts: list[int], token: int) -> int:
    """The index of the figure whose part holds `token`."""
    return bisect.bisect_right(cuts, token)


def part_range(sent: Span, cuts: list[int], k: int) -> tuple[int, int]:
    """The tokens [start, end) of the `k`th figure's part of `sent`."""
    return (cuts[k - 1] if k > 0 else sent.start, cuts[k] if k < len(cuts) else sent.end)
