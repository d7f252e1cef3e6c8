"""The main job and its stages: crawl outlets, then extract claims from new articles."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler.sources import SourceConfig, load_sources
from newsmon.interrupt import StopRequest
from newsmon.workers import ExtractionPool, PageJob, process_pages
from storage.articles import articles_to_extract, decompress_html
from storage.claims import count_by_status
from storage.db import StorageError, check_writable, open_db, write_transaction
from storage.pages import save_results
from storage.runs import record_run

Echo = Callable[[str], None]


class JobError(Exception):
    """Nothing could run (no valid outlet, unusable database): the message is one line."""


def select_sources(config_dir: Path, names: Sequence[str] = (), *, demo: bool = False,
                   echo: Echo = print) -> list[SourceConfig]:
    """The enabled outlets to crawl (demo outlets only under `demo`); config errors are printed, not fatal."""
    loaded = load_sources(config_dir)
    for error in loaded.errors:
        echo(f"config error: {error}")
    sources = [s for s in loaded.sources if s.demo == demo and (s.enabled or names)]
    if names:
        unknown = set(names) - {s.name for s in loaded.sources}
        for name in sorted(unknown):
            echo(f"config error: no outlet named {name!r} in {config_dir / 'sources'}")
        sources = [s for s in loaded.sources if s.name in names and s.demo == demo]
        for s in loaded.sources:
            if s.name in names and s.demo != demo:
                echo(f"config error: {s.name!r} is a demo outlet: `newsmon demo` crawls it" if s.demo
                     else f"config error: {s.name!r} is not a demo outlet")
    return sources


def crawl(sources: Sequence[SourceConfig], db_path: Path, crawl_options: dict, *, max_articles: int | None = None,
          echo: Echo = print, progress=None, pool: ExtractionPool | None = None, with_claims: bool = False,
          writable_checked: bool = False, stop: StopRequest | None = None) -> list:
    """Crawl `sources`, record one `crawl_runs` row per outlet and print a line per outlet.

    `progress`: a stream for progress while crawling (see `crawler.runner.Progress`).
    `pool` cleans each fetched page in worker processes (and with `with_claims`
    extracts its claims) while the crawl goes on. A signal that stops the
    crawl is noted in `stop`; nothing is crawled when it was already asked for.
    """
    from crawler.runner import run_crawl
    from crawler.settings import CrawlSettingsError

    if not sources:
        raise JobError("no valid outlet to crawl")
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    if stop is not None and stop.requested:
        return []
    if not writable_checked:
        check_db_writable(db_path)
    try:
        results = run_crawl(sources, str(db_path), crawl_options, max_articles=max_articles, progress=progress,
                            extraction_pool=pool, extract_claims=with_claims,
                            on_signal=stop.note if stop is not None else None)
    except CrawlSettingsError as exc:
        raise JobError(str(exc)) from None
    not_recorded = _record_runs(db_path, run_id, results)
    for r in results:
        echo(outlet_line(r))
        for article_id, url, error in r.extract_failures:
            echo(f"extract error: article {article_id} ({url}): {error}")
    fault = next((r.storage_error for r in results if r.storage_error is not None), None)
    if fault is not None:
        lost = sum(r.not_stored for r in results)
        unrecorded = "; this run's crawl_runs rows not written" if not_recorded else ""
        raise StorageError(f"{fault}; the crawl stopped: {lost} fetched article(s) not stored (the next run "
                           f"fetches them again){unrecorded}")
    if not_recorded is not None:
        raise StorageError(f"{not_recorded}; every fetched article was stored, but this run's crawl_runs rows "
                           f"were not written")
    return results


def check_db_writable(db_path: Path) -> None:
    """Raise StorageError (one line) when the database is read-only or locked past the busy timeout.

    Checked before a crawl, so that nothing is fetched for a database that cannot store it.
    """
    db = open_db(db_path)
    try:
        check_writable(db)
    finally:
        db.close()


def _record_runs(db_path: Path, run_id: str, results: Sequence) -> StorageError | None:
    """Write one `crawl_runs` row per outlet (all or none); the error when the database refuses."""
    try:
        db = open_db(db_path)
    except StorageError as exc:
        return exc
    try:
        with write_transaction(db):
            for r in results:
                record_run(db, {"run_id": run_id, **r.row()})
    except StorageError as exc:
        return exc
    finally:
        db.close()
    return None


def crawl_and_extract(sources: Sequence[SourceConfig], db_path: Path, config_dir: Path, crawl_options: dict, *,
                      with_claims: bool = True, max_articles: int | None = None, echo: Echo = print,
                      progress=None, stop: StopRequest | None = None) -> tuple[list, ExtractSummary]:
    """The main job: crawl `sources` while worker processes clean each page (and read its
    claims); then extract whatever the crawl left unread (`with_claims` only).

    Pages whose extraction failed during the crawl are not tried again in this
    run (the next one does). After a signal (`stop`), the job stops at its
    next safe point and leaves the rest for the next run.
    """
    if not sources:
        raise JobError("no valid outlet to crawl")
    check_db_writable(db_path)
    claims_before = _claim_count(db_path)
    with ExtractionPool(config_dir) as pool:
        results = crawl(sources, db_path, crawl_options, max_articles=max_articles, echo=echo,
                        progress=progress, pool=pool, with_claims=with_claims, writable_checked=True, stop=stop)
        failed = {article_id for r in results for article_id, _url, _error in r.extract_failures}
        summary = ExtractSummary()
        if with_claims and not (stop is not None and stop.requested):
            summary = extract_stored(db_path, config_dir, echo=echo, pool=pool, exclude=failed, stop=stop)
        summary.restarts = pool.restarts
    # what the crawl's workers read counts too, not only what was left for afterwards
    summary.articles += sum(r.new_articles for r in results) - len(failed)
    summary.failed += len(failed)
    summary.claims = _claim_count(db_path) - claims_before
    return results, summary


def _claim_count(db_path: Path) -> int:
    db = open_db(db_path)
    try:
        return sum(count_by_status(db).values())
    finally:
        db.close()


def outlet_line(r) -> str:
    """One line per outlet: what it cost, what it gave, what went wrong."""
    from storage.runs import skipped_links

    skipped = skipped_links(r.skipped)  # article links left aside: no notes, no failed requests
    line = (f"{r.source:<24} {r.status:<6} requests {r.requests:>4} (articles {r.article_requests:>3})  "
            f"new {r.new_articles:>4}  errors {r.errors:>3}  skipped {skipped:>4}")
    return line + (f"  ({r.message})" if r.message else "")


@dataclass
class ExtractSummary:
    articles: int = 0
    claims: int = 0
    failed: int = 0
    restarts: int = 0  # worker processes started again after one died


BATCH = 16  # pages per worker task: enough for nlp.pipe to batch, small enough to spread over workers


def extract_stored(db_path: Path, config_dir: Path, *, everything: bool = False, article_id: int | None = None,
                   echo: Echo = print, pool: ExtractionPool | None = None, exclude: Collection[int] = (),
                   stop: StopRequest | None = None) -> ExtractSummary:
    """(Re-)extract claims of stored articles: those never read by the claim rules, all, or one.

    With `everything`, pages are cleaned again from their stored HTML too; else
    a page already cleaned (by the crawl) only has its claims read. Work goes to
    `pool`'s worker processes (one is started when none is given and there is
    more than one article); results are written one transaction per batch.
    Articles in `exclude` are left alone; after a signal (`stop`) the batch
    being waited for is written and no other, and what is left stays for the next run.
    """
    drop = {s.name: tuple(s.extract.drop_selectors) for s in load_sources(config_dir).sources}
    summary = ExtractSummary()
    db = open_db(db_path)
    own_pool = None
    try:
        check_writable(db)
        rows = articles_to_extract(db, everything=everything, article_id=article_id)
        first = next(rows, None)
        if first is None:
            return summary
        rows = (row for row in itertools.chain([first], rows) if row["id"] not in exclude)
        if pool is None and article_id is None:
            pool = own_pool = ExtractionPool(config_dir)
        batches = _job_batches(rows, drop, everything)
        results = (pool.map_batches(batches) if pool is not None
                   else (process_pages(batch, str(config_dir)) for batch in batches))
        for batch_results in results:
            for failed in (r for r in batch_results if r.error):
                summary.failed += 1
                echo(f"extract error: article {failed.article_id}: {failed.error}")
            try:
                written, claims = save_results(db, batch_results)
            except StorageError as exc:
                raise StorageError(f"{exc}; stopped after writing {summary.articles} article(s): run the same "
                                   f"command again once the database takes writes") from exc
            summary.articles += written
            summary.claims += claims
            if stop is not None and stop.requested:
                break
    finally:
        if own_pool is not None:
            summary.restarts = own_pool.restarts
            own_pool.close()
        db.close()
    return summary


def _feed_date(row: dict) -> str | None:
    """The stored date to hand on as the feed's: a date a page guess gave must not outrank the page's metadata."""
    return row["published"] if row.get("published_source") in (None, "feed") else None


def _job_batches(rows: Iterable[dict], drop: dict[str, tuple[str, ...]], everything: bool) -> Iterator[list[PageJob]]:
    batch: list[PageJob] = []
    for row in rows:
        cleaned = row["text"] is not None and not everything
        batch.append(PageJob(
            html=b"" if cleaned else decompress_html(row["html"]), url=row["url"],
            drop_selectors=drop.get(row["source"], ()), published=_feed_date(row),
            article_id=row["id"], text=row["text"] if cleaned else None,
        ))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
