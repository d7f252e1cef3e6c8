"""The `crawl_runs` table: one row per outlet per run, and the health report built from it."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlite_utils import Database

COLUMNS = ("run_id", "source", "started_at", "finished_at", "requests", "new_articles", "errors", "status",
           "skipped", "message", "article_requests", "article_links")


# What `crawl_runs.skipped` counts (reason -> count), sorted in three kinds:
# - "failure": a request that failed (404, timeout, refused connection, robots.txt
#   unavailable), a feed or listing page that could not be read or was refused;
# - "note": something noticed while a page was kept anyway (its canonical link
#   ignored, a feed not modified, pagination stopped, no robots.txt);
# - "skip": an article link really left aside (already stored, off-site, denied,
#   over the cap, refused by robots.txt, not an HTML page, …).
DOCUMENT_KINDS = ("feed ", "sitemap ", "listing ", "robots ", "homepage ")
_NOTE = re.compile(r"^(canonical ignored\b|pagination stopped\b|off-site sitemap$|too many sitemaps$|off-site feed$|"
                   r"comments feed not followed$|robots http 4\d\d$)|not modified \(304\)$")
_FAILURE = re.compile(r"^(http \d{3}|timeout|connection refused|connection lost|host not found|error: |"
                      r"robots\.txt unavailable|malformed )")
REFUSED = "forbidden by robots.txt"


def reason_kind(reason: str) -> str:
    """"failure", "note" or "skip" for one key of `crawl_runs.skipped` (see above)."""
    if _NOTE.search(reason):
        return "note"
    if reason.startswith(DOCUMENT_KINDS) or _FAILURE.match(reason):
        return "failure"
    return "skip"


def skipped_links(skipped: dict[str, int] | str | None) -> int:
    """How many article links a run really left aside (notes and failed requests not counted)."""
    return sum(n for reason, n in _counts(skipped).items() if reason_kind(reason) == "skip")


def failure_reasons(skipped: dict[str, int] | str | None) -> dict[str, int]:
    """Why requests of a run failed or were refused (404, timeout, robots.txt, …), most frequent first."""
    counts = _counts(skipped)
    why = {r: n for r, n in counts.items() if reason_kind(r) == "failure" or r.endswith(REFUSED)}
    return dict(sorted(why.items(), key=lambda kv: (-kv[1], kv[0])))


def describe_reasons(reasons: dict[str, int], limit: int = 4) -> str:
    """"feed http 404 ×1, timeout ×3" (the first `limit`, then how many more)."""
    parts = [f"{reason} ×{n}" for reason, n in list(reasons.items())[:limit]]
    if len(reasons) > limit:
        parts.append(f"{len(reasons) - limit} more")
    return ", ".join(parts)


def _counts(skipped: dict[str, int] | str | None) -> dict[str, int]:
    if isinstance(skipped, str):
        try:
            skipped = json.loads(skipped)
        except ValueError:
            return {}
    if not isinstance(skipped, dict):
        return {}
    return {str(k): v for k, v in skipped.items() if isinstance(v, int) and not isinstance(v, bool)}


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
                              "new_articles": 0, "errors": 0, "skipped": 0, "reasons": {}, "warnings": []}
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
        skipped=sum(skipped_links(r["skipped"]) for r in runs),
        reasons=failure_reasons(last["skipped"]),  # of the last run
        last_new=next((r["finished_at"] for r in runs if r["new_articles"]), None),
    )
    why = f" ({describe_reasons(health['reasons'])})" if health["reasons"] else ""
    failing = streak(runs, lambda r: r["status"] == "failed")
    empty = streak(runs, lambda r: r["status"] == "empty")
    nothing_new = streak(runs, lambda r: not r["new_articles"])
    if failing >= streak_warn:
        health["warnings"].append(f"failing {failing} runs in a row: {last['message'] or 'no response'}{why}")
    elif last["status"] == "failed":
        health["warnings"].append(f"failed in the last run: {last['message'] or 'no response'}{why}")
    if empty >= streak_warn:
        health["warnings"].append(f"no article link found {empty} runs in a row: check the config "
                                  f"(`newsmon sources try {source}`)")
    if nothing_new >= streak_warn and failing < streak_warn and empty < streak_warn:
        health["warnings"].append(f"no new article {nothing_new} runs in a row")
    return health
