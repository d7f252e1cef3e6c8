"""The single writer of a distributed crawl: store what the workers hand over, in the one SQLite file.

Pages are stored as they arrive (the same rules as a single-machine run:
`crawler.pipelines.store_fetched_page`), and their URLs join the frontier's
stored-URL set; an outlet's summary is its `crawl_runs` row, and its feeds'
validators are saved with it, after its pages (the results list keeps their
order). An outlet crawled twice (its first worker was killed, its lease ran
out) is counted once: its pages are stored once whatever the number of
fetches, and the first summary wins.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import fields
from typing import Any

from crawler.extraction import PageResult
from crawler.pipelines import store_fetched_page
from crawler.redis_frontier import Frontier
from crawler.redis_worker import decode_item
from crawler.runner import SourceResult
from storage.db import open_db, write_transaction
from storage.feeds import save_feed_state

logger = logging.getLogger(__name__)

_ROW_FIELDS = {f.name for f in fields(SourceResult)} - {"not_stored", "storage_error"}


def write_results(frontier: Frontier, db_path: str, run_id: str, outlets: Collection[str], *,
                  echo: Callable[[str], None] = print, stopped: Callable[[], bool] = lambda: False,
                  poll: float = 1.0) -> dict[str, SourceResult]:
    """Store results until every outlet in `outlets` has handed over its summary (or `stopped()`).

    Returns the result of each outlet done; a StorageError (the database takes
    no more writes) stops the writer at once, and the next run fetches again
    what was not stored (the validators of an outlet whose pages were not all
    stored are not saved).
    """
    done: dict[str, SourceResult] = {}
    new: Counter[str] = Counter()
    failures: dict[str, list[tuple[int, str, str]]] = {}
    expected = set(outlets)
    db = open_db(db_path, migrate=False)
    try:
        while expected - set(done) and not stopped():
            for job in frontier.requeue_expired():
                echo(f"{job['outlet']['name']}: its worker stopped renewing its lease: queued again")
            for message in frontier.pop_results(timeout=poll):
                if message.get("run_id") != run_id:
                    continue  # left over from an earlier run
                source = message.get("source", "")
                if message["type"] == "page":
                    article_id, outcome, url, error = _store_page(db, message)
                    frontier.mark_stored(_addresses(message["item"], url))
                    if outcome == "new":
                        new[source] += 1
                        if error:
                            failures.setdefault(source, []).append((article_id, url, error))
                elif message["type"] == "outlet" and source in expected and source not in done:
                    done[source] = _outlet_done(db, message, new[source], failures.get(source, []))
    finally:
        db.close()
    return done


def _store_page(db, message: dict[str, Any]) -> tuple[int, str, str, str | None]:
    item = decode_item(message["item"])
    result = PageResult(**message["result"])
    article_id, outcome, url = store_fetched_page(db, item, result)
    return article_id, outcome, url, result.error


def _addresses(item: dict[str, Any], stored_under: str) -> list[str]:
    return [stored_under, item.get("url"), item.get("requested_url"), *(item.get("urls") or [])]


def _outlet_done(db, message: dict[str, Any], new: int, failures: list[tuple[int, str, str]]) -> SourceResult:
    row = {k: v for k, v in message["row"].items() if k in _ROW_FIELDS}
    result = SourceResult(**row)
    result.new_articles = new
    result.extract_failures = failures
    result.errors = result.errors + len(failures)
    with write_transaction(db):
        for state in message.get("feeds") or []:
            save_feed_state(db, **state)
    return result
