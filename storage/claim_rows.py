"""One claim row as the review reads it: the claim with its article, its corrected values applied.

Both `storage.claims` and `storage.events` read claims this way; this module
imports neither, so that `claims` -> `events` -> `claim_rows` points one way.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

EDITABLE = ("count", "qualifier", "date", "locations", "count_high", "who", "date_end", "kind")
# Stored in a correction column to mean "none" (NULL there means "not corrected").
NO_COUNT_HIGH = 0

__all__ = ["EDITABLE", "NO_COUNT_HIGH", "_CLAIM_SELECT", "effective", "get_claim"]


def _loads(value: str | None) -> list:
    if not value:
        return []
    try:
        loaded = json.loads(value)
    except ValueError:
        return []
    return loaded if isinstance(loaded, list) else []


def effective(row: dict[str, Any]) -> dict[str, Any]:
    """The claim as a reviewer decided it: corrected values win over the machine's.

    A correction column holds NULL for "not corrected"; "none" is stored as "" (texts, dates)
    or NO_COUNT_HIGH (the top of a range), and read back as None / "".
    """
    out = dict(row)
    out["machine"] = {
        "count": row["count"], "qualifier": row["qualifier"], "date": row["date"],
        "locations": _loads(row["locations"]), "count_high": row.get("count_high"), "who": row.get("who"),
        "date_end": row.get("date_end"), "kind": row.get("kind"),
    }
    corrected_locations = row.get("corrected_locations")
    out["corrected"] = {
        "count": row.get("corrected_count"), "qualifier": row.get("corrected_qualifier"),
        "date": row.get("corrected_date"),
        "locations": _loads(corrected_locations) if corrected_locations is not None else None,
        "count_high": row.get("corrected_count_high"), "who": row.get("corrected_who"),
        "date_end": row.get("corrected_date_end"), "kind": row.get("corrected_kind"),
    }
    for field in EDITABLE:
        if out["corrected"][field] is not None:
            out[field] = out["corrected"][field]
        else:
            out[field] = out["machine"][field]
    if out["count_high"] == NO_COUNT_HIGH:
        out["count_high"] = None
    out["other_evidence"] = _loads(row.get("other_evidence"))
    out["corrected_fields"] = [f for f in EDITABLE if out["corrected"][f] is not None]
    return out


_CLAIM_SELECT = """
select claims.*, articles.url as url, articles.source as source, articles.title as title,
       articles.published as published, articles.fetched_at as fetched_at,
       articles.published_source as published_source
from claims join articles on articles.id = claims.article_id
"""


def get_claim(db: Database, claim_id: int) -> dict[str, Any] | None:
    rows = list(db.query(_CLAIM_SELECT + " where claims.id = ?", [claim_id]))
    return effective(rows[0]) if rows else None
