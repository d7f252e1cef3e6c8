"""Exports of claims with their provenance: CSV, JSON Lines, and the labelled-claims format.

Every export streams: claims are read a page at a time by id and written as
they come, so an archive of any size never sits in memory.

The labelled export writes docs/labelled-format.md documents, one per article that has
at least one reviewed claim: its `text`, `published`, `title`, `url`, and as
`claims` the accepted claims with the corrected values winning. Rejected claims
are left out (an extractor finding them is wrong); claims still pending are
written with `optional: true` (an extractor may find them or not without
penalty), as are vague amounts ("hundreds").
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from sqlite_utils import Database

from storage.claims import STATUSES, claims_of_article, iter_claims
from storage.events import outlet_counts

FORMATS = ("csv", "jsonl", "labelled")

CSV_FIELDS = [
    "claim_id", "status", "count", "qualifier", "who", "date", "date_end", "kind", "locations",
    "evidence", "start", "end", "confidence", "stale",
    "machine_count", "machine_qualifier", "machine_date", "machine_locations", "corrected_fields",
    "reviewer", "reviewed_at", "event_id", "event_outlets",
    "article_id", "url", "outlet", "title", "published", "fetched_at", "extractor_version",
    "published_source",
]


class ExportError(Exception):
    pass


def claim_record(claim: dict[str, Any], event_outlets: int | None = None) -> dict[str, Any]:
    """One claim with its provenance, corrected values winning (the machine's values beside them)."""
    return {
        "claim_id": claim["id"],
        "status": claim["status"],
        "count": claim["count"],
        "qualifier": claim["qualifier"],
        "who": claim["who"],
        "date": claim["date"] or None,
        "date_end": claim["date_end"],
        "kind": claim["kind"],
        "locations": claim["locations"],
        "evidence": claim["evidence"],
        "start": claim["start"],
        "end": claim["end"],
        "confidence": claim["confidence"],
        "stale": bool(claim.get("stale")),
        "machine_count": claim["machine"]["count"],
        "machine_qualifier": claim["machine"]["qualifier"],
        "machine_date": claim["machine"]["date"],
        "machine_locations": claim["machine"]["locations"],
        "corrected_fields": claim["corrected_fields"],
        "reviewer": claim.get("reviewed_by"),
        "reviewed_at": claim.get("reviewed_at"),
        "event_id": claim["event_id"],
        "event_outlets": event_outlets,
        "article_id": claim["article_id"],
        "url": claim["url"],
        "outlet": claim["source"],
        "title": claim["title"],
        "published": claim["published"],
        "fetched_at": claim["fetched_at"],
        "extractor_version": claim["extractor_version"],
        "published_source": claim.get("published_source"),
    }


def _records(db: Database, status: str | None) -> Iterator[dict[str, Any]]:
    page: list[dict[str, Any]] = []

    def flush():
        counts = outlet_counts(db, sorted({c["event_id"] for c in page if c["event_id"] is not None}))
        for c in page:
            yield claim_record(c, counts.get(c["event_id"]))

    for claim in iter_claims(db, status=status):
        page.append(claim)
        if len(page) >= 500:
            yield from flush()
            page = []
    yield from flush()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A scraped string that a spreadsheet would run as a formula ("=HYPERLINK(…)") is written with a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(db: Database, out: IO[str], status: str | None = None) -> int:
    """One row per claim. Text cells that start like a formula get a leading ' (spreadsheets open these files)."""
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    n = 0
    for record in _records(db, status):
        for key in ("locations", "machine_locations"):
            record[key] = "; ".join(record[key] or [])
        record["corrected_fields"] = " ".join(record["corrected_fields"])
        record["stale"] = int(record["stale"])
        writer.writerow({k: _cell(v) for k, v in record.items()})
        n += 1
    return n


def write_jsonl(db: Database, out: IO[str], status: str | None = None) -> int:
    return _write_lines(_records(db, status), out)


def _write_lines(objects: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """One JSON object a line, streamed; returns how many were written."""
    n = 0
    for obj in objects:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        n += 1
    return n


def _labelled_claim(claim: dict[str, Any]) -> dict[str, Any]:
    return {
        "count": claim["count"],
        "qualifier": claim["qualifier"],
        "who": claim["who"],
        "date": claim["date"] or None,
        "date_end": claim["date_end"],
        "kind": claim["kind"] or "event",
        "locations": claim["locations"],
        "evidence": claim["evidence"],
        "optional": claim["status"] == "pending" or bool(claim.get("vague")),
        "claim_id": claim["id"],
        "status": claim["status"],
        "reviewer": claim.get("reviewed_by"),
    }


def labelled_documents(db: Database, status: str | None = None) -> Iterator[dict[str, Any]]:
    """docs/labelled-format.md documents for articles with a reviewed claim (with a claim of `status`, if given)."""
    if status == "pending":
        raise ExportError("the labelled format holds reviewed claims: use --status accepted or rejected")
    wanted = (status,) if status else ("accepted", "rejected")
    marks = ",".join("?" for _ in wanted)
    last = 0
    while True:
        ids = [i for (i,) in db.execute(
            "select distinct article_id from claims "  # noqa: S608 - joins "?" marks only
            f"where status in ({marks}) and article_id > ? order by article_id limit 200", [*wanted, last]).fetchall()]
        if not ids:
            return
        for article_id in ids:
            article = db.execute("select id, url, source, title, published, text from articles where id = ?",
                                 [article_id]).fetchone()
            aid, url, source, title, published, text = article
            claims = [c for c in claims_of_article(db, article_id) if c["status"] != "rejected"]
            yield {
                "id": f"article-{aid}",
                "url": url,
                "published": (published or "")[:10] or None,
                "title": title,
                "text": text or "",
                "claims": [_labelled_claim(c) for c in claims],
                "outlet": source,
            }
        last = ids[-1]


def write_labelled(db: Database, out: IO[str], status: str | None = None) -> int:
    return _write_lines(labelled_documents(db, status), out)


def export(db: Database, fmt: str, out: IO[str], status: str | None = None) -> int:
    """Write the export of `fmt` to `out`; return how many records (claims, or documents) were written."""
    if status is not None and status not in STATUSES:
        raise ExportError(f"unknown status {status!r}: one of {', '.join(STATUSES)}")
    if fmt == "csv":
        return write_csv(db, out, status)
    if fmt == "jsonl":
        return write_jsonl(db, out, status)
    if fmt == "labelled":
        return write_labelled(db, out, status)
    raise ExportError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
