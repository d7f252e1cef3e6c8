"""The `feed_state` table: ETag and Last-Modified of each feed and sitemap, for conditional requests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database


def feed_validators(db: Database, url: str) -> dict[str, str]:
    """The request headers that make a fetch of `url` conditional ({} when nothing is known)."""
    row = db.execute("select etag, last_modified from feed_state where url = ?", [url]).fetchone()
    if not row:
        return {}
    headers = {}
    if row[0]:
        headers["If-None-Match"] = row[0]
    if row[1]:
        headers["If-Modified-Since"] = row[1]
    return headers


def save_feed_state(db: Database, *, url: str, source: str, etag: str | None, last_modified: str | None,
                    status: int, links: int | None = None) -> None:
    """Remember what a feed answered; validators are replaced only when the feed sent new ones."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    existing = db.execute("select etag, last_modified, links from feed_state where url = ?", [url]).fetchone()
    if existing and status == 304:
        etag, last_modified = etag or existing[0], last_modified or existing[1]
        links = existing[2] if links is None else links
    db.execute(
        "insert or replace into feed_state (url, source, etag, last_modified, checked_at, status, links) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [url, source, etag, last_modified, now, status, links],
    )


def forget_feed_state(db: Database, url: str) -> None:
    """Drop the validators of `url`: its next fetch is a full one."""
    db.execute("delete from feed_state where url = ?", [url])
