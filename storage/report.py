"""What reviewers' decisions say about the extractor: per candidate rule, outlet and extractor version.

A machine claim is *accepted* (as found), *corrected* (accepted with a value
a reviewer changed), *rejected* or still *pending*. Precision among the
reviewed is (accepted + corrected) / (accepted + corrected + rejected): a
corrected claim is a real claim the extractor read partly wrong, and
`exact_precision` counts only those it read right. Recall is measured where
reviewers finished articles (`articles.reviewed_at`): the claims they added
there (`origin = 'reviewer'`) are the ones the extractor missed, so recall is
found / (found + added), where found counts the machine claims accepted or
corrected in those articles. A rule proposes claims but adds none, so it has a
precision and no recall.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlite_utils import Database

DIMENSIONS = {"rule": "claims.rule", "outlet": "articles.source", "version": "claims.extractor_version"}


def _corrected_columns(db: Database) -> list[str]:
    """The claims' corrected_* columns (the fields a reviewer can correct in this schema)."""
    return sorted(c for c in db["claims"].columns_dict if c.startswith("corrected_"))


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _empty(key: str, value: Any) -> dict[str, Any]:
    return {key: value, "accepted": 0, "corrected": 0, "rejected": 0, "pending": 0, "_fields": Counter(),
            "reviewed_articles": 0, "found": 0, "added": 0}


def _finish(row: dict[str, Any], with_recall: bool) -> dict[str, Any]:
    reviewed = row["accepted"] + row["corrected"] + row["rejected"]
    fields = row.pop("_fields")
    row["reviewed"] = reviewed
    row["precision"] = _ratio(row["accepted"] + row["corrected"], reviewed)
    row["exact_precision"] = _ratio(row["accepted"], reviewed)
    row["corrected_fields"] = [{"field": f, "count": n} for f, n in sorted(fields.items(), key=lambda kv: (-kv[1],
                                                                                                           kv[0]))]
    if with_recall:
        row["added_per_reviewed_article"] = _ratio(row["added"], row["reviewed_articles"])
        row["recall"] = _ratio(row["found"], row["found"] + row["added"])
    else:
        for key in ("reviewed_articles", "found", "added"):
            row.pop(key)
    return row


def _grouped(db: Database, dimension: str) -> list[dict[str, Any]]:
    column = DIMENSIONS[dimension]
    corrected = _corrected_columns(db)
    corrected_sql = "".join(f", claims.{c}" for c in corrected)
    rows: dict[Any, dict[str, Any]] = {}
    sql = (f"select {column} as k, claims.status, claims.article_id, articles.reviewed_at{corrected_sql} "  # noqa: S608 - column names from DIMENSIONS and the schema
           "from claims join articles on articles.id = claims.article_id "
           "where coalesce(claims.origin, 'machine') = 'machine'")
    for record in db.execute(sql).fetchall():
        key, status, _article_id, finished, *values = record
        row = rows.setdefault(key, _empty(dimension, key))
        changed = [c[len("corrected_"):] for c, v in zip(corrected, values, strict=True) if v is not None]
        if status == "accepted" and changed:
            row["corrected"] += 1
            row["_fields"].update(changed)
        elif status in ("accepted", "rejected", "pending"):
            row[status] += 1
        if finished and status == "accepted":
            row["found"] += 1
    with_recall = dimension != "rule"
    if with_recall:
        # Articles a reviewer finished, and the claims reviewers added there, by the article's outlet or version.
        article_key = {"outlet": "articles.source", "version": "articles.extractor_version"}[dimension]
        for key, n in db.execute(f"select {article_key}, count(*) from articles "  # noqa: S608 - a constant above
                                 "where reviewed_at is not null group by 1").fetchall():
            rows.setdefault(key, _empty(dimension, key))["reviewed_articles"] = n
        for key, n in db.execute(f"select {article_key}, count(*) from claims "  # noqa: S608 - a constant above
                                 "join articles on articles.id = claims.article_id "
                                 "where claims.origin = 'reviewer' and claims.status = 'accepted' "
                                 "and articles.reviewed_at is not null group by 1").fetchall():
            rows.setdefault(key, _empty(dimension, key))["added"] = n
    out = [_finish(row, with_recall) for row in rows.values()]
    return sorted(out, key=lambda r: (r["precision"] is None, r["precision"] or 0, str(r[dimension])))


def decisions_report(db: Database) -> dict[str, Any]:
    """Per rule, outlet and extractor version (worst precision first), and overall: decisions and their rates."""
    total = _empty("all", None)
    total.pop("all")
    by_outlet = _grouped(db, "outlet")
    for row in by_outlet:
        for key in ("accepted", "corrected", "rejected", "pending", "reviewed_articles", "found", "added"):
            total[key] += row[key]
        total["_fields"].update({f["field"]: f["count"] for f in row["corrected_fields"]})
    return {
        "total": _finish(total, True),
        "by_rule": _grouped(db, "rule"),
        "by_outlet": by_outlet,
        "by_version": _grouped(db, "version"),
    }
