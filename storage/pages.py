"""Writing what extraction made of a page: its clean text, metadata and claims, in one go.

Used by the crawl (a page fetched, cleaned and read in worker processes) and by
re-extraction (a batch of stored articles, one transaction per batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from storage.articles import content_hash_of, save_extraction, store_page
from storage.claims import replace_machine_claims
from storage.db import write_transaction


def store_extracted_page(
    db: Database,
    *,
    url: str,
    source: str,
    html: bytes,
    urls: Sequence[str] = (),
    published: str | None = None,
    article: dict[str, Any] | None = None,
    claims: Sequence[dict[str, Any]] = (),
    claims_version: str | None = None,
) -> tuple[int, str, int]:
    """Store a fetched page with its extraction; return (article id, outcome, claims stored).

    `outcome` is that of `store_page`: only a "new" page gets the extraction
    (a known address, or a copy or near copy of a stored text, adds its URLs only).
    """
    from extract.fingerprint import fingerprint

    content_hash = content_hash_of(article["text"]) if article else None
    signature = (article.get("fingerprint") or fingerprint(article["text"])) if article else None
    with write_transaction(db):
        article_id, outcome = store_page(db, url=url, source=source, html=html, urls=list(urls),
                                         published=published or (article or {}).get("published"),
                                         content_hash=content_hash, fingerprint=signature,
                                         text=article["text"] if article else None)
        stored = 0
        if outcome == "new" and article is not None:
            save_extraction(db, article_id, article, claims_version)
            if claims_version is not None:
                stored = replace_machine_claims(db, article_id, claims, claims_version)
    return article_id, outcome, stored


def save_results(db: Database, results: Sequence[Any]) -> tuple[int, int]:
    """Write a batch of extraction results (`crawler.extraction.PageResult`) in one transaction.

    Returns (articles written, claims stored). Results with an error are skipped.
    """
    articles = claims = 0
    with write_transaction(db):
        for result in results:
            if result.error is not None:
                continue
            if result.article is not None:
                save_extraction(db, result.article_id, result.article, result.claims_version)
            if result.claims_version is not None:
                claims += replace_machine_claims(db, result.article_id, result.claims, result.claims_version)
                if result.article is None:
                    db.execute("update articles set extractor_version = ? where id = ?",
                               [result.claims_version, result.article_id])
            articles += 1
    return articles, claims
