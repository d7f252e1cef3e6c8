"""Stopping a crawl when the database takes no more writes.

A full disk, a read-only file or a write lock held too long refuses the next
write as well: fetching on would only fetch pages to drop. The first refused
write stops every outlet's crawler of the run; pages fetched but not stored
are counted per outlet. Nothing is lost for good: their URLs are not stored,
and no feed or sitemap validator of this run is saved, so the next run fetches
them again.
"""

from __future__ import annotations

import logging
from collections import Counter

from scrapy.utils.defer import deferred_from_coro

from storage.db import StorageError

logger = logging.getLogger(__name__)

CLOSE_REASON = "database_unwritable"


class StorageHalt:
    """Shared by the crawlers of one run: `trip()` on the first refused write stops them all."""

    def __init__(self) -> None:
        self.error: StorageError | None = None
        self.not_stored: Counter[str] = Counter()  # outlet -> pages fetched but not stored
        self.stopped: set[str] = set()  # outlets whose crawl was cut short
        self._crawlers: list = []

    @property
    def tripped(self) -> bool:
        return self.error is not None

    def watch(self, crawler) -> None:
        self._crawlers.append(crawler)

    def forget(self, crawler) -> None:
        """A crawler that has ended: nothing to stop any more."""
        if crawler in self._crawlers:
            self._crawlers.remove(crawler)

    def trip(self, error: StorageError, source: str | None = None, *, page_lost: bool = True) -> None:
        """The database refused a write of `source`: remember the first error and stop every crawl."""
        if source is not None and page_lost:
            self.not_stored[source] += 1
        if self.error is None:
            self.error = error
            logger.warning("%s: stopping the crawl", error)
        for crawler in self._crawlers:
            self._stop(crawler)

    def _stop(self, crawler) -> None:
        engine = getattr(crawler, "engine", None)
        spider = getattr(crawler, "spider", None)
        slot = getattr(engine, "_slot", None)
        if engine is None or spider is None or not engine.running or slot is None or slot.closing is not None:
            return  # not started, or already closing
        self.stopped.add(spider.name)
        # Not awaited: the caller may be an item pipeline, which the closing engine waits for.
        closing = deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))
        closing.addErrback(lambda failure: logger.warning("closing %s: %s", spider.name, failure.value))
