"""Versioned schema migrations (sqlite-utils `Migrations`).

Each function runs once per database, in order, inside a transaction. Never
edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("newsmon")


@migrations()
def m001_articles_and_claims(db: Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "source": str,
            "title": str,
            "author": str,
            "published": str,
            "fetched_at": str,
            "text": str,
            "html": bytes,  # zlib-compressed raw page, so extraction can be re-run
            "content_hash": str,  # hash of the clean text: syndicated copies are stored once
            "sitename": str,
            "language": str,
            "extracted_at": str,
            "extractor_version": str,
        },
        pk="id",
        not_null={"url", "source", "fetched_at"},
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["source"])
    db.table("articles").create_index(["content_hash"])
    db.table("article_urls").create(
        {"url": str, "article_id": int, "source": str, "first_seen": str},
        pk="url",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_urls").create_index(["article_id"])
    db.table("claims").create(
        {
            "id": int,
            "article_id": int,
            "count": int,
            "count_high": int,
            "qualifier": str,
            "who": str,
            "date": str,
            "date_end": str,
            "kind": str,
            "locations": str,  # JSON list
            "evidence": str,
            "start": int,
            "end": int,
            "confidence": float,
            "vague": int,
            "other_evidence": str,  # JSON list
            "status": str,
            "event_id": int,
            "extractor_version": str,
            "created_at": str,
        },
        pk="id",
        not_null={"article_id", "count", "status"},
        defaults={"status": "pending"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("claims").create_index(["article_id"])
    db.table("claims").create_index(["status"])
    db.table("crawl_runs").create(
        {
            "id": int,
            "run_id": str,
            "source": str,
            "started_at": str,
            "finished_at": str,
            "requests": int,
            "new_articles": int,
            "errors": int,
            "status": str,
            "skipped": str,  # JSON object: reason -> count
            "message": str,
        },
        pk="id",
    )
    db.table("crawl_runs").create_index(["source", "started_at"])


@migrations()
def m002_reviews_events_search(db: Database) -> None:
    """Review decisions, corrected values beside the machine's, events, article full-text search."""
    claims = db.table("claims")
    # Corrected values live beside the machine's values, never over them.
    claims.add_column("corrected_count", int)
    claims.add_column("corrected_qualifier", str)
    claims.add_column("corrected_date", str)
    claims.add_column("corrected_locations", str)  # JSON list
    claims.add_column("reviewed_by", str)
    claims.add_column("reviewed_at", str)
    claims.add_column("stale", int, not_null_default=0)  # re-extraction no longer finds a reviewed claim
    claims.add_column("stale_since", str)
    claims.add_column("event_locked", int, not_null_default=0)  # a reviewer placed it: no automatic regrouping
    claims.create_index(["event_id"])
    claims.create_index(["count"])
    db.table("events").create(
        {"id": int, "created_at": str, "updated_at": str, "manual": int},
        pk="id",
        defaults={"manual": 0},
    )
    db.table("reviews").create(
        {
            "id": int,
            "claim_id": int,
            "action": str,  # accept, reject, edit, split, merge, undo
            "before": str,  # JSON: the claim's reviewable fields before the decision
            "after": str,  # JSON: the same fields after it
            "reviewer": str,
            "at": str,
            "batch": str,  # decisions taken together (a whole event) share a batch
            "undoes": str,  # for an undo: the batch it reverted
            "undone_by": int,  # for a decision: the review row of the undo that reverted it
        },
        pk="id",
        not_null={"claim_id", "action", "at"},
        foreign_keys=[("claim_id", "claims", "id")],
    )
    db.table("reviews").create_index(["claim_id"])
    db.table("reviews").create_index(["batch"])
    db.table("articles").enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True, tokenize="porter")


@migrations()
def m003_feed_state(db: Database) -> None:
    """Validators (ETag, Last-Modified) of each feed and sitemap, for conditional requests."""
    db.table("feed_state").create(
        {
            "url": str,
            "source": str,
            "etag": str,
            "last_modified": str,
            "checked_at": str,
            "status": int,  # HTTP status of the last fetch (304: not modified)
            "links": int,  # article links it listed last time it changed
        },
        pk="url",
    )
    db.table("crawl_runs").create_index(["run_id"], if_not_exists=True)


@migrations()
def m004_crawl_runs_article_counts(db: Database) -> None:
    """Per run and outlet: article requests made and article links found (layout-change warnings)."""
    db.table("crawl_runs").add_column("article_requests", int)
    db.table("crawl_runs").add_column("article_links", int)


@migrations()
def m005_claim_rule_origin_language(db: Database) -> None:
    """Per claim: the candidate rule that proposed it, who made it (machine or reviewer), its language."""
    claims = db.table("claims")
    claims.add_column("rule", str)
    claims.add_column("origin", str, not_null_default="machine")
    claims.add_column("language", str)
    claims.create_index(["rule"])


@migrations()
def m006_review_notes_finished_articles_more_corrections(db: Database) -> None:
    """A note on any decision, the time a reviewer finished an article, corrections of every claim field."""
    db.table("reviews").add_column("note", str)  # free text a reviewer wrote with the decision
    if "reviewed_at" not in db.table("articles").columns_dict:  # ISO UTC time a reviewer marked it finished
        db.table("articles").add_column("reviewed_at", str)
    claims = db.table("claims")
    claims.add_column("corrected_count_high", int)
    claims.add_column("corrected_who", str)
    claims.add_column("corrected_date_end", str)
    claims.add_column("corrected_kind", str)


@migrations()
def m007_fingerprints_and_urls(db: Database) -> None:
    """Near-duplicate fingerprints of articles (MinHash, with its bands indexed), the publication date of each
    address of an article, and when a reviewer finished an article (`reviewed_at`, if no earlier migration
    added it)."""
    articles = db.table("articles")
    articles.add_column("fingerprint", str)  # hex MinHash signature of the clean text (extract.fingerprint)
    if "reviewed_at" not in articles.columns_dict:
        articles.add_column("reviewed_at", str)
    db.table("article_fingerprint_bands").create(
        {"band": str, "article_id": int},
        pk=("band", "article_id"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_fingerprint_bands").create_index(["article_id"])
    db.table("article_urls").add_column("published", str)
    db.execute("update article_urls set published = (select published from articles "
               "where articles.id = article_urls.article_id)")


@migrations()
def m008_articles_published_source(db: Database) -> None:
    """Per article: where its publication date came from (jsonld, meta, time, feed, url, htmldate, text)."""
    db.table("articles").add_column("published_source", str)
