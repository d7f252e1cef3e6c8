"""The `claims` table: machine claims and their review status."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from storage.articles import utc_now

STATUSES = ("pending", "accepted", "rejected")


def replace_machine_claims(db: Database, article_id: int, claims: Iterable[dict[str, Any]], extractor_version: str) -> int:
    """Replace the unreviewed claims of one article with a new extraction; return how many were stored.

    Reviewed claims (accepted or rejected) are never touched.
    """
    now = utc_now()
    stored = 0
    with db.atomic():
        db.execute("delete from claims where article_id = ? and status = 'pending'", [article_id])
        for claim in claims:
            row = {
                "article_id": article_id,
                "count": claim["count"],
                "count_high": claim.get("count_high"),
                "qualifier": claim["qualifier"],
                "who": claim.get("who"),
                "date": claim.get("date"),
                "date_end": claim.get("date_end"),
                "kind": claim.get("kind"),
                "locations": json.dumps(claim.get("locations") or [], ensure_ascii=False),
                "evidence": claim["evidence"],
                "start": claim["start"],
                "end": claim["end"],
                "confidence": claim.get("confidence"),
                "vague": int(bool(claim.get("vague"))),
                "other_evidence": json.dumps(claim.get("other_evidence") or [], ensure_ascii=False),
                "status": "pending",
                "extractor_version": extractor_version,
                "created_at": now,
            }
            db["claims"].insert(row)
            stored += 1
    return stored


def count_by_status(db: Database) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in db.execute("select status, count(*) from claims group by status").fetchall():
        counts[status] = n
    return counts
