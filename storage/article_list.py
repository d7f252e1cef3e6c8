"""The article list of the review page: every stored article, filtered, with how many claims each has.

Reviewers read here what the extractor passed over (the filter "has no claim").
Every clause is a constant fragment and every value a "?" parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from storage.search import fts_query


@dataclass(frozen=True)
class ArticleFilter:
    source: str | None = None
    date_from: str | None = None  # YYYY[-MM[-DD]], compared with the article's publication date
    date_to: str | None = None
    q: str | None = None  # full-text search over titles and texts
    no_claim: bool = False  # only articles without any claim (machine or reviewer)

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.source:
            clauses.append("articles.source = ?")
            params.append(self.source)
        published = "substr(coalesce(articles.published, articles.fetched_at), 1, 10)"
        if self.date_from:
            clauses.append(f"{published} >= ?")
            params.append(self.date_from)
        if self.date_to:
            # "2024-03" includes every day of March: compare on the filter's own precision
            clauses.append(f"substr({published}, 1, length(?)) <= ?")
            params.extend([self.date_to, self.date_to])
        if self.q:
            clauses.append("articles.id in (select rowid from articles_fts where articles_fts match ?)")
            params.append(fts_query(self.q))
        if self.no_claim:
            clauses.append("not exists (select 1 from claims where claims.article_id = articles.id)")
        return (" where " + " and ".join(clauses)) if clauses else "", params


_LIST_SELECT = (
    "select articles.id, articles.url, articles.source, articles.title, articles.published, "
    "articles.fetched_at, articles.reviewed_at, length(articles.text) as length, "
    "(select count(*) from claims where claims.article_id = articles.id) as claims, "
    "(select count(*) from claims where claims.article_id = articles.id and claims.status = 'pending') as pending, "
    "(select count(*) from claims where claims.article_id = articles.id and claims.origin = 'reviewer') as added "
    "from articles"
)


def list_articles(db: Database, flt: ArticleFilter, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Articles of the filter, newest first, each with its claim counts and reviewer mark."""
    where, params = flt.where()
    sql = _LIST_SELECT + where + " order by coalesce(articles.published, articles.fetched_at) desc, " \
        "articles.id desc limit ? offset ?"
    return list(db.query(sql, [*params, limit, offset]))


def count_articles(db: Database, flt: ArticleFilter) -> int:
    where, params = flt.where()
    return db.execute("select count(*) from articles" + where, params).fetchone()[0]  # noqa: S608 - where(): constants, values bound


def article_sources(db: Database) -> list[str]:
    """Every outlet with a stored article (with or without claims)."""
    return [s for (s,) in db.execute("select distinct source from articles order by source").fetchall()]
