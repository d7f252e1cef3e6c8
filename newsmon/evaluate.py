"""`newsmon eval`: run the extractor over a labelled file (docs/labelled-format.md) and score it.

Runs the same code as a crawl: documents with `html` go through boilerplate removal
(`extract.article.extract_article`) first; documents with `text` start from the text.
Scoring itself is pure and lives in `extract.scoring`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extract.scoring import DocResult, score

FORMAT_FIELDS = ("count", "qualifier", "who", "date", "date_end", "kind", "locations", "evidence")


class LabelledFileError(ValueError):
    pass


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    docs = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LabelledFileError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(doc, dict) or "id" not in doc:
                raise LabelledFileError(f"{path}:{n}: a document needs an \"id\"")
            if doc["id"] in seen:
                raise LabelledFileError(f"{path}:{n}: duplicate id {doc['id']!r}")
            if not isinstance(doc.get("text"), str) and not isinstance(doc.get("html"), str):
                raise LabelledFileError(f"{path}:{n}: document {doc['id']!r} has neither text nor html")
            seen.add(doc["id"])
            doc.setdefault("claims", [])
            docs.append(doc)
    return docs


def document_text(doc: dict[str, Any], config_dir: str | None = None) -> tuple[str, str | None]:
    """(text, published) of a labelled document, cleaning `html` as a crawl would."""
    if isinstance(doc.get("text"), str):
        return doc["text"], doc.get("published")
    from extract.article import extract_article

    article = extract_article(doc["html"], doc.get("url"), fallback_published=doc.get("published"),
                              config_dir=config_dir)
    return article.text, doc.get("published") or article.published


def claim_json(claim: Any) -> dict[str, Any]:
    """A claim with the fields of docs/labelled-format.md plus start, end, confidence (and count_high, vague)."""
    d = claim.to_dict() if hasattr(claim, "to_dict") else dict(claim)
    out = {k: d.get(k) for k in FORMAT_FIELDS}
    out["optional"] = bool(d.get("vague", False))
    out.update({"start": d.get("start"), "end": d.get("end"), "confidence": d.get("confidence"),
                "count_high": d.get("count_high"), "vague": bool(d.get("vague", False))})
    if d.get("other_evidence"):
        out["other_evidence"] = d["other_evidence"]
    if d.get("places"):
        out["places"] = d["places"]
    return out


def predict(docs: list[dict[str, Any]], config_dir: str | None = None) -> Iterator[tuple[dict, list]]:
    from extract.claims import find_claims_many

    pairs = [document_text(d, config_dir) for d in docs]
    yield from zip(docs, find_claims_many(pairs, config_dir=config_dir), strict=True)


def evaluate(docs: list[dict[str, Any]],
             config_dir: str | None = None) -> tuple[dict, list[DocResult], dict[str, list]]:
    predictions: dict[str, list] = {}
    for doc, claims in predict(docs, config_dir):
        predictions[str(doc["id"])] = [claim_json(c) for c in claims]
    summary, results = score(docs, predictions)
    return summary, results, predictions
