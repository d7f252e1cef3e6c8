"""The `claims` table: machine claims, their corrected values and their review status.

A claim row keeps the machine's values (`count`, `qualifier`, `date`,
`locations`, …) as the extractor found them; a reviewer's corrections go in
`corrected_*` columns beside them. The *effective* value of a field is the
corrected one when there is one, else the machine's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from storage.articles import utc_now
from storage.claim_rows import (  # re-exported
    _CLAIM_SELECT,
    EDITABLE as EDITABLE,
    NO_COUNT_HIGH as NO_COUNT_HIGH,
    effective,
    get_claim as get_claim,
)
from storage.db import row_id, write_transaction
from storage.events import assign_events, drop_empty_events

STATUSES = ("pending", "accepted", "rejected")

# Machine values a re-extraction may rewrite on a claim nobody has reviewed.
_MACHINE_FIELDS = ("count", "count_high", "qualifier", "who", "date", "date_end", "kind", "locations",
                   "evidence", "start", "end", "confidence", "vague", "other_evidence", "rule", "language")


def _machine_row(claim: dict[str, Any]) -> dict[str, Any]:
    return {
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
        "rule": claim.get("rule"),
        "language": claim.get("language"),
    }


def _is_reviewed(db: Database, row: dict[str, Any]) -> bool:
    """A claim is reviewed once it has a decision or any history: a machine never touches it again."""
    if row["status"] != "pending" or row.get("reviewed_by"):
        return True
    return db.execute("select 1 from reviews where claim_id = ? limit 1", [row["id"]]).fetchone() is not None


def _same_claim(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return old["count"] == new["count"] and (old["evidence"] or "") == (new["evidence"] or "")


def _overlapping(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Same figure at an overlapping place in the text (the sentence was re-cut by new rules)."""
    if old["count"] != new["count"] or old["start"] is None or new.get("start") is None:
        return False
    return old["start"] < new["end"] and new["start"] < old["end"]


@dataclass
class ReplaceResult:
    stored: int = 0  # claims now holding this extraction's values (inserted or updated)
    kept_reviewed: int = 0  # reviewed claims found again, left as they are
    flagged_stale: int = 0  # reviewed claims the new rules no longer find


def replace_machine_claims(db: Database, article_id: int, claims: Iterable[dict[str, Any]],
                           extractor_version: str) -> int:
    """Store a new extraction of one article; return how many machine claims it queued or refreshed.

    - An unreviewed claim found again keeps its id (and event) and takes the new values;
      an unreviewed claim not found again is deleted; a new one is inserted as pending.
    - A reviewed claim (decided, or with any review history) is never changed nor deleted:
      found again, it stays as it is (and loses a `stale` flag); not found again, it is
      flagged `stale`.
    """
    return replace_machine_claims_detailed(db, article_id, claims, extractor_version).stored


def replace_machine_claims_detailed(db: Database, article_id: int, claims: Iterable[dict[str, Any]],
                                    extractor_version: str) -> ReplaceResult:
    now = utc_now()
    result = ReplaceResult()
    new_claims = [dict(c) for c in claims]
    with write_transaction(db):
        # A claim a reviewer added is no machine's to refresh or flag; the machine's copy of it is not queued again.
        existing = list(db.query("select * from claims where article_id = ? and origin != 'reviewer' order by id",
                                 [article_id]))
        added = list(db.query("select * from claims where article_id = ? and origin = 'reviewer'", [article_id]))
        reviewed = [row for row in existing if _is_reviewed(db, row)]
        unreviewed = [row for row in existing if row not in reviewed]
        remaining = [c for c in new_claims if not any(_overlapping(row, c) for row in added)]

        # Reviewed claims first: found again (same figure and evidence, else overlapping), they stay.
        for row in reviewed:
            match = next((c for c in remaining if _same_claim(row, c)), None) \
                or next((c for c in remaining if _overlapping(row, c)), None)
            if match is not None:
                remaining.remove(match)
                result.kept_reviewed += 1
                if row["stale"]:
                    db.execute("update claims set stale = 0, stale_since = null where id = ?", [row["id"]])
            elif not row["stale"]:
                db.execute("update claims set stale = 1, stale_since = ? where id = ?", [now, row["id"]])
                result.flagged_stale += 1

        # Unreviewed claims: refreshed in place when found again, else deleted.
        to_assign: list[int] = []
        old_events: set[int] = set()
        for row in unreviewed:
            match = next((c for c in remaining if _same_claim(row, c)), None) \
                or next((c for c in remaining if _overlapping(row, c)), None)
            if match is None:
                if row["event_id"] is not None:
                    old_events.add(row["event_id"])
                db.execute("delete from claims where id = ?", [row["id"]])
                continue
            remaining.remove(match)
            values = {**_machine_row(match), "extractor_version": extractor_version}
            regroup = values["count"] != row["count"] and not row["event_locked"]
            if regroup:
                if row["event_id"] is not None:
                    old_events.add(row["event_id"])
                values["event_id"] = None
                to_assign.append(row["id"])
            elif row["event_id"] is None:
                to_assign.append(row["id"])
            db.table("claims").update(row["id"], values)
            result.stored += 1

        for claim in remaining:
            row = {"article_id": article_id, **_machine_row(claim), "status": "pending",
                   "extractor_version": extractor_version, "created_at": now}
            to_assign.append(row_id("claims", db.table("claims").insert(row).last_pk))
            result.stored += 1

        assign_events(db, to_assign)
        drop_empty_events(db, old_events)
    return result


def count_by_status(db: Database) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in db.execute("select status, count(*) from claims group by status").fetchall():
        counts[status] = n
    return counts


# --- reading claims (one row: storage.claim_rows) ---------------------

def get_article(db: Database, article_id: int) -> dict[str, Any] | None:
    rows = list(db.query(
        "select id, url, source, title, author, published, fetched_at, text, language from articles where id = ?",
        [article_id]))
    return rows[0] if rows else None


def claims_of_article(db: Database, article_id: int) -> list[dict[str, Any]]:
    rows = db.query(_CLAIM_SELECT + " where claims.article_id = ? order by claims.start, claims.id", [article_id])
    return [effective(r) for r in rows]


def sources(db: Database) -> list[str]:
    """Outlets that have at least one claim."""
    return [s for (s,) in db.execute(
        "select distinct articles.source from claims join articles on articles.id = claims.article_id "
        "order by articles.source").fetchall()]


# --- the queue ------------------------------------------------------------

# The date a claim is filtered by: its (corrected) date when the year is known, else the article's.
_CLAIM_WHEN = ("(case when coalesce(claims.corrected_date, claims.date) glob '[0-9][0-9][0-9][0-9]*' "
               "then coalesce(claims.corrected_date, claims.date) else substr(articles.published, 1, 10) end)")


def claim_date_range(since: str | None, until: str | None) -> tuple[list[str], list[Any]]:
    """(clauses, parameters) keeping claims dated within [since, until] (YYYY[-MM[-DD]], either may be
    None), compared at the precision of the claim's date; constant SQL over `claims` joined to `articles`."""
    clauses: list[str] = []
    params: list[Any] = []
    if since:
        clauses.append(f"{_CLAIM_WHEN} >= substr(?, 1, length({_CLAIM_WHEN}))")
        params.append(since)
    if until:
        clauses.append(f"{_CLAIM_WHEN} <= substr(?, 1, length({_CLAIM_WHEN}))")
        params.append(until)
    return clauses, params


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: every field optional; `status` "all" (or None) means any status."""

    status: str | None = "pending"
    source: str | None = None
    date_from: str | None = None  # YYYY[-MM[-DD]], compared with the claim's date (else the article's)
    date_to: str | None = None
    q: str | None = None  # full-text search over the articles' titles and texts

    def where(self) -> tuple[str, list[Any]]:
        """(" where ..." clause, its parameters): the clause is made of constant fragments, every value a "?"."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.status and self.status != "all":
            clauses.append("claims.status = ?")
            params.append(self.status)
        if self.source:
            clauses.append("articles.source = ?")
            params.append(self.source)
        date_clauses, date_params = claim_date_range(self.date_from, self.date_to)
        clauses += date_clauses
        params += date_params
        if self.q:
            from storage.search import fts_query

            clauses.append("claims.article_id in (select rowid from articles_fts where articles_fts match ?)")
            params.append(fts_query(self.q))
        return (" where " + " and ".join(clauses)) if clauses else "", params


def list_queue(db: Database, flt: QueueFilter, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Claims matching the filter, oldest first (the order the queue is worked in)."""
    where, params = flt.where()
    rows = db.query(_CLAIM_SELECT + where + " order by claims.id limit ? offset ?", [*params, limit, offset])
    return [effective(r) for r in rows]


def count_queue(db: Database, flt: QueueFilter) -> int:
    where, params = flt.where()
    tables = "claims join articles on articles.id = claims.article_id"
    return db.execute(f"select count(*) from {tables}{where}", params).fetchone()[0]  # noqa: S608 - see where()


def neighbour(db: Database, flt: QueueFilter, claim_id: int, direction: int) -> int | None:
    """The id of the next (direction 1) or previous (-1) claim of the filter after `claim_id`."""
    where, params = flt.where()
    op, order = (">", "asc") if direction > 0 else ("<", "desc")
    glue = " and " if where else " where "
    tables = "claims join articles on articles.id = claims.article_id"
    row = db.execute(
        f"select claims.id from {tables}{where}{glue}claims.id {op} ? "  # noqa: S608 - where(), op, order: constants
        f"order by claims.id {order} limit 1",
        [*params, claim_id]).fetchone()
    return row[0] if row else None


def first_in_queue(db: Database, flt: QueueFilter) -> int | None:
    return neighbour(db, flt, 0, 1)


def iter_claims(db: Database, *, status: str | None = None, batch: int = 500) -> Iterator[dict[str, Any]]:
    """Every claim (optionally of one status), with its article's provenance, paged by id."""
    last = 0
    while True:
        clauses: list[str] = ["claims.id > ?"]
        params: list[Any] = [last]
        if status:
            clauses.append("claims.status = ?")
            params.append(status)
        rows = list(db.query(_CLAIM_SELECT + " where " + " and ".join(clauses) + " order by claims.id limit ?",
                             [*params, batch]))
        if not rows:
            return
        for row in rows:
            yield effective(row)
        last = rows[-1]["id"]


# --- the timeline -----------------------------------------------------------

def accepted_per_month(db: Database) -> list[dict[str, Any]]:
    """Accepted returns per month and outlet, each event counted once (see `storage.timeline`)."""
    from storage.timeline import accepted_per_month as per_month

    return per_month(db)
