"""Events: claims about the same return, reported by several articles and outlets.

Two claims belong to one event when they give the same figure, their dates are
compatible (the periods they name overlap, with a little slack), and their
places (by their canonical names in the gazetteer, whatever the language) and people
do not contradict each other (they overlap, or one side names none). An event holds at
most one claim per article. Every claim has an event, alone in it until another report
joins.

A reviewer can split claims out of an event and merge events; such claims are
`event_locked` so that no automatic grouping moves them again.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from storage.articles import utc_now
from storage.db import row_id

SLACK = timedelta(days=15)  # reports of one return rarely agree on its exact day
MIN_COUNT_WITHOUT_PLACE = 10  # small figures ("2 defectors") group only when they share a place
_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2}))?(?:-(\d{2}))?")
_STOP = {"people", "persons", "individuals", "refugees", "defectors", "nationals", "citizens", "who", "had",
         "the", "of", "from", "and", "a", "an", "escaped", "migrants", "women", "men", "children", "some"}


def _period(value: str | None, published: str | None) -> tuple[date, date] | None:
    """The span of days a (partial) claim date names; an unknown year comes from `published`."""
    if not value:
        return None
    m = _DATE.match(value)
    if not m:
        return None
    year_s, month_s, day_s = m.groups()
    if year_s == "XXXX":
        if not published or not published[:4].isdigit():
            return None
        year = int(published[:4])
    else:
        year = int(year_s)
    try:
        if month_s is None:
            return date(year, 1, 1), date(year, 12, 31)
        month = int(month_s)
        if day_s is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date(year, month, int(day_s))
        return day, day
    except ValueError:
        return None


def dates_compatible(a: str | None, a_published: str | None, b: str | None, b_published: str | None) -> bool:
    pa, pb = _period(a, a_published), _period(b, b_published)
    if pa is None or pb is None:
        # No usable date on one side: the reports must at least be close in time.
        ya, yb = (a_published or "")[:10], (b_published or "")[:10]
        try:
            da, db_ = date.fromisoformat(ya), date.fromisoformat(yb)
        except ValueError:
            return True
        return abs((da - db_).days) <= 120
    return pa[0] - SLACK <= pb[1] and pb[0] - SLACK <= pa[1]


def _place(name: str) -> str:
    """A location's canonical name through the gazetteer (지린성, Jilin province -> jilin), so that
    reports in two languages compare; a name the gazetteer lacks compares as written."""
    from extract.claims.lexicon import load_lexicon

    name = re.sub(r"[\d\*†‡]+$", "", name.strip().lower())
    name = re.sub(r"\s+province$", "", name).strip()
    place = load_lexicon(None).place_for(name)
    return place.name.lower() if place else name


def _people(who: str | None) -> set[str]:
    words = re.findall(r"[a-z]+", (who or "").lower())
    return {w.rstrip("s") for w in words if w not in _STOP}


def same_return(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two claims (effective values, with their article's `published`) report one return."""
    if a["count"] != b["count"] or a["article_id"] == b["article_id"]:
        return False
    if not dates_compatible(a.get("date"), a.get("published"), b.get("date"), b.get("published")):
        return False
    la = {_place(x) for x in a.get("locations") or []}
    lb = {_place(x) for x in b.get("locations") or []}
    if la and lb and not la & lb:
        return False
    pa, pb = _people(a.get("who")), _people(b.get("who"))
    if pa and pb and not pa & pb:
        return False
    if a["count"] < MIN_COUNT_WITHOUT_PLACE and not (la & lb):
        return False
    return True


def _claim(db: Database, claim_id: int) -> dict[str, Any] | None:
    from storage.claims import get_claim

    return get_claim(db, claim_id)


def _new_event(db: Database, *, manual: bool = False) -> int:
    now = utc_now()
    return row_id("events", db.table("events").insert({"created_at": now, "updated_at": now,
                                                         "manual": int(manual)}).last_pk)


def assign_events(db: Database, claim_ids: list[int]) -> None:
    """Put each claim (without an event) into the event of the same return, or a new event of its own."""
    from storage.claims import _CLAIM_SELECT, effective

    for claim_id in claim_ids:
        claim = _claim(db, claim_id)
        if claim is None or claim["event_id"] is not None:
            continue
        candidates = [effective(r) for r in db.query(
            _CLAIM_SELECT + " where coalesce(claims.corrected_count, claims.count) = ? and claims.event_id is not null"
            " and claims.article_id != ? and claims.status != 'rejected' order by claims.id",
            [claim["count"], claim["article_id"]])]
        best: int | None = None
        for other in candidates:
            if not same_return(claim, other):
                continue
            taken = db.execute("select 1 from claims where event_id = ? and article_id = ? limit 1",
                               [other["event_id"], claim["article_id"]]).fetchone()
            if taken:
                continue
            best = other["event_id"]
            break
        event_id = best if best is not None else _new_event(db)
        db.execute("update claims set event_id = ? where id = ?", [event_id, claim_id])
        db.execute("update events set updated_at = ? where id = ?", [utc_now(), event_id])


def drop_empty_events(db: Database, event_ids) -> None:
    for event_id in event_ids:
        if db.execute("select 1 from claims where event_id = ? limit 1", [event_id]).fetchone() is None:
            db.execute("delete from events where id = ?", [event_id])


def regroup_all(db: Database) -> None:
    """Recompute every automatic grouping (claims a reviewer placed stay where they are)."""
    from storage.db import write_transaction

    with write_transaction(db):
        db.execute("update claims set event_id = null where event_locked = 0")
        db.execute("delete from events where id not in (select event_id from claims where event_id is not null)")
        ids = [i for (i,) in db.execute("select id from claims where event_id is null order by id").fetchall()]
        assign_events(db, ids)


def event_reports(db: Database, event_id: int) -> list[dict[str, Any]]:
    """The claims of an event, first reported first (by the article's publication, else fetch, date)."""
    from storage.claims import _CLAIM_SELECT, effective

    return [effective(r) for r in db.query(
        _CLAIM_SELECT + " where claims.event_id = ?"
        " order by coalesce(articles.published, articles.fetched_at), articles.fetched_at, claims.id",
        [event_id])]


def get_event(db: Database, event_id: int) -> dict[str, Any] | None:
    row = db.execute("select id, created_at, manual from events where id = ?", [event_id]).fetchone()
    if row is None:
        return None
    reports = event_reports(db, event_id)
    outlets = event_outlets(db, event_id)
    independent = len({r["article_id"] for r in reports})
    return {
        "id": row[0], "created_at": row[1], "manual": bool(row[2]),
        "reports": reports,
        "claims": len(reports),
        "outlets": outlets,
        "outlet_count": len(outlets),
        "independent_reports": independent,
        "summary": coverage_summary(len(outlets), independent),
        "first_report": reports[0] if reports else None,
        "statuses": {s: sum(1 for r in reports if r["status"] == s) for s in ("pending", "accepted", "rejected")},
    }


def coverage_summary(outlets: int, independent: int) -> str:
    """ "3 outlets, 2 independent reports": syndicated copies add outlets, not reports."""
    return (f"{outlets} outlet{'' if outlets == 1 else 's'}, "
            f"{independent} independent report{'' if independent == 1 else 's'}")


def event_outlets(db: Database, event_id: int) -> list[str]:
    """Every outlet that published a report of the event: the articles' own, and those of their syndicated copies."""
    return [s for (s,) in db.execute(
        "select source from articles where id in (select article_id from claims where event_id = ?) union "
        "select source from article_urls where article_id in (select article_id from claims where event_id = ?) "
        "order by 1", [event_id, event_id]).fetchall()]


def outlet_counts(db: Database, event_ids: list[int]) -> dict[int, int]:
    """How many outlets report each of these events (syndicated copies included)."""
    return {e: n for e, (n, _independent) in coverage(db, event_ids).items()}


def coverage(db: Database, event_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per event: (outlets, independent reports). A syndicated copy is another outlet of the same report."""
    if not event_ids:
        return {}
    marks = ",".join("?" for _ in event_ids)
    sql = ("select c.event_id, count(distinct o.source), count(distinct c.article_id) "  # noqa: S608 - "?" marks only
           "from claims c join (select id as article_id, source from articles "
           "union select article_id, source from article_urls) o on o.article_id = c.article_id "
           f"where c.event_id in ({marks}) group by c.event_id")
    return {e: (n, m) for e, n, m in db.execute(sql, list(event_ids)).fetchall()}


def move_claims(db: Database, claim_ids: list[int], event_id: int) -> None:
    """Place claims in an event by a reviewer's hand (they are locked there). Used by split and merge."""
    for claim_id in claim_ids:
        db.execute("update claims set event_id = ?, event_locked = 1 where id = ?", [event_id, claim_id])
    db.execute("update events set updated_at = ?, manual = 1 where id = ?", [utc_now(), event_id])


def event_state(db: Database, claim_id: int) -> dict[str, Any]:
    row = db.execute("select event_id, event_locked from claims where id = ?", [claim_id]).fetchone()
    return {"event_id": row[0], "event_locked": row[1]}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def merge_candidates(db: Database, event_id: int, count: int, limit: int = 5) -> list[dict[str, Any]]:
    """Other events with the same figure, for a reviewer who judges them the same return: newest first."""
    rows = db.execute(
        "select claims.event_id, count(distinct articles.source),"
        " min(coalesce(articles.published, articles.fetched_at)),"
        " group_concat(distinct articles.source), max(coalesce(claims.corrected_date, claims.date))"
        " from claims join articles on articles.id = claims.article_id"
        " where coalesce(claims.corrected_count, claims.count) = ? and claims.event_id is not null"
        " and claims.event_id != ? group by claims.event_id order by claims.event_id desc limit ?",
        [count, event_id, limit]).fetchall()
    return [{"id": e, "outlet_count": n, "first_published": (first or "")[:10],
             "outlets": sorted((outlets or "").split(",")), "date": date} for e, n, first, outlets, date in rows]
