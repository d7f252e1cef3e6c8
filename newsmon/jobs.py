"""The main job and its stages: crawl outlets, then extract claims from new articles."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from crawler.sources import SourceConfig, load_sources
from storage.articles import articles_to_extract, decompress_html, save_extraction
from storage.claims import replace_machine_claims
from storage.db import open_db
from storage.runs import record_run

Echo = Callable[[str], None]


class JobError(Exception):
    """Nothing could run (no valid outlet, unusable database): the message is one line."""


def select_sources(config_dir: Path, names: Sequence[str] = (), *, demo: bool = False, echo: Echo = print) -> list[SourceConfig]:
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
          echo: Echo = print, progress=None) -> list:
    """Crawl `sources`, record one `crawl_runs` row per outlet and print a line per outlet.

    `progress`: a stream for progress while crawling (see `crawler.runner.Progress`).
    """
    from crawler.runner import run_crawl
    from crawler.settings import CrawlSettingsError

    if not sources:
        raise JobError("no valid outlet to crawl")
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    open_db(db_path).close()  # an unusable database stops the run before any request
    try:
        results = run_crawl(sources, str(db_path), crawl_options, max_articles=max_articles, progress=progress)
    except CrawlSettingsError as exc:
        raise JobError(str(exc)) from None
    db = open_db(db_path)
    try:
        for r in results:
            record_run(db, {"run_id": run_id, **r.row()})
            echo(outlet_line(r))
    finally:
        db.close()
    return results


def outlet_line(r) -> str:
    """One line per outlet: what it cost, what it gave, what went wrong."""
    skipped = sum(r.skipped.values())
    line = (f"{r.source:<24} {r.status:<6} requests {r.requests:>4} (articles {r.article_requests:>3})  "
            f"new {r.new_articles:>4}  errors {r.errors:>3}  skipped {skipped:>4}")
    return line + (f"  ({r.message})" if r.message else "")


@dataclass
class ExtractSummary:
    articles: int = 0
    claims: int = 0
    failed: int = 0


def extract_stored(db_path: Path, config_dir: Path, *, everything: bool = False, article_id: int | None = None,
                   echo: Echo = print) -> ExtractSummary:
    """(Re-)extract clean text and claims of stored articles: new ones, all, or one."""
    from extract.article import extract_article
    from extract.claims import EXTRACTOR_VERSION, find_claims

    drop = {s.name: s.extract.drop_selectors for s in load_sources(config_dir).sources}
    summary = ExtractSummary()
    db = open_db(db_path)
    try:
        for row in articles_to_extract(db, everything=everything, article_id=article_id):
            try:
                article = extract_article(decompress_html(row["html"]), row["url"],
                                          drop_selectors=drop.get(row["source"], ()),
                                          fallback_published=row["published"])
                claims = find_claims(article.text, article.published)
            except Exception as exc:  # one bad page never stops the others
                summary.failed += 1
                echo(f"extract error: article {row['id']} ({row['url']}): {type(exc).__name__}: {exc}")
                continue
            save_extraction(db, row["id"], article.to_dict(), EXTRACTOR_VERSION)
            summary.claims += replace_machine_claims(db, row["id"], [c.to_dict() for c in claims], EXTRACTOR_VERSION)
            summary.articles += 1
    finally:
        db.close()
    return summary
