"""Learning the decision models from labelled articles (eval/FORMAT.md).

`training_examples` labels every candidate of an article against its labelled claims (a
candidate is a claim when its figure is one of the article's labelled counts; a figure
labelled optional teaches nothing either way), and every name of a claim's sentence
against the claim's labelled locations. `fit` trains a logistic regression on them
(scikit-learn, L2), with its strength chosen and its scores calibrated (Platt) on
out-of-fold predictions grouped by story, so that a story's articles never inform their
own scores; the decision threshold is chosen on the same out-of-fold scores. Pure
computation: the caller reads the files and writes the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from extract.claims import ArticleCandidates
from extract.claims.features import FEATURES_VERSION
from extract.claims.lexicon import Lexicon
from extract.claims.place_names import place_name
from extract.claims.places import claim_place_spans, place_features
from extract.scoring import normalise_location

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
MIN_COUNT = 2  # features seen fewer times are left out of the model


@dataclass
class Examples:
    """Labelled examples; `calibrate` marks those the scores are calibrated and the threshold
    chosen on (whole articles, not the single sentences that teach shapes)."""

    features: list[list[str]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    calibrate: list[bool] = field(default_factory=list)

    def extend(self, other: Examples) -> None:
        self.features += other.features
        self.labels += other.labels
        self.groups += other.groups
        self.calibrate += other.calibrate

    def add(self, features: list[str], label: int, group: str, calibrate: bool = True) -> None:
        self.features.append(features)
        self.labels.append(label)
        self.groups.append(group)
        self.calibrate.append(calibrate)


Statement = tuple[tuple[int, int], set[str]]  # (character span of its evidence or (-1, -1), its location keys)


def labelled_statements(gold: list[dict[str, Any]], text: str) -> tuple[dict[int, list[Statement]], set[int]]:
    """The labelled claims of an article, read for training in every language: count -> the
    statements labelled with it, and the counts labelled optional (they teach nothing)."""
    statements: dict[int, list[Statement]] = {}
    optional: set[int] = set()
    for g in gold:
        count = g.get("count")
        if not isinstance(count, int):
            continue
        if g.get("optional"):
            optional.add(count)
            continue
        evidence = g.get("evidence") or ""
        at = text.find(evidence or "\0")
        span = (at, at + len(evidence)) if at >= 0 else (-1, -1)
        statements.setdefault(count, []).append((span, {normalise_location(x) for x in g.get("locations") or []}))
    return statements, optional


def training_examples(
    art: ArticleCandidates,
    gold: list[dict[str, Any]],
    group: str,
    lex: Lexicon,
    claims: Examples,
    places: Examples,
    calibrate: bool = True,
) -> None:
    """Add the labelled candidates (and names of claim sentences) of one article."""
    statements, optional = labelled_statements(gold, art.text)
    required = {count: set().union(*(locs for _span, locs in told)) for count, told in statements.items()}
    where = {count: [span for span, _locs in told] for count, told in statements.items()}
    for c, feats in art.candidates:
        value = c.quantity.value
        if value in required and not c.quantity.vague:
            if _elsewhere(c, art, where[value]):
                continue
            claims.add(feats, 1, group, calibrate)
            wanted = required[value]
            for span in claim_place_spans(c, lex):
                label = 1 if normalise_location(place_name(c.doc, span)) in wanted else 0
                places.add(place_features(c, span, lex), label, group, calibrate)
        elif value in optional or (c.quantity.vague and any(g.get("optional") for g in gold)):
            continue
        else:
            claims.add(feats, 0, group, calibrate)


def _elsewhere(c, art: ArticleCandidates, spans: list[tuple[int, int]]) -> bool:
    """Whether a candidate with a labelled figure stands apart from every statement labelled with it
    (the same number said of something else, or told again): it teaches nothing either way. The
    headline's copy of a figure is the claim itself."""
    if any(a < 0 for a, _b in spans):
        return False  # an evidence not found in the text: trust the figure
    start, end = c.offset + c.sent.start_char, c.offset + c.sent.end_char
    if c.in_headline or any(a < end and start < b for a, b in spans):
        return False
    return True


def _oof_scores(X, y, groups, C: float) -> list[float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(groups))
    folds = min(FOLDS, n_groups)
    scores = [0.0] * len(y)
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, y, groups):
        if len(set(y[i] for i in train_idx)) < 2:
            continue
        model = LogisticRegression(C=C, max_iter=2000)
        model.fit(X[train_idx], [y[i] for i in train_idx])
        for i, z in zip(test_idx, model.decision_function(X[test_idx]), strict=True):
            scores[i] = float(z)
    return scores


def _log_loss(scores: list[float], y: list[int]) -> float:
    total = 0.0
    for z, t in zip(scores, y, strict=True):
        p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
        p = min(max(p, 1e-9), 1 - 1e-9)
        total -= math.log(p) if t else math.log(1 - p)
    return total / max(1, len(y))


def _curve(probs: list[float], y: list[int]) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) for thresholds 0.05 to 0.95."""
    positives = sum(y)
    out = []
    for k in range(5, 96):
        thr = k / 100
        tp = sum(1 for p, t in zip(probs, y, strict=True) if p >= thr and t)
        fp = sum(1 for p, t in zip(probs, y, strict=True) if p >= thr and not t)
        out.append((thr, tp / (tp + fp) if tp + fp else 0.0, tp / positives if positives else 0.0))
    return out


def _best_threshold(
    probs: list[float], y: list[int], beta: float, min_precision: float | None = None
) -> tuple[float, dict[str, float]]:
    """The threshold that maximises F-beta on the out-of-fold probabilities; with
    `min_precision`, the lowest one (the most recall) whose precision reaches it, which is
    stable where the F-beta curve is flat (its highest point then moves with every few
    examples added)."""
    curve = _curve(probs, y)
    if min_precision is not None:
        for thr, prec, rec in curve:
            if prec >= min_precision:
                return thr, {"precision": round(prec, 4), "recall": round(rec, 4)}
    best: tuple[float, float, dict[str, float]] = (0.5, -1.0, {})
    b2 = beta * beta
    for thr, prec, rec in curve:
        f = (1 + b2) * prec * rec / (b2 * prec + rec) if prec + rec else 0.0
        if f > best[1] + 1e-9:
            best = (thr, f, {"precision": round(prec, 4), "recall": round(rec, 4), "f_beta": round(f, 4)})
    return best[0], best[2]


def fit(examples: Examples, beta: float = 1.0, min_precision: float | None = None) -> dict[str, Any]:
    """A model dict (see `extract.claims.decision.DecisionModel.from_dict`) fitted on `examples`."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for feats in examples.features:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    rows = [{f: 1 for f in feats if counts[f] >= MIN_COUNT} for feats in examples.features]
    vec = DictVectorizer(sparse=True, sort=True)
    X = vec.fit_transform(rows)
    y = examples.labels
    groups = examples.groups
    if len(set(y)) < 2:
        raise ValueError("the labelled files give only one kind of example: need claims and non-claims")
    losses = {C: _log_loss(_oof_scores(X, y, groups, C), y) for C in C_GRID}
    C = min(C_GRID, key=lambda c: (round(losses[c], 6), c))
    oof = _oof_scores(X, y, groups, C)
    keep = [i for i, c in enumerate(examples.calibrate) if c]
    if len({y[i] for i in keep}) < 2:
        keep = list(range(len(y)))
    platt = LogisticRegression(C=1e6, max_iter=1000)
    platt.fit([[oof[i]] for i in keep], [y[i] for i in keep])
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    probs = [1 / (1 + math.exp(-max(-30.0, min(30.0, a * oof[i] + b)))) for i in keep]
    threshold, at_threshold = _best_threshold(probs, [y[i] for i in keep], beta, min_precision)
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(X, y)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 6) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) >= 1e-6}
    return {
        "features_version": FEATURES_VERSION,
        "bias": round(float(model.intercept_[0]), 6),
        "platt": {"a": round(a, 6), "b": round(b, 6)},
        "threshold": threshold,
        "weights": dict(sorted(weights.items())),
        "training": {
            "examples": len(y),
            "positives": int(sum(y)),
            "stories": len(set(groups)),
            "C": C,
            "calibrated_on": len(keep),
            "beta": beta,
            "min_precision": min_precision,
            "out_of_fold": at_threshold,
        },
    }
