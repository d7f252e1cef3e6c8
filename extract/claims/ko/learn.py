"""Labelled examples of Korean articles for `extract.claims.learn.fit`: the same labelling as
English (`extract.claims.learn.training_examples`): a candidate is a claim when its figure is
a labelled count and it stands in (or is the headline of) a statement labelled with it; a
figure labelled optional teaches nothing; every place name of a claim's sentence is labelled
by the claim's locations."""

from __future__ import annotations

from typing import Any

from extract.claims.ko import KoArticle
from extract.claims.ko.lexicon import KoLexicon
from extract.claims.ko.places import clauses_with_figures, own_spans, place_features, place_spans
from extract.claims.learn import Examples, Statement, labelled_statements
from extract.scoring import normalise_location


def korean_examples(art: KoArticle, gold: list[dict[str, Any]], group: str, lex: KoLexicon,
                    claims: Examples, places: Examples, calibrate: bool = True) -> None:
    required, optional = labelled_statements(gold, art.text)
    any_optional = any(g.get("optional") for g in gold)
    figure_clauses = clauses_with_figures(c for c, _f in art.candidates)
    for c, feats in art.candidates:
        value = c.quantity.value
        if value in required and not c.quantity.vague:
            match = _statement(c, required[value])
            if match is None:
                continue  # the same figure said of something else, or told again
            claims.add(feats, 1, group, calibrate)
            spans = place_spans(c.text, c.sent[0], c.sent[1], lex)
            for ps in own_spans(c, spans, figure_clauses.get(c.sent, [])):
                label = 1 if normalise_location(ps.name) in match else 0
                places.add(place_features(c.text, c, ps), label, group, calibrate)
        elif value in optional or (c.quantity.vague and any_optional):
            continue
        else:
            claims.add(feats, 0, group, calibrate)


def _statement(c, statements: list[Statement]) -> set[str] | None:
    """The locations of the labelled statement the candidate stands in (any for a headline)."""
    start, end = c.sent
    for (a, b), locs in statements:
        if a < 0 or (a < end and start < b):
            return locs
    if c.in_headline:
        return statements[0][1]
    return None
