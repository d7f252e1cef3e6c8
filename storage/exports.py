"""Exports of claims with their provenance: CSV, JSON Lines, the labelled-claims format, and events.

Every export streams: claims are read a page at a time by id and written as
they come, so an archive of any size never sits in memory.

CSV and JSON Lines give per claim its article's every address (a syndicated
copy is another URL and outlet of one article), the coordinates of its places,
and whether it is the report its event is counted by (`event_counted`): summing
`count` over the rows with `event_counted` true counts each accepted return
once, with its best-supported figure (`storage.timeline`), not once per report.
The `events` format writes that directly: one JSON line per accepted event.

The labelled export writes docs/labelled-format.md documents, one per article a reviewer
has finished (`articles.reviewed_at` set): its `text`, `published`, `title`,
`url`, and as `claims` the accepted claims, those reviewers added included, with
the corrected values winning. Rejected claims are left out (an extractor finding
them is wrong); claims still pending are written with `optional: true` (an
extractor may find them or not without penalty), as are vague amounts
("hundreds"). `newsmon train --with` learns from such files.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from sqlite_utils import Database

from storage.claims import _CLAIM_SELECT, STATUSES, claim_date_range, claims_of_article, effective
from storage.events import coverage
from storage.timeline import counted_reports

FORMATS = ("csv", "jsonl", "labelled", "events")
LANGUAGES = ("en", "ko")  # the languages `newsmon train` builds models of

CSV_FIELDS = [
    "claim_id", "status", "count", "count_high", "qualifier", "vague", "who", "date", "date_end", "kind",
    "locations", "coordinates", "evidence", "start", "end", "confidence", "stale", "rule", "origin",
    "machine_count", "machine_qualifier", "machine_date", "machine_locations", "corrected_fields",
    "reviewer", "reviewed_at", "event_id", "event_outlets", "event_reports", "event_counted",
    "article_id", "url", "outlet", "urls", "outlets", "title", "published", "fetched_at", "extractor_version",
    "published_source",
]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class ExportError(Exception):
    pass


@dataclass(frozen=True)
class ExportFilter:
    """Which claims an export holds; every field optional.

    `since`/`until` (YYYY[-MM[-DD]]) compare with the claim's (corrected) date
    when its year is known, else the article's publication; `source` is an
    outlet that published the article (its own or a syndicated copy's);
    `event_id` one event.
    """

    status: str | None = None
    since: str | None = None
    until: str | None = None
    source: str | None = None
    event_id: int | None = None

    def check(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise ExportError(f"unknown status {self.status!r}: one of {', '.join(STATUSES)}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not _DATE.match(value):
                raise ExportError(f"--{name} {value!r}: a date YYYY, YYYY-MM or YYYY-MM-DD")

    def where(self) -> tuple[list[str], list[Any]]:
        """(clauses, parameters): constant SQL fragments over `claims` and `articles`, every value a "?"."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.status:
            clauses.append("claims.status = ?")
            params.append(self.status)
        if self.source:
            clauses.append("(articles.source = ? or claims.article_id in "
                           "(select article_id from article_urls where source = ?))")
            params += [self.source, self.source]
        if self.event_id is not None:
            clauses.append("claims.event_id = ?")
            params.append(self.event_id)
        date_clauses, date_params = claim_date_range(self.since, self.until)
        clauses += date_clauses
        params += date_params
        return clauses, params


def coordinates(locations: list[str]) -> list[dict[str, Any]]:
    """Each place the gazetteer knows, with its canonical name and coordinates (places it lacks are left out)."""
    from extract.claims.lexicon import load_lexicon

    lex = load_lexicon(None)
    out = []
    for name in locations or []:
        place = lex.place_for(name)
        if place is not None and place.lat is not None and place.lon is not None:
            out.append({"name": name, "place": place.name, "lat": place.lat, "lon": place.lon})
    return out


def claim_record(claim: dict[str, Any], event_outlets: int | None = None, *, event_reports: int | None = None,
                 event_counted: bool = False, urls: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One claim with its provenance, corrected values winning (the machine's values beside them)."""
    addresses = urls if urls is not None else [{"url": claim["url"], "outlet": claim["source"],
                                                "published": claim["published"]}]
    return {
        "claim_id": claim["id"],
        "status": claim["status"],
        "count": claim["count"],
        "count_high": claim.get("count_high"),
        "qualifier": claim["qualifier"],
        "vague": bool(claim.get("vague")),
        "who": claim["who"],
        "date": claim["date"] or None,
        "date_end": claim["date_end"],
        "kind": claim["kind"],
        "locations": claim["locations"],
        "coordinates": coordinates(claim["locations"]),
        "evidence": claim["evidence"],
        "start": claim["start"],
        "end": claim["end"],
        "confidence": claim["confidence"],
        "stale": bool(claim.get("stale")),
        "rule": claim.get("rule"),
        "origin": claim.get("origin") or "machine",
        "machine_count": claim["machine"]["count"],
        "machine_qualifier": claim["machine"]["qualifier"],
        "machine_date": claim["machine"]["date"],
        "machine_locations": claim["machine"]["locations"],
        "corrected_fields": claim["corrected_fields"],
        "reviewer": claim.get("reviewed_by"),
        "reviewed_at": claim.get("reviewed_at"),
        "event_id": claim["event_id"],
        "event_outlets": event_outlets,
        "event_reports": event_reports,
        "event_counted": event_counted,
        "article_id": claim["article_id"],
        "url": claim["url"],
        "outlet": claim["source"],
        "urls": addresses,
        "outlets": sorted({a["outlet"] for a in addresses}),
        "title": claim["title"],
        "published": claim["published"],
        "fetched_at": claim["fetched_at"],
        "extractor_version": claim["extractor_version"],
        "published_source": claim.get("published_source"),
    }


def _urls(db: Database, article_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every address of each article, first seen first, with its outlet and publication date."""
    if not article_ids:
        return {}
    marks = ",".join("?" for _ in article_ids)
    out: dict[int, list[dict[str, Any]]] = {}
    for article_id, url, source, published in db.execute(
            "select article_id, url, source, published from article_urls "  # noqa: S608 - "?" marks only
            f"where article_id in ({marks}) order by first_seen, rowid", list(article_ids)).fetchall():
        out.setdefault(article_id, []).append({"url": url, "outlet": source, "published": published})
    return out


def iter_filtered(db: Database, flt: ExportFilter, batch: int = 500) -> Iterator[list[dict[str, Any]]]:
    """The claims of the filter, with their article's provenance, a page at a time by id."""
    last = 0
    clauses, params = flt.where()
    while True:
        where = " where " + " and ".join(["claims.id > ?", *clauses])
        rows = list(db.query(_CLAIM_SELECT + where + " order by claims.id limit ?", [last, *params, batch]))
        if not rows:
            return
        yield [effective(r) for r in rows]
        last = rows[-1]["id"]


def _records(db: Database, flt: ExportFilter) -> Iterator[dict[str, Any]]:
    for page in iter_filtered(db, flt):
        event_ids = sorted({c["event_id"] for c in page if c["event_id"] is not None})
        covered = coverage(db, event_ids)
        counted = counted_reports(db, event_ids)
        urls = _urls(db, sorted({c["article_id"] for c in page}))
        for c in page:
            outlets, reports = covered.get(c["event_id"], (None, None))
            is_counted = c["status"] == "accepted" and (
                counted.get(c["event_id"]) == c["id"] if c["event_id"] is not None else True)
            yield claim_record(c, outlets, event_reports=reports, event_counted=is_counted,
                               urls=urls.get(c["article_id"]))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A scraped string that a spreadsheet would run as a formula ("=HYPERLINK(…)") is written with a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(db: Database, out: IO[str], flt: ExportFilter | None = None) -> int:
    """One row per claim. Text cells that start like a formula get a leading ' (spreadsheets open these files).

    Lists are joined: places and outlets by "; ", URLs by " ", coordinates as "place lat,lon; …".
    """
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    n = 0
    for record in _records(db, flt or ExportFilter()):
        for key in ("locations", "machine_locations", "outlets"):
            record[key] = "; ".join(record[key] or [])
        record["coordinates"] = "; ".join(f"{c['place']} {c['lat']},{c['lon']}" for c in record["coordinates"])
        record["urls"] = " ".join(u["url"] for u in record["urls"])
        record["corrected_fields"] = " ".join(record["corrected_fields"])
        for key in ("stale", "vague", "event_counted"):
            record[key] = int(record[key])
        writer.writerow({k: _cell(v) for k, v in record.items()})
        n += 1
    return n


def write_jsonl(db: Database, out: IO[str], flt: ExportFilter | None = None) -> int:
    return _write_lines(_records(db, flt or ExportFilter()), out)


def _write_lines(objects: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """One JSON object a line, streamed; returns how many were written."""
    n = 0
    for obj in objects:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        n += 1
    return n


def _corrected(claim: dict[str, Any], field: str) -> Any:
    """A field's corrected value when the schema has a column for it and a reviewer set it, else the machine's."""
    value = claim.get(f"corrected_{field}")
    return claim.get(field) if value is None else value


def _labelled_claim(claim: dict[str, Any]) -> dict[str, Any]:
    return {
        "count": claim["count"],
        "qualifier": claim["qualifier"],
        "who": _corrected(claim, "who"),
        "date": claim["date"] or None,
        "date_end": _corrected(claim, "date_end"),
        "kind": _corrected(claim, "kind") or "event",
        "locations": claim["locations"],
        "evidence": claim["evidence"],
        "optional": claim["status"] == "pending" or bool(claim.get("vague")),
        "claim_id": claim["id"],
        "status": claim["status"],
        "origin": claim.get("origin") or "machine",
        "reviewer": claim.get("reviewed_by"),
    }


def _language(claims: list[dict[str, Any]], page_language: str | None) -> str:
    """The language the claims were read in, else the page's (its "ko-KR" as "ko"), else English."""
    for value in [*(c.get("language") for c in claims), page_language]:
        code = (value or "")[:2].lower()
        if code in LANGUAGES:
            return code
    return "en"


def labelled_documents(db: Database, flt: ExportFilter | None = None) -> Iterator[dict[str, Any]]:
    """Labelled documents (docs/labelled-format.md) of the articles a reviewer has finished (of the filter's
    outlet and dates, if given).

    A finished article's labels are its accepted claims (added and corrected
    ones with the reviewer's values); its pending claims are optional.
    """
    flt = flt or ExportFilter()
    if flt.status == "pending":
        raise ExportError("the labelled format holds reviewed claims: use --status accepted or rejected")
    clauses = ["articles.reviewed_at is not null", "articles.id > ?"]
    params: list[Any] = []
    if flt.source:
        clauses.append("(articles.source = ? or articles.id in (select article_id from article_urls where source = ?))")
        params += [flt.source, flt.source]
    if flt.since:
        clauses.append("substr(articles.published, 1, 10) >= ?")
        params.append(flt.since)
    if flt.until:
        clauses.append("substr(articles.published, 1, length(?)) <= ?")
        params += [flt.until, flt.until]
    if flt.status or flt.event_id is not None:
        inner, inner_params = ExportFilter(status=flt.status, event_id=flt.event_id).where()
        inner_where = " and ".join(inner)
        clauses.append(f"articles.id in (select claims.article_id from claims where {inner_where})")  # noqa: S608 - constant clauses
        params += inner_params
    where = " and ".join(clauses)
    sql = f"select id, url, source, title, published, text, language from articles where {where} order by id limit 200"  # noqa: S608 - constant clauses, values as "?"
    last = 0
    while True:
        rows = db.execute(sql, [last, *params]).fetchall()
        if not rows:
            return
        for aid, url, source, title, published, text, language in rows:
            claims = [c for c in claims_of_article(db, aid) if c["status"] != "rejected"]
            events = sorted(c["event_id"] for c in claims if c["event_id"] is not None)
            yield {
                "id": f"article-{aid}",
                # Articles of one return share a story, so that training keeps them on one side of its folds.
                "story": f"event-{events[0]}" if events else f"article-{aid}",
                "lang": _language(claims, language),
                "url": url,
                "published": (published or "")[:10] or None,
                "title": title,
                "text": text or "",
                "claims": [_labelled_claim(c) for c in claims],
                "outlet": source,
            }
        last = rows[-1][0]


def write_labelled(db: Database, out: IO[str], flt: ExportFilter | None = None) -> int:
    return _write_lines(labelled_documents(db, flt), out)


def event_records(db: Database, flt: ExportFilter | None = None) -> Iterator[dict[str, Any]]:
    """One record per accepted event (each return once): its best-supported figure, outlets, reports and URLs.

    Filters: `since`/`until` by the event's (best-supported report's) date, else
    month; `source` an outlet among the event's (syndicated copies included);
    `event_id` one event. `status` does not apply (the events are the accepted ones).
    """
    from storage.timeline import accepted_events

    flt = flt or ExportFilter()
    for event in accepted_events(db):
        when = event["date"] if event["date"] and event["date"][:4].isdigit() else event["month"]
        if flt.event_id is not None and event["event_id"] != flt.event_id:
            continue
        if flt.since and (not when or when < flt.since[:len(when)]):
            continue
        if flt.until and (not when or when > flt.until[:len(when)]):
            continue
        if event["event_id"] is not None:
            claim_ids = [i for (i,) in db.execute("select id from claims where event_id = ? and status = 'accepted' "
                                                  "order by id", [event["event_id"]]).fetchall()]
        else:
            claim_ids = [event["claim_id"]]
        marks = ",".join("?" for _ in claim_ids)
        article_ids = [a for (a,) in db.execute(
            f"select distinct article_id from claims where id in ({marks}) order by article_id",  # noqa: S608 - "?" marks only
            claim_ids).fetchall()]
        addresses = [u for urls in _urls(db, article_ids).values() for u in urls]
        outlets = sorted({u["outlet"] for u in addresses})
        if flt.source and flt.source not in outlets:
            continue
        yield {**event, "outlets": outlets, "outlet_count": len(outlets), "independent_reports": len(article_ids),
               "claim_ids": claim_ids, "urls": addresses}


def export(db: Database, fmt: str, out: IO[str], status: str | None = None, *,
           flt: ExportFilter | None = None) -> int:
    """Write the export of `fmt` to `out`; return how many records (claims, or documents) were written."""
    flt = flt or ExportFilter(status=status)
    if status is not None and flt.status is None:
        flt = ExportFilter(status=status, since=flt.since, until=flt.until, source=flt.source, event_id=flt.event_id)
    flt.check()
    if fmt == "csv":
        return write_csv(db, out, flt)
    if fmt == "jsonl":
        return write_jsonl(db, out, flt)
    if fmt == "labelled":
        return write_labelled(db, out, flt)
    if fmt == "events":
        return _write_lines(event_records(db, flt), out)
    raise ExportError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
