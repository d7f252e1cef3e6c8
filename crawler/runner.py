"""Run one crawl over several outlets in this process (Twisted's reactor starts once per process).

Each outlet gets its own Scrapy crawler (own politeness settings, own
statistics), all running at once; an outlet whose server fails only fails its
own crawler.

SIGINT or SIGTERM stops the crawl gracefully (Scrapy's handlers: the
requests in flight finish and their pages are stored, the rest are dropped; a
second signal stops at once); each outlet not finished by then is reported
`interrupted`, and its feeds keep no validators, so the next run fetches what
was left.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from crawler.halt import StorageHalt
from crawler.settings import per_source_settings, scrapy_settings
from crawler.sources import SourceConfig
from crawler.spider import SourceSpider
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
    status: str = "ok"  # ok | failed | empty | interrupted
    message: str = ""
    article_requests: int = 0
    article_links: int = 0
    not_stored: int = 0  # pages fetched that the database refused (counted in `message`, not a column)
    storage_error: Exception | None = field(default=None, repr=False, compare=False)
    # (article id, url, error) of pages stored without their clean text or claims; not a column
    extract_failures: list[tuple[int, str, str]] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """The `crawl_runs` columns."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("not_stored", "storage_error")}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _CrawlerProcess(CrawlerProcess):
    """Scrapy's process, remembering the signal that stopped it (and telling `on_signal`)."""

    def __init__(self, settings, on_signal: Callable[[int], None] | None = None):
        super().__init__(settings)
        self.signum: int | None = None
        self._on_signal = on_signal

    def _note(self, signum: int) -> None:
        if self.signum is None:
            self.signum = signum
            if self._on_signal is not None:
                self._on_signal(signum)

    def _signal_shutdown(self, signum, frame) -> None:
        self._note(signum)
        super()._signal_shutdown(signum, frame)

    def _signal_kill(self, signum, frame) -> None:
        self._note(signum)
        super()._signal_kill(signum, frame)


def run_crawl(
    sources: Sequence[SourceConfig],
    db_path: str | None,
    crawl_options: dict[str, Any] | None = None,
    *,
    max_articles: int | None = None,
    log_level: str = "ERROR",
    progress: TextIO | None = None,
    try_mode: bool = False,
    try_samples: int = 3,
    extraction_pool: Any = None,
    extract_claims: bool = False,
    on_signal: Callable[[int], None] | None = None,
) -> list[SourceResult] | list[SourceSpider]:
    """Crawl every outlet in `sources` at once; return one result per outlet.

    `progress`: a stream for progress lines (a live status line on a terminal,
    a plain line per outlet started and finished otherwise). In `try_mode`
    nothing is stored and the spiders themselves are returned (their `tried`).
    `extraction_pool` (a `newsmon.workers.ExtractionPool`) cleans each page in
    worker processes, and with `extract_claims` reads its claims too, while the
    crawl goes on. `on_signal(signum)` hears of a SIGINT or SIGTERM that stops
    the crawl; the handlers in place before are put back afterwards.
    """
    settings = scrapy_settings(crawl_options or {}, log_level=log_level)
    if try_mode:
        settings["ITEM_PIPELINES"] = {}
    settings["NEWSMON_DB"] = str(db_path) if db_path else None
    if db_path:
        open_db(db_path).close()  # create and migrate once, before the crawlers open it
    process = _CrawlerProcess(settings, on_signal)
    # An unreachable robots.txt means "no rules" and the outlet's own requests report the
    # failure (one line in its summary); Scrapy would add a traceback per host.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    started = _now()
    crawlers = []
    dbs = []
    reporter = Progress(progress) if progress is not None else None
    halt = StorageHalt()
    for source in sources:
        spider_cls = type(
            f"SourceSpider_{source.name.replace('-', '_')}",
            (SourceSpider,),
            {"name": source.name, "custom_settings": per_source_settings(source, crawl_options)},
        )
        crawler = process.create_crawler(spider_cls)
        db = open_db(db_path, migrate=False) if db_path else None
        if db is not None:
            dbs.append(db)
        if reporter is not None:
            reporter.watch(source.name, crawler)
        halt.watch(crawler)
        process.crawl(crawler, source=source, db=db, max_new_articles=max_articles,
                      try_mode=try_mode, try_samples=try_samples,
                      extraction_pool=extraction_pool, extract_claims=extract_claims, storage_halt=halt)
        crawlers.append((source, crawler))
    handlers = {signum: signal.getsignal(signum) for signum in SHUTDOWN_SIGNALS}
    try:
        process.start()
    finally:
        for signum, handler in handlers.items():  # Scrapy's would now wait for a reactor that has stopped
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if reporter is not None:
            reporter.finish()
        for db in dbs:
            db.close()
    if try_mode:
        return [_spider_of(source, crawler) for source, crawler in crawlers]
    return [_result(source, crawler, started, halt, process.signum) for source, crawler in crawlers]


def _spider_of(source: SourceConfig, crawler) -> SourceSpider:
    spider = crawler.spider
    if not isinstance(spider, SourceSpider):  # its spider could not be made: Scrapy logged why
        raise RuntimeError(f"{source.name}: the crawl ended before its spider started")
    return spider


def _result(source: SourceConfig, crawler, started: str, halt: StorageHalt, signum: int | None = None) -> SourceResult:
    stats = crawler.stats.get_stats()
    spider: SourceSpider | None = crawler.spider
    result = SourceResult(
        source=source.name,
        started_at=started,
        finished_at=_now(),
        requests=stats.get("downloader/request_count", 0),
        new_articles=stats.get("newsmon/new_articles", 0),
    )
    if spider is None:  # the crawler never started (should not happen): count it as failed
        result.status, result.message, result.errors = "failed", "the crawl did not start", 1
        return result
    result.extract_failures = list(spider.extract_failures)
    result.errors = spider.errors + len(result.extract_failures)
    result.skipped = dict(spider.skipped)
    result.article_requests = spider.article_requests
    result.article_links = spider.article_links
    not_modified = sum(n for reason, n in spider.skipped.items() if reason.endswith("not modified (304)"))
    if signum is not None and spider.close_reason != "finished":
        result.status = "interrupted"
        result.message = (f"interrupted by {signal.Signals(signum).name}: "
                          f"what was not fetched is left for the next run")
    elif spider.discovery_ok == 0 and spider.discovery_failed:
        result.status = "failed"
        from storage.runs import describe_reasons, failure_reasons

        why = describe_reasons(failure_reasons(result.skipped))
        result.message = "no feed, sitemap or listing page could be read" + (f" ({why})" if why else "")
    elif spider.article_links == 0 and not not_modified:
        result.status = "empty"
        result.message = "no article link found: has the site changed its layout?"
        found = spider.tried.discovered
        if source.homepage and not (found["feeds"] or found["sitemaps"] or source.feeds or source.sitemaps
                                    or source.start_urls):
            result.message = ("no article link found: the homepage announces no feed and robots.txt lists no "
                              "sitemap (give feeds, sitemaps or start_urls)")
    if result.status != "failed":
        problems = [result.message]
        if spider.errors:
            problems.append(f"{spider.errors} request(s) failed")
        if result.extract_failures:
            problems.append(f"{len(result.extract_failures)} page(s) stored without their clean text or claims")
        result.message = "; ".join(filter(None, problems))
    if halt.tripped and (source.name in halt.stopped or halt.not_stored[source.name]):
        result.storage_error = halt.error
        result.not_stored = halt.not_stored[source.name]
        result.status = "failed"
        cause = getattr(halt.error, "cause", None) or str(halt.error)
        result.message = "; ".join(filter(None, [
            f"stopped: the database took no more writes ({cause})",
            f"{result.not_stored} fetched article(s) not stored, fetched again next run" if result.not_stored else "",
            result.message]))
    return result


class Progress:
    """Per-outlet progress: a redrawn status line on a terminal, plain log lines otherwise."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.state: dict[str, dict[str, Any]] = {}
        self._last_draw = 0.0

    def watch(self, name: str, crawler) -> None:
        self.state[name] = {"pages": 0, "new": 0, "done": False}

        def on_response(response, request, spider) -> None:
            self.state[name]["pages"] += 1
            self._draw()

        def on_item(item, response, spider) -> None:
            if isinstance(item, dict) and item.get("outcome") == "new":
                self.state[name]["new"] += 1
            self._draw()

        def on_open(spider) -> None:
            self._line(f"{name}: crawl started")

        def on_close(spider, reason) -> None:
            state = self.state[name]
            state["done"] = True
            self._line(f"{name}: crawl finished ({state['pages']} responses, {state['new']} new articles)")

        # Keep references: Scrapy's signal manager holds only weak references.
        crawler._newsmon_progress = (on_response, on_item, on_open, on_close)
        crawler.signals.connect(on_response, signal=signals.response_received)
        crawler.signals.connect(on_item, signal=signals.item_scraped)
        crawler.signals.connect(on_open, signal=signals.spider_opened)
        crawler.signals.connect(on_close, signal=signals.spider_closed)

    def _line(self, text: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(f"{stamp} {text}\n")
        self.stream.flush()
        self._draw(force=True)

    def _draw(self, force: bool = False) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < 0.2:
            return
        self._last_draw = now
        parts = [f"{name} {s['pages']}p/{s['new']}n{' ✓' if s['done'] else ''}" for name, s in self.state.items()]
        line = "crawling: " + " | ".join(parts)
        width = _terminal_width()
        self.stream.write("\r\033[K" + line[: width - 1])
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 20)).columns


Echo = Callable[[str], None]


def default_progress_stream() -> TextIO:
    return sys.stderr
