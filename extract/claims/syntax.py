"""Small helpers over spaCy's dependency parse, shared by the claim stages."""

from __future__ import annotations

from spacy.tokens import Token


def ancestors_to_root(tok: Token, limit: int = 12) -> list[Token]:
    """`tok` and its heads up to the sentence root (at most `limit`)."""
    out = [tok]
    t = tok
    while t.head.i != t.i and len(out) < limit:
        t = t.head
        out.append(t)
    return out


def tree_path(a: Token, b: Token) -> tuple[list[str], list[str], Token] | None:
    """Dependency labels from `a` up to the lowest common head, and from `b` up to it,
    with that head; None when the two are in different sentences."""
    up_a = ancestors_to_root(a)
    up_b = ancestors_to_root(b)
    ids_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in ids_b:
            m = ids_b[t.i]
            return [x.dep_ for x in up_a[:n]], [x.dep_ for x in up_b[:m]], t
    return None


def path_length(a: Token, b: Token) -> int:
    got = tree_path(a, b)
    return 99 if got is None else len(got[0]) + len(got[1])


def counted_token(anchor: Token) -> Token:
    """The word a number counts: "300 Afghans" -> Afghans; "a group of 30 North Koreans" ->
    Koreans; "a crowd of 34,210" -> crowd; "600 were deported" -> 600 itself."""
    t = anchor
    if (
        t.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod")
        and t.head.i != t.i
        and t.head.pos_ in ("NOUN", "PROPN", "PRON", "ADJ", "NUM")
    ):
        t = t.head
        while t.dep_ == "compound" and t.head.i != t.i and t.head.i > t.i and t.head.pos_ in ("NOUN", "PROPN"):
            t = t.head
    elif t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ == "NOUN" and t.head.head.i < t.i:
        t = t.head.head  # "a crowd of 34,210", "a total of 1,076": the group the number sizes
    return t


def has_child(tok: Token, deps: tuple[str, ...], words: frozenset[str] | set[str] | None = None) -> bool:
    return any(
        c.dep_ in deps and (words is None or c.lower_ in words or c.lemma_.lower() in words) for c in tok.children
    )


def in_subtree(tok: Token, root: Token) -> bool:
    return root.left_edge.i <= tok.i <= root.right_edge.i and any(t.i == root.i for t in ancestors_to_root(tok, 20))


def is_verbal(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")
