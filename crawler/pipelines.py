"""Item pipeline: each fetched article page goes into the database at once."""

from __future__ import annotations

from typing import Any

from storage.articles import store_fetched
from storage.db import open_db


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
        self.db = open_db(self.db_path)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        other_urls = [item["requested_url"]] if item["requested_url"] != item["url"] else []
        article_id = store_fetched(
            self.db, url=item["url"], source=item["source"], html=item["html"],
            urls=other_urls, published=item.get("published"),
        )
        if article_id is not None:
            self.new_articles += 1
            if self.crawler is not None:
                self.crawler.stats.inc_value("newsmon/new_articles")
        return {"url": item["url"], "article_id": article_id}
