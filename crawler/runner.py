"""Run one crawl over several outlets in this process (Twisted's reactor starts once per process)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.settings import per_source_settings, scrapy_settings
from crawler.sources import SourceConfig
from crawler.spider import SourceSpider
from storage.articles import known_urls
from storage.db import open_db


@dataclass
class SourceResult:
    """What one outlet's crawl did: the row of `crawl_runs`."""

    source: str
    started_at: str
    finished_at: str = ""
    requests: int = 0
    new_articles: int = 0
    errors: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    status: str = "ok"  # ok | failed | empty
    message: str = ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_crawl(
    sources: Sequence[SourceConfig],
    db_path: str,
    crawl_options: dict[str, Any] | None = None,
    *,
    max_articles: int | None = None,
    log_level: str = "WARNING",
) -> list[SourceResult]:
    """Crawl every outlet in `sources` at once; return one result per outlet."""
    settings = scrapy_settings(crawl_options or {}, log_level=log_level)
    settings["NEWSMON_DB"] = str(db_path)
    db = open_db(db_path)
    already = known_urls(db)
    db.close()
    process = CrawlerProcess(settings)
    started = _now()
    crawlers = []
    for source in sources:
        spider_cls = type(
            f"SourceSpider_{source.name.replace('-', '_')}",
            (SourceSpider,),
            {"name": source.name, "custom_settings": per_source_settings(source)},
        )
        crawler = process.create_crawler(spider_cls)
        process.crawl(crawler, source=source, known_urls=already, max_new_articles=max_articles)
        crawlers.append((source, crawler))
    process.start()
    return [_result(source, crawler, started) for source, crawler in crawlers]


def _result(source: SourceConfig, crawler, started: str) -> SourceResult:
    stats = crawler.stats.get_stats()
    spider = crawler.spider
    skipped = dict(spider.skipped) if spider is not None else {}
    responses = stats.get("downloader/response_count", 0)
    errors = stats.get("newsmon/errors", 0)
    result = SourceResult(
        source=source.name,
        started_at=started,
        finished_at=_now(),
        requests=stats.get("downloader/request_count", 0),
        new_articles=stats.get("newsmon/new_articles", 0),
        errors=errors,
        skipped=skipped,
    )
    if errors and not responses:
        result.status, result.message = "failed", "no response from the outlet"
    elif errors:
        result.status = "ok"
        result.message = f"{errors} request(s) failed"
    elif result.new_articles == 0 and not skipped.get("already stored"):
        result.status, result.message = "empty", "no article found"
    return result
