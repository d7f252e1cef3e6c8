"""A page (HTML + URL) becomes an `Article`: metadata and clean text.

Pipeline: per-outlet `drop_selectors` are removed from the tree, trafilatura
takes out the main text and metadata, then the residual cleaner
(`extract.residual`) removes what trafilatura lets through.
"""

from __future__ import annotations

from collections.abc import Sequence

import trafilatura

from extract.types import Article


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    drop_selectors: Sequence[str] = (),
    fallback_published: str | None = None,
) -> Article:
    """Clean one page. Never raises on bad HTML: an unreadable page gives empty text."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    prune = [_css_to_xpath(sel) for sel in drop_selectors] or None
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        prune_xpath=prune,
    )
    if doc is None:
        return Article(url=url, title=None, author=None, published=fallback_published,
                       sitename=None, language=None, text="")
    title = doc.title
    body = doc.text or ""
    text = body if not title or body.startswith(title) else f"{title}\n\n{body}"
    return Article(
        url=url,
        title=title,
        author=doc.author,
        published=(doc.date or fallback_published),
        sitename=doc.sitename,
        language=doc.language,
        text=text,
    )


def _css_to_xpath(selector: str) -> str:
    from cssselect import GenericTranslator

    return GenericTranslator().css_to_xpath(selector)
