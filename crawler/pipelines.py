"""Item pipeline: each fetched article page is cleaned, read for claims and stored at once.

The cleaning and the claims run in the worker processes of
`newsmon.workers.ExtractionPool` (handed to the spider as `extraction_pool`),
so the crawl's own process keeps downloading meanwhile. Without a pool (a
spider run on its own) the page is cleaned here, in the crawl's process.
A page whose cleaning or claims failed is stored all the same (raw HTML, and
clean text when it has one) and its failure is counted by the spider.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from sqlite_utils import Database

from crawler.halt import StorageHalt
from storage.db import StorageError, open_db
from storage.pages import store_extracted_page

if TYPE_CHECKING:
    from newsmon.workers import PageBatcher

logger = logging.getLogger(__name__)


class StoragePipeline:
    """Stores each page with its clean text (its duplicate key) and, when asked, its claims."""

    def __init__(self, db_path: str, crawler=None):
        self.db_path = db_path
        self.crawler = crawler
        self.db: Database | None = None  # open between open_spider and close_spider
        self.new_articles = 0
        self.batcher: PageBatcher | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("NEWSMON_DB"), crawler)

    def open_spider(self) -> None:
        self.db = open_db(self.db_path, migrate=False)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider if self.crawler is not None else None
        halt = _halt_of(spider)
        self._unless_halted(halt, item)
        result = await self._extract(item, spider)
        self._unless_halted(halt, item)  # tripped while this page was being read
        url, urls = self._address(item, result.article, spider)
        try:
            article_id, outcome, _claims = store_extracted_page(
                self._open_db(), url=url, source=item["source"], html=item["html"], urls=urls,
                published=item.get("published"), article=result.article, claims=result.claims,
                claims_version=result.claims_version,
            )
        except StorageError as exc:
            halt.trip(exc, item["source"])
            raise DropItem(f"{item['url']}: not stored: {exc}") from None
        if spider is not None:
            spider.article_stored(item.get("requested_url") or item["url"])
        if result.error and outcome == "new":
            lacking = "clean text" if result.article is None else "claims"
            logger.warning("%s: stored without its %s: %s", item["url"], lacking, result.error)
            if spider is not None:
                spider.extraction_failed(article_id, item["url"], result.error)
        if outcome == "new":
            self.new_articles += 1
            if self.crawler is not None:
                self.crawler.stats.inc_value("newsmon/new_articles")
        elif spider is not None:
            reason = {"same text": "same text as a stored article (URL kept)",
                      "similar text": "near copy of a stored article (URL and outlet kept)"}.get(
                outcome, "already stored under its canonical or redirect URL (URL kept)")
            spider.skip(reason, item["url"])
        return {"url": url, "article_id": article_id, "outcome": outcome}

    def _address(self, item: dict[str, Any], article: dict[str, Any] | None, spider) -> tuple[str, list[str]]:
        """(URL to store the page under, its other addresses): its canonical URL only when that is trusted.

        The spider hands on a canonical link only when it names an article URL
        of the outlet; it is trusted when the article stored under it has this
        page's very text. Anything else (nothing stored there yet, or another
        story) keeps the page under its own URL, so that a page never takes
        another's place and the canonical address, when it is an article of
        its own, is still fetched.
        """
        url, urls = item["url"], list(item.get("urls", ()))
        canonical = item.get("canonical")
        if not canonical:
            return url, urls
        from storage.articles import text_stored_under

        stored = text_stored_under(self._open_db(), canonical)
        if stored is not None and article is not None and same_text(stored, article.get("text")):
            return canonical, [url, *urls]
        if stored is not None and spider is not None:
            spider.skip("canonical ignored: another text is stored under it", canonical)
        return url, urls

    def _open_db(self) -> Database:
        if self.db is None:
            raise RuntimeError("the storage pipeline got a page before its spider opened")
        return self.db

    @staticmethod
    def _unless_halted(halt: StorageHalt, item: dict[str, Any]) -> None:
        """After a refused write, drop the page at once rather than wait on the database again.

        The next run fetches it again: its URL is not stored, and no validator of this run is saved.
        """
        if halt.error is not None:
            halt.trip(halt.error, item["source"])
            raise DropItem(f"{item['url']}: not stored: {halt.error}")

    async def _extract(self, item: dict[str, Any], spider):
        from newsmon.workers import PageJob, PageResult, process_pages

        source = getattr(spider, "source", None)
        job = PageJob(
            html=item["html"], url=item["url"], published=item.get("published"),
            drop_selectors=tuple(source.extract.drop_selectors) if source is not None else (),
            claims=bool(getattr(spider, "extract_claims", False)),
        )
        pool = getattr(spider, "extraction_pool", None)
        if pool is None:
            return process_pages([job])[0]
        if self.batcher is None:
            from newsmon.workers import PageBatcher

            self.batcher = PageBatcher(pool)
        try:
            return await self.batcher.process(job)
        except Exception as exc:  # noqa: BLE001 - the page is stored all the same, its failure counted
            return PageResult(None, error=f"{type(exc).__name__}: {exc}")


def same_text(a: str | None, b: str | None) -> bool:
    """Whether two clean texts are the same words in the same order (spacing and case aside); empty is no match."""
    a_words, b_words = " ".join((a or "").split()).casefold(), " ".join((b or "").split()).casefold()
    return bool(a_words) and a_words == b_words


def _halt_of(spider) -> StorageHalt:
    """The run's `StorageHalt` (set by `crawler.runner`); a spider crawling on its own gets its own."""
    halt = getattr(spider, "storage_halt", None)
    if halt is None:
        halt = StorageHalt()
        if spider is not None:
            spider.storage_halt = halt
            halt.watch(spider.crawler)
    return halt
