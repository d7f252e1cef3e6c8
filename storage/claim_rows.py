"""One claim row as the review reads it: the claim with its article, its corrected values applied.

Both `storage.claims` and `storage.events` read claims this way; this module
imports neither, so that `claims` -> `events` -> `claim_rows` points one way.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

EDITABLE = ("count", "qualifier", "date", "locations")

__all__ = ["EDITABLE", "_CLAIM_SELECT", "effective", "get_claim"]


def _loads(value: str | None) -> list:
    if not value:
        return []
    try:
        loaded = json.loads(value)
    except ValueError:
        return []
    return loaded if isinstance(loaded, list) else []


def effective(row: dict[str, Any]) -> dict[str, Any]:
    """The claim as a reviewer decided it: corrected values win over the machine's."""
    out = dict(row)
    out["machine"] = {
        "count": row["count"], "qualifier": row["qualifier"], "date": row["date"],
        "locations": _loads(row["locations"]),
    }
    corrected_locations = row.get("corrected_locations")
    out["corrected"] = {
        "count": row.get("corrected_count"), "qualifier": row.get("corrected_qualifier"),
        "date": row.get("corrected_date"),
        "locations": _loads(corrected_locations) if corrected_locations is not None else None,
    }
    for field in EDITABLE:
        if out["corrected"][field] is not None:
            out[field] = out["corrected"][field]
        else:
            out[field] = out["machine"][field]
    out["other_evidence"] = _loads(row.get("other_evidence"))
    out["corrected_fields"] = [f for f in EDITABLE if out["corrected"][f] is not None]
    return out


_CLAIM_SELECT = """
select claims.*, articles.url as url, articles.source as source, articles.title as title,
       articles.published as published, articles.fetched_at as fetched_at
from claims join articles on articles.id = claims.article_id
"""


def get_claim(db: Database, claim_id: int) -> dict[str, Any] | None:
    rows = list(db.query(_CLAIM_SELECT + " where claims.id = ?", [claim_id]))
    return effective(rows[0]) if rows else None
