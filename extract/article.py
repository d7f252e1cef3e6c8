"""A page (HTML + URL) becomes an `Article`: metadata and clean text.

Pipeline:
1. bytes are decoded (`extract.encoding`: BOM, declared charset, UTF-8, a guess)
   and the characters libxml2 stops at go (`extract.sanitize`: C0 controls, NUL,
   U+FFFE/U+FFFF; a lone surrogate becomes U+FFFD);
2. the page is parsed once; per-outlet `drop_selectors` (CSS) are removed, and
   so are footnote marks set as superscripts (`China<sup>1</sup>`);
3. trafilatura takes out the main text and the metadata; the publication
   date is chosen by `extract.published` (structured metadata, then the
   feed's date `fallback_published`, then the URL, then htmldate's guesses),
   and `published_source` says where it came from;
   where its default output shows duplicated paragraphs, one giant block or
   structured-data debris, its precision setting is run too and kept when
   better (`extract.choice`);
4. its output tree becomes blocks (`extract.blocks`) and the residual cleaner
   (`extract.residual`) removes what trafilatura lets through, with the
   lexicon of every language (a page's declared language is often wrong, and
   its widgets may be in another language than its article);
5. `Article.text` is the headline, then the blocks, separated by one blank line.

Pure functions: no network, no database; the wording lexicon is read once.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import trafilatura
from lxml import html as lxml_html

from extract import choice
from extract.blocks import Block, render, text_to_blocks, tree_to_blocks
from extract.encoding import decode_html
from extract.published import choose_published
from extract.residual import ANY_LANGUAGE, clean_blocks, load_lexicon
from extract.sanitize import sanitize_text
from extract.types import Article

log = logging.getLogger(__name__)

# Pages beyond this are cut before parsing: no news article is this long, and
# trafilatura's cost grows with the tree.
MAX_HTML_CHARS = 2_500_000
_SCRIPTS = re.compile(r"<(script|style|noscript|svg|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_FOOTNOTE_SUP = re.compile(r"^\s*\[?\s*(\d{1,3}(\s*[,–-]\s*\d{1,3})*|[*†‡§])\s*\]?\s*$")
_UNIT_BEFORE = re.compile(r"(\b(km|cm|mm|m|ft|mi|in|sq|m3|cm3|kg|x|e|10)|\d)\s*$", re.IGNORECASE)


@dataclass
class Extraction:
    """trafilatura's result before the residual cleaner (for comparisons)."""

    url: str | None
    title: str | None
    author: str | None
    published: str | None
    sitename: str | None
    language: str | None
    blocks: list[Block]
    published_source: str | None = None  # extract.published.SOURCES


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    drop_selectors: Sequence[str] = (),
    fallback_published: str | None = None,
    config_dir: str | os.PathLike[str] | None = None,
) -> Article:
    """Clean one page. Never raises on bad input: an unreadable page gives empty text.

    `config_dir` is where `topics/boilerplate.toml` is looked for (else
    $NEWSMON_CONFIG, else the repository's config/).
    """
    raw = extract_raw(html, url, drop_selectors=drop_selectors, fallback_published=fallback_published)
    lexicon = load_lexicon([ANY_LANGUAGE], config_dir)
    blocks = clean_blocks(raw.blocks, title=raw.title, author=raw.author, lexicon=lexicon)
    return Article(
        url=raw.url,
        title=raw.title,
        author=raw.author,
        published=raw.published,
        sitename=raw.sitename,
        language=raw.language,
        text=render(raw.title, blocks),
        published_source=raw.published_source,
    )


def extract_raw(
    html: str | bytes,
    url: str | None = None,
    *,
    drop_selectors: Sequence[str] = (),
    fallback_published: str | None = None,
    favor_precision: bool = False,
) -> Extraction:
    """Steps 1-3: metadata and trafilatura's blocks, no residual cleaning."""
    feed = choose_published(None, url, feed_date=fallback_published)
    empty = Extraction(url, None, None, feed.date, None, None, [], feed.source)
    try:
        text = decode_html(html or b"")
    except Exception:  # noqa: BLE001 - decode_html never raises, but a page must not stop a crawl
        return empty
    text = _XML_DECL.sub("", sanitize_text(text), count=1)
    if len(text) > MAX_HTML_CHARS:  # inline scripts and data first, then the tail
        text = _SCRIPTS.sub("", text)[:MAX_HTML_CHARS]
    if not text.strip():
        return empty
    tree = _parse(text)
    if tree is None:
        return empty
    _drop_selected(tree, drop_selectors)
    _drop_footnote_sups(tree)
    dated = choose_published(tree, url, feed_date=fallback_published, guess=False)
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            favor_precision=favor_precision,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # noqa: BLE001 - trafilatura on a hostile page
        log.warning("trafilatura failed on %s: %s", url or "page", exc)
        doc = None
    if doc is None or isinstance(doc, dict):  # a dict only with as_dict=True
        return empty
    body = getattr(doc, "body", None)
    blocks = tree_to_blocks(body) if body is not None and len(body) else text_to_blocks(doc.text or "")
    if not favor_precision and choice.suspect(blocks):
        blocks = _precise_blocks(text, url, drop_selectors, blocks)
    if dated.date is None:  # htmldate's guesses only now: they are the slowest step
        dated = choose_published(tree, url, feed_date=fallback_published)
    return Extraction(
        url=url or getattr(doc, "url", None),
        title=_clean_title(doc.title),
        author=_clean_author(doc.author),
        published=dated.date,
        sitename=doc.sitename or None,
        language=doc.language or _html_lang(tree),
        blocks=blocks,
        published_source=dated.source,
    )


def _precise_blocks(text: str, url: str | None, drop_selectors: Sequence[str], default: list[Block]) -> list[Block]:
    """trafilatura's precision setting on a fresh parse; its blocks when `choice` prefers them."""
    tree = _parse(text)
    if tree is None:
        return default
    _drop_selected(tree, drop_selectors)
    _drop_footnote_sups(tree)
    try:
        doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False, include_comments=False,
                                          include_tables=True, include_images=False, favor_precision=True)
    except Exception as exc:  # noqa: BLE001 - trafilatura on a hostile page: the default output stays
        log.warning("trafilatura (precision) failed on %s: %s", url or "page", exc)
        return default
    if doc is None or isinstance(doc, dict):
        return default
    body = getattr(doc, "body", None)
    precise = tree_to_blocks(body) if body is not None and len(body) else text_to_blocks(doc.text or "")
    return precise if choice.prefer_precision(default, precise) else default


def _parse(text: str):
    try:
        parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
        tree = lxml_html.document_fromstring(text, parser=parser)
    except Exception:  # noqa: BLE001 - lxml raises several kinds on garbage
        return None
    return tree


@lru_cache(maxsize=256)
def _xpath(selector: str):
    from cssselect import GenericTranslator
    from lxml.etree import XPath

    try:
        return XPath(GenericTranslator().css_to_xpath(selector))
    except Exception:  # noqa: BLE001 - a bad selector in an outlet config
        log.warning("ignoring CSS selector that cannot be read: %r", selector)
        return None


def _drop_selected(tree, selectors: Sequence[str]) -> None:
    for sel in selectors:
        xp = _xpath(sel)
        if xp is None:
            continue
        try:
            found = xp(tree)
        except Exception:  # noqa: BLE001 - lxml raises several kinds on a hostile tree: the selector is skipped
            continue
        for el in found:
            if hasattr(el, "getparent") and el.getparent() is not None:
                el.drop_tree()


def _drop_footnote_sups(tree) -> None:
    """`China<sup>1</sup>` -> `China`; `km<sup>2</sup>` stays."""
    for sup in list(tree.iter("sup")):
        content = sup.text_content()
        if not _FOOTNOTE_SUP.match(content or ""):
            continue
        prev = sup.getprevious()
        before = (prev.tail if prev is not None else sup.getparent().text) or ""
        if prev is not None and not before:
            before = prev.text_content() if hasattr(prev, "text_content") else ""
        if not before.strip() or _UNIT_BEFORE.search(before):
            continue
        sup.drop_tree()


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = re.sub(r"\s+", " ", title).strip()
    return title or None


# A Korean byline names the reporter with a title after it ("홍길동 기자"): the author is the name.
_KO_TITLE = re.compile(r"(?<=[가-힣])\s*(기자|특파원|선임기자|수석기자|논설위원|객원기자|통신원)$")


def _clean_author(author: str | None) -> str | None:
    if not author:
        return None
    return _KO_TITLE.sub("", author.strip()) or None


def _html_lang(tree) -> str | None:
    lang = (tree.get("lang") or "").strip().split("-")[0].lower()
    return lang if re.fullmatch(r"[a-z]{2,3}", lang) else None


def clean_text(
    text: str | bytes,
    *,
    title: str | None = None,
    language: str | None = None,
    config_dir: str | os.PathLike[str] | None = None,
) -> str:
    """Plain text (paragraphs on lines or separated by blank lines) through the residual cleaner."""
    if isinstance(text, bytes):
        text = decode_html(text)
    blocks = text_to_blocks(sanitize_text(text))
    lexicon = load_lexicon([language or "en", ANY_LANGUAGE], config_dir)
    return render(title, clean_blocks(blocks, title=title, lexicon=lexicon))
