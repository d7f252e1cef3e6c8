"""A crawl worker of the Redis frontier: take outlets, crawl and clean them, hand the pages to the writer.

The worker holds no database. Each outlet it leases (`crawler.redis_frontier`)
is crawled by the one spider, as in a single-machine run, with two
differences: "is this URL stored?" asks the frontier's stored-URL set, and
each fetched page, once cleaned in the extraction pool, goes to the writer
through Redis instead of into SQLite. When the outlet's crawl ends, its
summary and its feeds' validators follow, and its lease is dropped. Up to
`concurrent_outlets` outlets are crawled at once; a heartbeat renews their
leases. A worker stopped by SIGINT or SIGTERM gives back the outlets it had
not finished; one killed outright stops renewing, and its outlets go back on
the queue when their leases run out.
"""

from __future__ import annotations

import base64
import logging
import os
import signal
import socket
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from twisted.python.failure import Failure

from crawler.halt import StorageHalt
from crawler.pipelines import StoragePipeline
from crawler.redis_frontier import DEFAULT_LEASE, Frontier
from crawler.runner import SourceResult, _CrawlerProcess, _now, _result
from crawler.settings import per_source_settings, scrapy_settings
from crawler.sources import SourceConfig
from crawler.spider import SourceSpider

logger = logging.getLogger(__name__)

# Process-wide settings that a crawler's own settings cannot change.
_PROCESS_ONLY = ("LOG_LEVEL", "LOG_FORMAT", "NEWSMON_CONCURRENT_OUTLETS", "DNS_TIMEOUT")


class RemoteSourceSpider(SourceSpider):
    """The outlet spider of a worker: stored URLs come from the frontier, validators from the job."""

    frontier: Frontier
    validators: dict[str, dict[str, str]]

    def _is_stored(self, norm: str, raw: str) -> bool:
        return self.frontier.stored_any({norm, raw.strip()})

    def _document_request(self, url: str, kind: str, callback):
        request = super()._document_request(url, kind, callback)
        if kind in ("feed", "sitemap"):
            for name, value in (self.validators.get(url) or {}).items():
                request.headers[name] = value
        return request


class RemotePagePipeline(StoragePipeline):
    """Cleans each page (in the extraction pool) and hands it to the writer; stores nothing itself."""

    def open_spider(self) -> None:
        pass

    def close_spider(self) -> None:
        pass

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider
        result = await self._extract(item, spider)
        spider.frontier.push({"type": "page", "run_id": spider.run_id, "source": item["source"],
                              "item": encode_item(item), "result": asdict(result)})
        spider.article_stored(item.get("requested_url") or item["url"])
        self.crawler.stats.inc_value("newsmon/handed_over")
        return {"url": item["url"], "outcome": "handed over"}


def encode_item(item: dict[str, Any]) -> dict[str, Any]:
    """A page item as JSON: bytes (the HTML) compressed and in base64."""
    return {k: {"b64z": base64.b64encode(zlib.compress(v, 6)).decode("ascii")} if isinstance(v, bytes) else v
            for k, v in item.items()}


def decode_item(data: dict[str, Any]) -> dict[str, Any]:
    return {k: zlib.decompress(base64.b64decode(v["b64z"])) if isinstance(v, dict) and "b64z" in v else v
            for k, v in data.items()}


@dataclass
class WorkerSummary:
    outlets: int = 0  # outlets crawled to the end and handed over
    pages: int = 0  # pages handed over
    given_back: int = 0  # outlets given back unfinished (a signal)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(frontier: Frontier, *, forever: bool = False, lease_seconds: float = DEFAULT_LEASE,
               concurrent_outlets: int | None = None, extraction_pool: Any = None, log_level: str = "ERROR",
               echo: Callable[[str], None] | None = None, on_signal: Callable[[int], None] | None = None,
               poll: float = 1.0, wait: float = 60.0) -> WorkerSummary:
    """Crawl outlets from `frontier` until no outlet is waiting or held by any worker (or, `forever`, until a signal).

    A worker started before the writer has queued its run waits for it up to `wait` seconds.

    `extraction_pool` (a `crawler.extraction.ExtractionPool`) cleans the pages;
    claims are read by the writer's side, after the crawl.
    """
    from scrapy.utils.reactor import install_reactor

    say = echo or (lambda _line: None)
    settings = scrapy_settings({}, log_level=log_level)
    limit = max(1, concurrent_outlets or int(settings["NEWSMON_CONCURRENT_OUTLETS"]))
    process = _CrawlerProcess(settings, on_signal)
    # Crawlers are made once the reactor runs: install Scrapy's (asyncio) reactor before Twisted's default.
    install_reactor(process.settings["TWISTED_REACTOR"])
    from twisted.internet import reactor, task
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    me = worker_id()
    running: dict[str, tuple[dict[str, Any], Any]] = {}  # token -> (job, crawler)
    summary = WorkerSummary()
    last_renew = [0.0]
    began, seen_run = time.monotonic(), [False]

    def start(token: str, job: dict[str, Any]) -> None:
        source = SourceConfig.model_validate(job["outlet"])
        crawl = job.get("crawl") or {}
        own = {k: v for k, v in scrapy_settings(crawl, log_level=log_level).items() if k not in _PROCESS_ONLY}
        own["ITEM_PIPELINES"] = {"crawler.redis_worker.RemotePagePipeline": 300}
        spider_cls = type(f"RemoteSpider_{source.name.replace('-', '_')}", (RemoteSourceSpider,),
                          {"name": source.name, "custom_settings": {**own, **per_source_settings(source, crawl)}})
        crawler = process.create_crawler(spider_cls)
        running[token] = (job, crawler)
        started = _now()
        halt = StorageHalt()
        say(f"{source.name}: crawl started")
        done = process.crawl(crawler, source=source, db=None, max_new_articles=job.get("max_articles"),
                             extraction_pool=extraction_pool, extract_claims=False, storage_halt=halt,
                             frontier=frontier, validators=job.get("validators") or {}, run_id=job["run_id"])
        done.addBoth(finished, token, source, started, halt)

    def finished(outcome, token: str, source: SourceConfig, started: str, halt) -> None:
        job, crawler = running.pop(token)
        spider = crawler.spider
        if isinstance(outcome, Failure):
            logger.error("%s: the crawl failed: %s", source.name, outcome.getTraceback())
        interrupted = process.signum is not None and getattr(spider, "close_reason", None) != "finished"
        try:
            if interrupted or spider is None:
                frontier.release(token, job)
                summary.given_back += 1
                say(f"{source.name}: given back unfinished")
            else:
                result = _result(source, crawler, started, halt, None)
                handed = crawler.stats.get_value("newsmon/handed_over", 0)
                frontier.finish(token, {"type": "outlet", "run_id": job["run_id"], "source": source.name,
                                        "worker": me, "row": _json_row(result.row()),
                                        "feeds": spider.feed_states()})
                summary.outlets += 1
                summary.pages += handed
                say(f"{source.name}: crawl finished ({result.requests} requests, {handed} pages handed over)")
        except Exception:  # Redis gone: the lease runs out and another worker crawls the outlet again
            logger.exception("%s: could not hand over the outlet", source.name)
        fill()

    def fill() -> None:
        while len(running) < limit and process.signum is None:
            leased = frontier.lease(me, lease_seconds)
            if leased is None:
                return
            try:
                start(*leased)
            except Exception as exc:  # noqa: BLE001 - a job this worker cannot crawl fails alone, said in its row
                token, job = leased
                running.pop(token, None)
                name = str((job.get("outlet") or {}).get("name", "?"))
                failed = SourceResult(source=name, started_at=_now(), finished_at=_now(), status="failed", errors=1,
                                      message=f"the worker could not start its crawl: {type(exc).__name__}: {exc}")
                frontier.finish(token, {"type": "outlet", "run_id": job.get("run_id"), "source": name,
                                        "worker": me, "row": _json_row(failed.row()), "feeds": []})
                say(f"{name}: {failed.message}")

    def tick() -> None:
        """Renew the leases held, take outlets put back, and stop when nothing is left to crawl anywhere."""
        now = time.monotonic()
        if running and now - last_renew[0] >= lease_seconds / 3:
            frontier.renew(running, lease_seconds)
            last_renew[0] = now
        if process.signum is not None:
            return
        for job in frontier.requeue_expired():
            say(f"{job['outlet']['name']}: its worker stopped renewing its lease: queued again")
        seen_run[0] = seen_run[0] or frontier.active_run() is not None
        fill()
        if (not running and not forever and frontier.pending() == (0, 0)
                and (seen_run[0] or now - began > wait)):
            heartbeat.stop()
            process._stop_reactor()

    heartbeat = task.LoopingCall(tick)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        reactor.callWhenRunning(heartbeat.start, poll, True)
        process.start(stop_after_crawl=False)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
    for token, (job, _crawler) in list(running.items()):  # the reactor stopped under them (a second signal)
        frontier.release(token, job)
        summary.given_back += 1
    return summary


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["extract_failures"] = [list(f) for f in row.get("extract_failures", [])]
    return row
