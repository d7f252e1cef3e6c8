"""Who was returned, as the text says it: the counted noun with its modifiers
("North Korean refugees", "individuals who had escaped from North Korea")."""

from __future__ import annotations

from spacy.tokens import Token

SKIP_AFTER_NUMBER = ("of", "the", "more", "than", "-", "+", "or", "so", "plus")


def who_of(counted: Token, number_end: int) -> str:
    """The people phrase of a candidate ("" when the number stands alone)."""
    doc = counted.doc
    if counted.like_num or counted.pos_ == "NUM":
        return ""
    if counted.i >= number_end:
        first = number_end
        while first < counted.i and doc[first].lower_ in SKIP_AFTER_NUMBER:
            first += 1
    else:
        first = min(
            [t.i for t in counted.subtree if t.i <= counted.i and t.dep_ in ("amod", "compound", "det", "nmod")]
            + [counted.i]
        )
    last = counted.i + 1
    for c in counted.children:  # a short relative clause tells who ("individuals who had escaped ...")
        if c.dep_ in ("relcl", "acl") and c._.trigger is None and c.i > counted.i and len(list(c.subtree)) <= 8:
            last = c.right_edge.i + 1
            break
    return doc[first:last].text.strip()
