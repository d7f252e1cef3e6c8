"""The `crawl_runs` table: one row per outlet per run, and the health report built from it."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

COLUMNS = ("run_id", "source", "started_at", "finished_at", "requests", "new_articles", "errors", "status",
           "skipped", "message", "article_requests", "article_links")


def record_run(db: Database, row: dict[str, Any]) -> None:
    values = {k: v for k, v in row.items() if k in COLUMNS}
    if isinstance(values.get("skipped"), dict):
        values["skipped"] = json.dumps(values["skipped"], sort_keys=True)
    db.table("crawl_runs").insert(values)


def recent_runs(db: Database, source: str, limit: int = 5) -> list[dict]:
    """The last `limit` runs of one outlet, newest first."""
    return list(db.query(
        "select * from crawl_runs where source = ? order by started_at desc, id desc limit ?",
        [source, limit],
    ))


def sources_with_runs(db: Database) -> list[str]:
    return [row[0] for row in db.execute("select distinct source from crawl_runs order by source").fetchall()]


def streak(runs: list[dict], predicate) -> int:
    """How many of the newest `runs` in a row satisfy `predicate`."""
    n = 0
    for run in runs:
        if not predicate(run):
            break
        n += 1
    return n


def source_health(db: Database, source: str, *, window: int = 10, streak_warn: int = 3) -> dict[str, Any]:
    """One outlet's health over its last `window` runs, with warnings for bad streaks."""
    runs = recent_runs(db, source, window)
    health: dict[str, Any] = {"source": source, "runs": len(runs), "last_run": None, "last_status": None,
                              "new_articles": 0, "errors": 0, "warnings": []}
    if not runs:
        health["warnings"].append("never crawled")
        return health
    last = runs[0]
    health.update(
        last_run=last["finished_at"] or last["started_at"],
        last_status=last["status"],
        last_message=last["message"] or "",
        new_articles=sum(r["new_articles"] or 0 for r in runs),
        errors=sum(r["errors"] or 0 for r in runs),
        last_new=next((r["finished_at"] for r in runs if r["new_articles"]), None),
    )
    failing = streak(runs, lambda r: r["status"] == "failed")
    empty = streak(runs, lambda r: r["status"] == "empty")
    nothing_new = streak(runs, lambda r: not r["new_articles"])
    if failing >= streak_warn:
        health["warnings"].append(f"failing {failing} runs in a row: {last['message'] or 'no response'}")
    elif last["status"] == "failed":
        health["warnings"].append(f"failed in the last run: {last['message'] or 'no response'}")
    if empty >= streak_warn:
        health["warnings"].append(f"no article link found {empty} runs in a row: check the config "
                                  f"(`newsmon sources try {source}`)")
    if nothing_new >= streak_warn and failing < streak_warn and empty < streak_warn:
        health["warnings"].append(f"no new article {nothing_new} runs in a row")
    return health
