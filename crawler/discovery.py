"""Finding article URLs in feeds, sitemaps and listing pages.

Pure parsing of bytes already fetched; the spider does the fetching. XML is
parsed without entity expansion or network access, so a hostile feed cannot
blow up memory.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

MAX_XML_BYTES = 20 * 1024 * 1024
MAX_SITEMAPS = 200  # nested sitemaps followed per outlet and run
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=True, remove_comments=True
)
PAGINATION_RE = re.compile(r"(/page/\d+/?$|[?&](page|paged|p)=\d+)", re.I)
NEXT_WORDS = {"next", "older", "older posts", "next page", "more", "»", "›", "next »", "older entries"}


@dataclass(frozen=True)
class Link:
    url: str
    published: str | None = None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def maybe_gunzip(body: bytes) -> bytes:
    if body[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=__import__("io").BytesIO(body)) as fh:
            return fh.read(MAX_XML_BYTES + 1)[:MAX_XML_BYTES]
    return body


def parse_xml(body: bytes):
    """The root element of an XML document, or None (empty, not XML, or declaring entities).

    Feeds and sitemaps never need a DTD: one that declares entities is an
    entity bomb or an external-entity probe, and is refused unread.
    """
    body = maybe_gunzip(body)[:MAX_XML_BYTES]
    if not body.strip() or b"<!ENTITY" in body[:65536].upper():
        return None
    try:
        return etree.fromstring(body, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def feed_links(body: bytes, base_url: str) -> list[Link] | None:
    """Article links of an RSS, Atom or JSON feed; None when the body is no feed at all."""
    stripped = body.lstrip()
    if stripped[:1] in (b"{", b"["):
        return _json_feed_links(stripped, base_url)
    root = parse_xml(body)
    if root is None:
        return None
    links: list[Link] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":  # RSS
            url = _child_text(el, "link") or _child_text(el, "guid")
            date = _child_text(el, "pubdate") or _child_text(el, "date")
            if url:
                links.append(Link(urljoin(base_url, url.strip()), _iso_date(date)))
        elif name == "entry":  # Atom
            url = None
            for child in el:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    url = child.get("href")
                    break
            date = _child_text(el, "published") or _child_text(el, "updated")
            if url:
                links.append(Link(urljoin(base_url, url.strip()), _iso_date(date)))
    if not links and _local(root.tag) not in ("rss", "feed", "rdf"):
        return None
    return links


def _json_feed_links(body: bytes, base_url: str) -> list[Link] | None:
    try:
        data = json.loads(body[:MAX_XML_BYTES])
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return None
    links = []
    for item in data["items"]:
        if isinstance(item, dict) and isinstance(item.get("url") or item.get("external_url"), str):
            links.append(Link(urljoin(base_url, item.get("url") or item["external_url"]),
                              _iso_date(item.get("date_published"))))
    return links


def sitemap_links(body: bytes, base_url: str) -> tuple[list[Link], list[str]] | None:
    """(page links, nested sitemap URLs) of a sitemap or sitemap index; None when not a sitemap."""
    root = parse_xml(body)
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        return None
    pages: list[Link] = []
    nested: list[str] = []
    for el in root:
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(el, "loc")
        if not loc:
            continue
        url = urljoin(base_url, loc.strip())
        if _local(el.tag) == "sitemap":
            nested.append(url)
        else:
            date = _news_date(el) or _child_text(el, "lastmod")
            pages.append(Link(url, _iso_date(date)))
    return pages, nested


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
MAX_DISCOVERED_FEEDS = 10
_COMMENTS_FEED = re.compile(r"\bcomments?\b", re.I)


@dataclass(frozen=True)
class AlternateFeed:
    url: str
    title: str = ""
    comments: bool = False  # a feed of reader comments ("Comments Feed", /comments/feed/): not followed


def alternate_feeds(body: bytes, base_url: str) -> list[AlternateFeed]:
    """The feeds a page announces: `<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">`.

    In page order, each URL once, at most MAX_DISCOVERED_FEEDS (comment feeds included, marked).
    """
    from lxml import html as lxml_html

    from extract.encoding import decode_html

    try:
        tree = lxml_html.document_fromstring(decode_html(body[:MAX_XML_BYTES]))
    except (etree.ParserError, ValueError):
        return []
    found: dict[str, AlternateFeed] = {}
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        url = urljoin(base_url, href)
        if not url.lower().startswith(("http://", "https://")) or url in found:
            continue
        title = " ".join((link.get("title") or "").split())
        comments = bool(_COMMENTS_FEED.search(title) or "/comments/" in url.lower())
        found[url] = AlternateFeed(url, title, comments)
        if len(found) >= MAX_DISCOVERED_FEEDS:
            break
    return list(found.values())


def robots_sitemaps(body: bytes) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    lines = body.decode("utf-8", errors="replace").splitlines()
    return [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("sitemap:")]


def _news_date(el) -> str | None:
    for child in el.iter():
        if _local(child.tag) == "publication_date":
            return child.text
    return None


def _child_text(el, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name and child.text:
            return child.text
    return None


def _iso_date(value: str | None) -> str | None:
    """The calendar date of a feed date (RFC 822 or ISO 8601), or None."""
    if not value:
        return None
    value = value.strip()
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value)
    if match:
        return match.group(1)
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def is_pagination_link(url: str, text: str, rel: str | None) -> bool:
    """A link to the next page of a listing: rel=next, a "Next"/"Older" label, or a page-number URL."""
    if rel and "next" in rel.lower().split():
        return True
    label = " ".join(text.split()).lower()
    return label in NEXT_WORDS or bool(PAGINATION_RE.search(url))
