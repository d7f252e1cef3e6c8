"""Item pipeline: each fetched article page goes into the database at once."""

from __future__ import annotations

import logging
from typing import Any

from storage.articles import content_hash_of, store_page
from storage.db import open_db

logger = logging.getLogger(__name__)


def page_text_hash(html: bytes, url: str) -> str | None:
    """The duplicate key of a page: the hash of its clean text (None when it has too little text).

    Syndicated copies (the same story word for word on two outlets) share it,
    whatever the page around the text looks like.
    """
    from extract.article import extract_article

    try:
        return content_hash_of(extract_article(html, url).text)
    except Exception as exc:  # noqa: BLE001 - a page the cleaner chokes on is still stored
        logger.info("no text hash for %s: %s: %s", url, type(exc).__name__, exc)
        return None


class StoragePipeline:
    """Stores raw pages; extraction runs after the crawl (see `newsmon run`)."""

    def __init__(self, db_path: str, crawler=None):
        self.db_path = db_path
        self.crawler = crawler
        self.db = None
        self.new_articles = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("NEWSMON_DB"), crawler)

    def open_spider(self) -> None:
        self.db = open_db(self.db_path, migrate=False)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        article_id, outcome = store_page(
            self.db, url=item["url"], source=item["source"], html=item["html"], urls=item.get("urls", ()),
            published=item.get("published"), content_hash=page_text_hash(item["html"], item["url"]),
        )
        spider = self.crawler.spider if self.crawler is not None else None
        if outcome == "new":
            self.new_articles += 1
            if self.crawler is not None:
                self.crawler.stats.inc_value("newsmon/new_articles")
        elif spider is not None:
            reason = ("same text as a stored article (URL kept)" if outcome == "same text"
                      else "already stored under its canonical or redirect URL (URL kept)")
            spider.skip(reason, item["url"])
        return {"url": item["url"], "article_id": article_id, "outcome": outcome}
