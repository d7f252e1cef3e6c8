"""The `articles` table: what was fetched, its raw page and its clean text."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from storage.db import row_id, write_transaction


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def compress_html(html: bytes) -> bytes:
    return zlib.compress(html, 6)


def decompress_html(blob: bytes | None) -> bytes:
    return zlib.decompress(blob) if blob else b""


MIN_HASHED_TEXT = 200  # shorter texts (stubs, "page not found") are never merged as duplicates


def content_hash_of(text: str | None) -> str | None:
    """The duplicate key of a clean text: same words in the same order, whatever the spacing or case."""
    if not text:
        return None
    normalised = " ".join(text.split()).casefold()
    if len(normalised) < MIN_HASHED_TEXT:
        return None
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()


def known_urls(db: Database, source: str | None = None) -> set[str]:
    """Every URL already stored (optionally for one outlet), to skip before requesting."""
    if source is None:
        rows = db.execute("select url from article_urls")
    else:
        rows = db.execute("select url from article_urls where source = ?", [source])
    return {url for (url,) in rows.fetchall()}


def is_known_url(db: Database, url: str) -> bool:
    return db.execute("select 1 from article_urls where url = ?", [url]).fetchone() is not None


def is_known_url_any(db: Database, urls) -> bool:
    """Whether any of `urls` is already stored (one query)."""
    urls = list(urls)
    if not urls:
        return False
    marks = ",".join("?" * len(urls))
    sql = f"select 1 from article_urls where url in ({marks}) limit 1"  # noqa: S608 - joins "?" marks only
    return db.execute(sql, urls).fetchone() is not None


def known_url_article(db: Database, url: str) -> int | None:
    """The id of the article stored under `url` (any of its addresses), or None."""
    row = db.execute("select article_id from article_urls where url = ?", [url]).fetchone()
    return row[0] if row else None


def text_stored_under(db: Database, url: str) -> str | None:
    """The clean text of the article stored under `url` (any of its addresses); None when none is."""
    row = db.execute("select a.text from article_urls u join articles a on a.id = u.article_id where u.url = ?",
                     [url]).fetchone()
    return None if row is None else (row[0] or "")


def article_with_hash(db: Database, content_hash: str) -> int | None:
    row = db.execute("select id from articles where content_hash = ? order by id limit 1", [content_hash]).fetchone()
    return row[0] if row else None


def store_page(
    db: Database,
    *,
    url: str,
    source: str,
    html: bytes,
    urls: list[str] | tuple[str, ...] = (),
    published: str | None = None,
    content_hash: str | None = None,
    fingerprint: str | None = None,
    text: str | None = None,
) -> tuple[int, str]:
    """Store a fetched page once; return (article id, outcome).

    outcome is "new" (a row was added), "known url" (one of its addresses was
    already stored), "same text" (another address, perhaps another outlet,
    carries the same text word for word: `content_hash` matched) or "similar
    text" (a near copy: a syndicated story under another headline, with a
    credit line and other boilerplate; its `fingerprint` is near a stored
    one's and its `text` has that article's paragraphs, see `near_copy_of`).
    In the last three cases only the new addresses are recorded, with their
    outlet and publication date, under the existing article, so that none of
    them is fetched again and every address stays known.
    """
    now = utc_now()
    addresses = list(dict.fromkeys([url, *urls]))
    with write_transaction(db):
        for address in addresses:
            existing = known_url_article(db, address)
            if existing is not None:
                _remember_urls(db, existing, source, addresses, now, published)
                return existing, "known url"
        if content_hash:
            existing = article_with_hash(db, content_hash)
            if existing is not None:
                _remember_urls(db, existing, source, addresses, now, published)
                return existing, "same text"
        if fingerprint and text:
            existing = near_copy_of(db, fingerprint, text)
            if existing is not None:
                _remember_urls(db, existing, source, addresses, now, published)
                return existing, "similar text"
        cursor = db.execute(
            "insert into articles (url, source, fetched_at, published, published_source, html, content_hash) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [url, source, now, published, "feed" if published else None, compress_html(html), content_hash],
        )
        article_id = row_id("articles", cursor.lastrowid)
        _remember_urls(db, article_id, source, addresses, now, published)
        if fingerprint:
            save_fingerprint(db, article_id, fingerprint)
    return article_id, "new"


def near_copy_of(db: Database, fingerprint: str, text: str, exclude: int | None = None) -> int | None:
    """The stored article `text` (of signature `fingerprint`) is a near copy of, or None.

    Candidates share `MIN_SHARED_BANDS` bands of the signature (indexed equalities); among those
    at `MIN_SIMILARITY` or more whose paragraphs `text` shares (`same_story`:
    not another story written from the same template), the most similar wins,
    the oldest on a tie.
    """
    from extract.fingerprint import MIN_SHARED_BANDS, MIN_SIMILARITY, bands, from_hex, same_story, similarity

    signature = from_hex(fingerprint)
    keys = bands(signature)
    marks = ",".join("?" * len(keys))
    rows = db.execute(
        "select a.id, a.fingerprint from articles a join ("  # noqa: S608 - "?" marks only
        f"select article_id from article_fingerprint_bands where band in ({marks}) "
        "group by article_id having count(*) >= ?) shared on shared.article_id = a.id order by a.id",
        [*keys, MIN_SHARED_BANDS]).fetchall()
    best: tuple[float, int] | None = None
    for article_id, stored in rows:
        if article_id == exclude or not stored:
            continue
        score = similarity(signature, from_hex(stored))
        if score < MIN_SIMILARITY or (best is not None and score <= best[0]):
            continue
        stored_text = db.execute("select text from articles where id = ?", [article_id]).fetchone()[0]
        if same_story(text, stored_text):
            best = (score, article_id)
    return None if best is None else best[1]


def save_fingerprint(db: Database, article_id: int, fingerprint: str | None) -> None:
    """Set an article's fingerprint and its indexed bands (None clears both)."""
    from extract.fingerprint import bands, from_hex

    db.execute("update articles set fingerprint = ? where id = ?", [fingerprint, article_id])
    db.execute("delete from article_fingerprint_bands where article_id = ?", [article_id])
    if fingerprint:
        db.conn.executemany("insert or ignore into article_fingerprint_bands (band, article_id) values (?, ?)",
                            [(band, article_id) for band in bands(from_hex(fingerprint))])


def set_reviewed_at(db: Database, article_id: int, when: str | None) -> None:
    """Mark an article finished by a reviewer at `when` (ISO UTC), or not finished (None)."""
    with write_transaction(db):
        db.execute("update articles set reviewed_at = ? where id = ?", [when, article_id])


def urls_of_article(db: Database, article_id: int) -> list[dict]:
    """Every address that led to an article, with the outlet that gave it."""
    return list(db.query("select url, source, first_seen, published from article_urls where article_id = ? "
                         "order by first_seen, url", [article_id]))


def _remember_urls(db: Database, article_id: int, source: str, urls, now: str, published: str | None = None) -> None:
    for other in dict.fromkeys(urls):
        db.execute(
            "insert or ignore into article_urls (url, article_id, source, first_seen, published) "
            "values (?, ?, ?, ?, ?)",
            [other, article_id, source, now, published],
        )


def save_extraction(db: Database, article_id: int, fields: dict[str, Any], extractor_version: str | None) -> None:
    """Write the clean text and metadata of one article.

    `extractor_version` names the claim rules that read the text; None when its
    claims are still to be extracted (`articles_to_extract` then picks it up).
    """
    text = fields.get("text") or ""
    values = {
        "title": fields.get("title"),
        "author": fields.get("author"),
        "text": text,
        "sitename": fields.get("sitename"),
        "language": fields.get("language"),
        "extracted_at": utc_now(),
        "extractor_version": extractor_version,
    }
    if fields.get("published"):
        values["published"] = fields["published"]
        values["published_source"] = fields.get("published_source")
    # content_hash is set when the page is stored (the crawler's duplicate check); an
    # article stored without one gets the hash of its clean text.
    stored_hash, stored_fingerprint, stored_text = db.execute(
        "select content_hash, fingerprint, text from articles where id = ?", [article_id]).fetchone()
    if text and stored_hash is None:
        values["content_hash"] = content_hash_of(text)
    db.table("articles").update(article_id, values)
    # The fingerprint follows the text: set when missing (an article stored before fingerprints), renewed
    # when a re-extraction cleaned the page into another text.
    if text and (stored_fingerprint is None or (stored_text is not None and stored_text != text)):
        from extract.fingerprint import fingerprint

        save_fingerprint(db, article_id, fields.get("fingerprint") or fingerprint(text))


def articles_to_extract(db: Database, *, everything: bool = False, article_id: int | None = None,
                        page_size: int = 200) -> Iterator[dict]:
    """Articles whose claims must be (re)computed: those never read by the claim rules, all, or one.

    Rows carry `html` (compressed) and `text` (None when the page was never cleaned).
    """
    where, params = "extractor_version is null", []
    if everything:
        where = "1 = 1"
    if article_id is not None:
        where, params = "id = ?", [article_id]
    last_id = 0
    while True:  # page by id so that a large archive never sits in memory at once
        rows = list(db.query(
            "select id, url, source, published, published_source, html, text from articles "  # noqa: S608 - `where`: a constant above
            f"where {where} and id > ? order by id limit ?",
            [*params, last_id, page_size],
        ))
        if not rows:
            return
        yield from rows
        last_id = rows[-1]["id"]


def count_articles(db: Database) -> int:
    return db.execute("select count(*) from articles").fetchone()[0]
