"""The `articles` table: what was fetched, its raw page and its clean text."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def compress_html(html: bytes) -> bytes:
    return zlib.compress(html, 6)


def decompress_html(blob: bytes | None) -> bytes:
    return zlib.decompress(blob) if blob else b""


def known_urls(db: Database, source: str | None = None) -> set[str]:
    """Every URL already stored (optionally for one outlet), to skip before requesting."""
    if source is None:
        rows = db.execute("select url from article_urls")
    else:
        rows = db.execute("select url from article_urls where source = ?", [source])
    return {url for (url,) in rows.fetchall()}


def is_known_url(db: Database, url: str) -> bool:
    return db.execute("select 1 from article_urls where url = ?", [url]).fetchone() is not None


def store_fetched(
    db: Database,
    *,
    url: str,
    source: str,
    html: bytes,
    urls: list[str] | tuple[str, ...] = (),
    published: str | None = None,
) -> int | None:
    """Store a newly fetched page; return its id, or None when the URL was already stored.

    `urls` are other addresses that led to the page (the requested URL before a
    redirect, the feed's link): each is recorded so it is never fetched again.
    """
    now = utc_now()
    with db.atomic():
        if is_known_url(db, url):
            _remember_urls(db, _article_id_for(db, url), source, urls, now)
            return None
        cursor = db.execute(
            "insert into articles (url, source, fetched_at, published, html) values (?, ?, ?, ?, ?)",
            [url, source, now, published, compress_html(html)],
        )
        article_id = cursor.lastrowid
        _remember_urls(db, article_id, source, [url, *urls], now)
    return article_id


def _article_id_for(db: Database, url: str) -> int:
    return db.execute("select article_id from article_urls where url = ?", [url]).fetchone()[0]


def _remember_urls(db: Database, article_id: int, source: str, urls, now: str) -> None:
    for other in dict.fromkeys(urls):
        db.execute(
            "insert or ignore into article_urls (url, article_id, source, first_seen) values (?, ?, ?, ?)",
            [other, article_id, source, now],
        )


def save_extraction(db: Database, article_id: int, fields: dict[str, Any], extractor_version: str) -> None:
    """Write the clean text and metadata of one article."""
    text = fields.get("text") or ""
    values = {
        "title": fields.get("title"),
        "author": fields.get("author"),
        "text": text,
        "sitename": fields.get("sitename"),
        "language": fields.get("language"),
        "content_hash": hashlib.sha1(text.encode("utf-8")).hexdigest() if text else None,
        "extracted_at": utc_now(),
        "extractor_version": extractor_version,
    }
    if fields.get("published"):
        values["published"] = fields["published"]
    db["articles"].update(article_id, values)


def articles_to_extract(db: Database, *, everything: bool = False, article_id: int | None = None) -> Iterator[dict]:
    """Articles whose claims must be (re)computed: new ones, all, or one."""
    where, params = "extracted_at is null", []
    if everything:
        where = "1 = 1"
    if article_id is not None:
        where, params = "id = ?", [article_id]
    last_id = 0
    while True:  # page by id so that a large archive never sits in memory at once
        rows = list(db.query(
            f"select id, url, source, published, html from articles where {where} and id > ? order by id limit 200",
            [*params, last_id],
        ))
        if not rows:
            return
        yield from rows
        last_id = rows[-1]["id"]


def count_articles(db: Database) -> int:
    return db.execute("select count(*) from articles").fetchone()[0]
