"""Scoring of predicted claims against labelled ones (eval/FORMAT.md). Pure functions.

Per document, a predicted claim matches a labelled one when `count` is equal; where several
share a count, the best agreement on qualifier and date wins (labels that are not optional
are matched first). Optional labels count neither way; vague predictions ("hundreds") are
never scored: they carry no exact figure (a vague label is optional by FORMAT.md).
On the matched pairs with a non-optional label: qualifier accuracy, date accuracy (equal at
the labelled granularity, `XXXX` matching any year) and location F1 (micro, names compared
case-insensitively after stripping footnote marks and a trailing "province").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def _get(c: Any, key: str, default: Any = None) -> Any:
    if isinstance(c, Mapping):
        return c.get(key, default)
    return getattr(c, key, default)


def normalise_location(name: str) -> str:
    s = " ".join(str(name).split()).strip()
    s = re.sub(r"(?<=[A-Za-z\)])\d{1,3}$", "", s)  # footnote marks: "China1"
    s = s.strip(" .,;:").lower()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"\s+provinces?$", "", s)
    return s.strip()


def date_matches(gold: str | None, pred: str | None) -> bool:
    """Equal at the labelled granularity; `XXXX` matches any year. A labelled null wants null."""
    if gold is None or gold == "":
        return pred is None or pred == ""
    if not pred:
        return False
    if len(pred) < len(gold):
        return False
    g, p = gold, pred[: len(gold)]
    if g[:4] == "XXXX" or p[:4] == "XXXX":
        return g[4:] == p[4:]
    return g == p


@dataclass
class DocResult:
    id: str
    pairs: list[tuple[dict, dict]] = field(default_factory=list)  # (gold, predicted)
    optional_pairs: list[tuple[dict, dict]] = field(default_factory=list)
    false_hits: list[dict] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)  # vague predictions


def match_document(doc_id: str, gold: Sequence[Any], pred: Sequence[Any]) -> DocResult:
    res = DocResult(id=doc_id)
    preds = []
    for p in pred:
        if _get(p, "vague", False):
            res.ignored.append(p)
        else:
            preds.append(p)
    cand = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(preds):
            if _get(g, "count") == _get(p, "count"):
                score = (0 if _get(g, "optional", False) else 10) \
                    + (1 if _get(g, "qualifier", "exact") == _get(p, "qualifier", "exact") else 0) \
                    + (1 if date_matches(_get(g, "date"), _get(p, "date")) else 0)
                cand.append((-score, gi, pi))
    cand.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in cand:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        g, p = gold[gi], preds[pi]
        (res.optional_pairs if _get(g, "optional", False) else res.pairs).append((g, p))
    res.misses = [g for gi, g in enumerate(gold) if gi not in used_g and not _get(g, "optional", False)]
    res.false_hits = [p for pi, p in enumerate(preds) if pi not in used_p]
    return res


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def score(gold_docs: Iterable[Mapping[str, Any]],
          predictions: Mapping[str, Sequence[Any]]) -> tuple[dict, list[DocResult]]:
    """`gold_docs`: labelled documents (with `id` and `claims`); `predictions`: id -> claims.
    Returns the summary of DESIGN.md (`newsmon eval --json`) and per-document results."""
    results: list[DocResult] = []
    tp = fp = fn = 0
    q_ok = d_ok = n_pairs = 0
    l_tp = l_fp = l_fn = 0
    n_docs = 0
    for doc in gold_docs:
        n_docs += 1
        r = match_document(str(doc.get("id")), doc.get("claims") or [], predictions.get(str(doc.get("id")), []))
        results.append(r)
        tp += len(r.pairs)
        fp += len(r.false_hits)
        fn += len(r.misses)
        for g, p in r.pairs:
            n_pairs += 1
            q_ok += _get(g, "qualifier", "exact") == _get(p, "qualifier", "exact")
            d_ok += date_matches(_get(g, "date"), _get(p, "date"))
            gl = {normalise_location(x) for x in (_get(g, "locations") or []) if normalise_location(x)}
            pl = {normalise_location(x) for x in (_get(p, "locations") or []) if normalise_location(x)}
            l_tp += len(gl & pl)
            l_fp += len(pl - gl)
            l_fn += len(gl - pl)
    precision, recall, f1 = _prf(tp, fp, fn)
    qa: float | None
    da: float | None
    loc: float | None
    if n_pairs:
        qa, da = q_ok / n_pairs, d_ok / n_pairs
        loc = _prf(l_tp, l_fp, l_fn)[2] if (l_tp + l_fp + l_fn) else 1.0
    else:
        qa = da = loc = None
    summary = {
        "documents": n_docs,
        "count": {"precision": _r(precision), "recall": _r(recall), "f1": _r(f1), "tp": tp, "fp": fp, "fn": fn},
        "qualifier_accuracy": _r(qa),
        "date_accuracy": _r(da),
        "location_f1": _r(loc),
    }
    return summary, results
