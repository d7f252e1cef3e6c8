"""`newsmon run --redis URL`: queue the due outlets on the Redis frontier, store what the workers hand back.

This process is the single writer: workers (`newsmon worker --redis URL`, on
this machine or others) crawl and clean; the pages, the crawl_runs rows and
the feeds' validators are written here, into the one database; then claims
are read from the new articles here too, as after a single-machine crawl.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from crawler.extraction import ExtractionPool
from crawler.redis_frontier import connect
from crawler.redis_writer import write_results
from crawler.runner import SourceResult
from crawler.settings import CrawlSettingsError, crawl_options as checked_crawl_options
from crawler.sources import SourceConfig
from newsmon.interrupt import StopRequest
from newsmon.jobs import (
    Echo,
    ExtractSummary,
    JobError,
    _claim_count,
    _record_runs,
    check_db_writable,
    extract_stored,
    outlet_line,
)
from storage.articles import known_urls
from storage.db import StorageError, open_db
from storage.feeds import feed_validators


def outlet_jobs(sources: Sequence[SourceConfig], db_path: Path, crawl: dict, max_articles: int | None) -> list[dict]:
    """One frontier job per outlet: its config, its feeds' validators, the run's crawl settings."""
    db = open_db(db_path)
    try:
        return [{"outlet": s.model_dump(mode="json"), "crawl": crawl, "max_articles": max_articles,
                 "validators": {url: h for url in [*s.feeds, *s.sitemaps] if (h := feed_validators(db, url))}}
                for s in sources]
    finally:
        db.close()


def run_distributed(sources: Sequence[SourceConfig], db_path: Path, config_dir: Path, crawl: dict, redis_url: str, *,
                    max_articles: int | None = None, with_claims: bool = True, echo: Echo = print,
                    stop: StopRequest | None = None) -> tuple[list[SourceResult], ExtractSummary]:
    """Queue `sources`, write the workers' results until every outlet is done, then read the new claims."""
    if not sources:
        raise JobError("no valid outlet to crawl")
    try:
        crawl = checked_crawl_options(crawl)
    except CrawlSettingsError as exc:
        raise JobError(str(exc)) from None
    check_db_writable(db_path)
    claims_before = _claim_count(db_path)
    frontier = connect(redis_url)
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    db = open_db(db_path)
    try:
        stored = known_urls(db)
    finally:
        db.close()
    queued = frontier.start_run(run_id, outlet_jobs(sources, db_path, crawl, max_articles), stored)
    echo(f"queued {queued} outlet(s) on {redis_url}: start `newsmon worker --redis URL` on each crawl machine")
    stopped = (lambda: stop.requested) if stop is not None else (lambda: False)
    try:
        done = write_results(frontier, str(db_path), run_id, [s.name for s in sources], echo=echo, stopped=stopped)
    except BaseException:
        frontier.clear()  # the database takes no more writes: the workers stop taking outlets
        raise
    finally:
        frontier.end_run()
    results = [done.get(s.name) or _left(s, stop) for s in sources]
    if stop is not None and stop.requested:
        frontier.clear()  # the workers stop taking outlets; what was not crawled is left for the next run
    not_recorded = _record_runs(db_path, run_id, results)
    for r in results:
        echo(outlet_line(r))
        for article_id, url, error in r.extract_failures:
            echo(f"extract error: article {article_id} ({url}): {error}")
    if not_recorded is not None:
        raise StorageError(f"{not_recorded}; every fetched article was stored, but this run's crawl_runs rows "
                           f"were not written")
    summary = ExtractSummary()
    if with_claims and not (stop is not None and stop.requested):
        failed = {article_id for r in results for article_id, _url, _error in r.extract_failures}
        with ExtractionPool(config_dir) as pool:
            summary = extract_stored(db_path, config_dir, echo=echo, pool=pool, exclude=failed, stop=stop)
            summary.restarts = pool.restarts
    summary.claims = _claim_count(db_path) - claims_before
    return results, summary


def _left(source: SourceConfig, stop: StopRequest | None) -> SourceResult:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    reason = f"interrupted by {stop.name}" if stop is not None and stop.requested else "not crawled"
    return SourceResult(source=source.name, started_at=now, finished_at=now, status="interrupted",
                        message=f"{reason}: left for the next run")
