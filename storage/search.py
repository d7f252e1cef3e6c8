"""Full-text search over articles (SQLite FTS5 over title and clean text, kept in sync by triggers)."""

from __future__ import annotations

import re
from typing import Any

from sqlite_utils import Database

_TOKEN = re.compile(r"[\w'’-]+", re.UNICODE)


def fts_query(text: str) -> str:
    """A reviewer's words as a safe FTS5 query: every word must occur, each quoted as a literal.

    A trailing `*` on a word keeps its prefix meaning ("repatriat*").
    """
    terms = []
    for match in re.finditer(r"([\w'’-]+)(\*?)", text or "", re.UNICODE):
        word, star = match.group(1), match.group(2)
        terms.append('"' + word.replace('"', '""') + '"' + star)
    return " ".join(terms) if terms else '""'


def search_articles(db: Database, text: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Articles matching `text`, best first, with a short snippet."""
    return list(db.query(
        "select articles.id, articles.url, articles.source, articles.title, articles.published, "
        "snippet(articles_fts, 1, '[', ']', '…', 12) as snippet "
        "from articles_fts join articles on articles.id = articles_fts.rowid "
        "where articles_fts match ? order by rank limit ?",
        [fts_query(text), limit]))
