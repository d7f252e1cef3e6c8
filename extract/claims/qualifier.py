"""The hedge of a figure: "at least 406" -> at_least, "over 500" -> more_than, "nearly 50" -> about.

Read from the words right before the number (the lexicon's [qualifiers], longest first) and
right after it ("500+", "500 or more", "50 or so"); a range ("between 400 and 600") is
`at_least` its lower figure.
"""

from __future__ import annotations

from spacy.tokens import Doc

from extract.claims.lexicon import Lexicon

STOP = ("(", ",", ";", ":")


def qualifier_of(
    doc: Doc, start: int, end: int, lex: Lexicon, is_range: bool = False, plus: bool = False
) -> tuple[str, int]:
    """(qualifier, first token of the hedge) of the number at tokens `start:end`."""
    before: list[str] = []
    k = start - 1
    while k >= 0 and len(before) < 6 and doc[k].text not in STOP and "\n" not in doc[k].text + doc[k].whitespace_:
        before.insert(0, doc[k].lower_)
        k -= 1
    for words, q in lex.qualifiers:
        n = len(words)
        if n <= len(before) and tuple(before[-n:]) == words:
            first = doc[start - n]
            if words == ("over",) and (
                first.dep_ == "prt"
                or (start - n - 1 >= 0 and doc[start - n - 1].lemma_.lower() in ("hand", "turn", "take"))
            ):
                continue  # "handed over 25 Syrians": a particle, not a hedge
            return q, start - n
    after = " ".join(t.lower_ for t in doc[end : end + 3])
    if plus or any(after.startswith(w) for w in lex.at_least_after):
        return "at_least", start
    if any(after.startswith(w) for w in lex.about_after) or (end < len(doc) and doc[end].lower_ in ("-odd", "odd")):
        return "about", start
    if is_range:
        return "at_least", start
    return "exact", start
