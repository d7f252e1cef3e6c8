"""Accepted returns counted once each: one figure per event, whatever the number of reports.

An event gathers the claims of several articles (and outlets) about one
return. Summing every accepted claim would count that return once per report;
here each event with an accepted claim counts once, with its best-supported
figure: the (corrected) figure most of its accepted reports give, the figure of
the first report on a tie. A claim outside any event counts as an event of its
own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from sqlite_utils import Database

_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}")
_UNKNOWN_YEAR_MONTH = re.compile(r"^XXXX-\d{2}")
_YEAR = re.compile(r"^\d{4}$")


def claim_month(date: str | None, published: str | None) -> str | None:
    """The month ("YYYY-MM") a claim is drawn in, or a year ("YYYY") with no month to draw it in.

    The (corrected) date's month when it names one (an unknown year is taken
    from the publication); a year alone that is not the year of publication
    stays that year; else the article's month of publication.
    """
    d = date or ""
    if _YEAR_MONTH.match(d):
        return d[:7]
    if _UNKNOWN_YEAR_MONTH.match(d) and published:
        return published[:4] + d[4:7]
    if _YEAR.match(d) and (published or "")[:4] != d:
        return d
    return published[:7] if published else None


_ACCEPTED = """
select claims.id as claim_id, claims.event_id as event_id, claims.article_id as article_id,
       coalesce(claims.corrected_count, claims.count) as count,
       coalesce(claims.corrected_date, claims.date) as date,
       coalesce(claims.kind, 'event') as kind,
       claims.count_high as count_high, claims.vague as vague,
       articles.source as source, articles.published as published, articles.fetched_at as fetched_at
from claims join articles on articles.id = claims.article_id
where claims.status = 'accepted'
order by coalesce(articles.published, articles.fetched_at), claims.id
"""


def best_supported(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The report whose figure most reports of an event give (reports first-reported first; the first wins a tie)."""
    support = Counter(r["count"] for r in reports)
    top = max(support.values())
    return next(r for r in reports if support[r["count"]] == top)


def accepted_events(db: Database) -> list[dict[str, Any]]:
    """Every event with an accepted claim, once: its figure, month, first outlet and how many reports support it."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in db.query(_ACCEPTED):
        key = row["event_id"] if row["event_id"] is not None else ("claim", row["claim_id"])
        groups[key].append(row)
    events = []
    for key, reports in groups.items():
        best = best_supported(reports)
        events.append({
            "event_id": None if isinstance(key, tuple) else key,
            "claim_id": best["claim_id"],  # the report whose figure the event counts
            "count": best["count"],
            "count_high": best["count_high"],
            "vague": bool(best["vague"]),
            "kind": best["kind"],
            "date": best["date"],
            "month": claim_month(best["date"], best["published"]),
            "source": best["source"],
            "reports": len(reports),
            "supporting": sum(1 for r in reports if r["count"] == best["count"]),
        })
    events.sort(key=lambda e: (e["month"] or "", e["source"] or "", e["claim_id"]))
    return events


def accepted_per_month(db: Database) -> list[dict[str, Any]]:
    """Accepted returns per month and outlet: [{month, source, total, claims, cumulative, reports}], by month.

    Each accepted event counts once, in the month of its best-supported
    report, for the outlet of that report. `total` sums the figures of one-time
    returns (`kind` event) and `claims` counts those events; running totals
    (`cumulative`) are counted apart, since adding them up would count the same
    people twice; `reports` counts the accepted claims behind them.
    """
    cells: dict[tuple[Any, Any], dict[str, Any]] = {}
    for event in accepted_events(db):
        cell = cells.setdefault((event["month"], event["source"]), {
            "month": event["month"], "source": event["source"], "total": 0, "claims": 0, "cumulative": 0,
            "reports": 0})
        if event["kind"] == "cumulative":
            cell["cumulative"] += 1
        else:
            cell["total"] += event["count"]
            cell["claims"] += 1
        cell["reports"] += event["reports"]
    return sorted(cells.values(), key=lambda c: (c["month"] or "", c["source"] or ""))


def counted_reports(db: Database, event_ids: list[int]) -> dict[int, int]:
    """Per event (of those with an accepted claim): the id of the accepted claim its figure is counted by."""
    if not event_ids:
        return {}
    marks = ",".join("?" for _ in event_ids)
    sql = _ACCEPTED.replace("where claims.status = 'accepted'",
                            f"where claims.status = 'accepted' and claims.event_id in ({marks})")
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in db.query(sql, list(event_ids)):
        groups[row["event_id"]].append(row)
    return {event_id: best_supported(reports)["claim_id"] for event_id, reports in groups.items()}
