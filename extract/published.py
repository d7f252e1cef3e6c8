"""The publication date of a page, and where it came from.

The sources are tried in order of trust, the first that gives a date wins:

1. `jsonld`: `datePublished` of the page's own JSON-LD object (an Article,
   NewsArticle, … at the top level, in `@graph` or as a `mainEntity`; a
   WebPage or a ClaimReview when no article object has one);
2. `meta`: `article:published_time` and the other publication-date meta tags,
   then `<meta itemprop="datePublished">`;
3. `time`: a `<time datetime>` of the article's header (marked as the
   publication date, or beside the headline);
4. `feed`: the date the feed or sitemap gave for the page;
5. `url`: a `/YYYY/MM/DD/` (or `/YYYY-MM-DD`) path of the page's URL (for
   a page read from a file, of its canonical link or `og:url`), never its
   query string;
6. `htmldate`: htmldate's guess from the markup left, then `text`: its
   search of the page text (a bare year is no date).

Dates are never taken from reader comments, from quoted material (a
blockquote, the statement a fact-check's ClaimReview checks: `itemReviewed`,
`appearance`, …), from related-story boxes, or from tracking strings:
`htmldate` and `text` read a copy of the page without scripts, comment
sections, quotes, and without the attributes (links, image addresses, data-*)
in which analytics and cache-busting strings hide.

A structured timestamp in UTC that falls a day beside the day its URL names
("2023-11-09T05:30:59Z" at /2023/11/08/) is dated by the URL: the publisher's
calendar day (the source stays the structured one).

Pure functions: the tree is read, never changed (the guesses work on a copy).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from copy import deepcopy
from datetime import date, timedelta
from typing import Any, NamedTuple

SOURCES = ("jsonld", "meta", "time", "feed", "url", "htmldate", "text")

ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenews", "analysisnewsarticle", "opinionnewsarticle", "reviewnewsarticle",
    "backgroundnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting", "scholarlyarticle",
    "techarticle", "report", "socialmediaposting", "posting",
}
PAGE_TYPES = {"webpage", "claimreview", "itempage", "creativework", "mediaobject", "videoobject"}
# Nested objects whose dates are not the page's: the statement a fact-check reviews, comments, parts.
NOT_THE_PAGE = {"comment", "claim", "review", "question", "answer", "person", "organization", "event"}

META_NAMES = (
    "article:published_time", "og:article:published_time", "article.published", "article_date_original",
    "datepublished", "date_published", "publishdate", "publish-date", "publish_date", "pubdate",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date",
    "citation_publication_date", "originalpublicationdate", "cxenseparse:recs:publishtime", "dcterms.date",
    "date",
)

# Class or id tokens of a page region that holds no date of the page: reader comments, related stories.
# Whole tokens only: a layout class ("elementor-widget-container", "content-sidebar-wrap") is no zone.
_ZONE_TOKEN = re.compile(
    r"^((.*[-_])?(comments?|commentlist|comment-list|disqus|replies|respond)"
    r"([-_](area|list|section|wrapper|container|block|thread|box|body|content|main))?"
    r"|(.*[-_])?(related|recommended|recommendations|more-stories|trending|popular|most-read|most-popular|"
    r"also-read|read-more|read-next|up-next)"
    r"([-_](stories|articles|posts|news|content|links|box|list|section|block|container|wrapper|area|items))?"
    r"|sidebar)$",
    re.IGNORECASE)
_ZONE_TAGS = {"blockquote", "q", "aside", "nav", "footer", "cite"}
_ZONE_ITEMPROPS = {"itemreviewed", "comment", "review", "citation", "appearance", "firstappearance"}
_ZONE_ITEMTYPES = re.compile(r"schema\.org/(Comment|Claim|Review|Question|Answer)\b", re.IGNORECASE)
_UPDATED = re.compile(r"updat|modif", re.IGNORECASE)

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASHED = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\b")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(T|\s|$)")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|\.|$)")

# Attributes kept on the copy read by htmldate: the others carry URLs and tracking strings.
_KEPT_ATTRIBUTES = {"class", "id", "itemprop", "datetime", "name", "property", "content", "title", "pubdate",
                    "http-equiv", "lang"}
_META_KEPT = re.compile(r"date|time|publish|created|issued|modified|updated", re.IGNORECASE)
_STRIPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "input", "select",
                  "textarea", "button", "img", "picture", "video", "audio", "source", "object", "embed")


class Published(NamedTuple):
    date: str | None  # YYYY-MM-DD
    source: str | None  # one of SOURCES, None with no date


def choose_published(
    tree: Any,
    url: str | None = None,
    *,
    feed_date: str | None = None,
    guess: bool = True,
    today: date | None = None,
) -> Published:
    """The page's publication date and its source (see the module docstring for the order).

    `tree` is an lxml HTML document (or None); `feed_date` the date the feed
    gave; `guess=False` stops before htmldate (it is the slowest step).
    `today` bounds the dates accepted (a date after tomorrow is a typo or a
    countdown, not a publication).
    """
    latest = (today or date.today()) + timedelta(days=1)
    day_in_url = url_date(url or (page_url(tree) if tree is not None else None))
    if tree is not None:
        for source, found in (("jsonld", jsonld_date), ("meta", meta_date), ("time", header_time_date)):
            raw = found(tree)
            value = _checked(raw, latest)
            if value:
                return Published(_local_day(raw, value, day_in_url), source)
    value = _checked(feed_date, latest)
    if value:
        return Published(value, "feed")
    value = _checked(day_in_url, latest)
    if value:
        return Published(value, "url")
    if tree is None or not guess:
        return Published(None, None)
    copy = guess_tree(tree)
    for source, extensive in (("htmldate", False), ("text", True)):
        value = _checked(_htmldate(copy, extensive), latest)
        if value and not (extensive and value.endswith("-01-01")):
            return Published(value, source)
    return Published(None, None)


def iso_date(value: Any) -> str | None:
    """The calendar date of a date string (ISO 8601, YYYY/MM/DD, YYYYMMDD, RFC 822), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    for pattern in (_ISO, _SLASHED, _COMPACT):
        m = pattern.match(value)
        if m:
            return _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _ymd(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


_UTC_TIME = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]00:?00|UTC|GMT)\s*$", re.I)


def _local_day(raw: str | None, value: str, day_in_url: str | None) -> str:
    """The publisher's calendar day of a UTC timestamp, when the page's URL names the day beside it.

    "2023-11-09T05:30:59Z" is the evening of 8 November in America: a URL dated
    /2023/11/08/ tells the local day. Only for a timestamp in UTC, and only a
    day either side: a timestamp with its own offset is the publisher's day already.
    """
    if not raw or not day_in_url or day_in_url == value or not _UTC_TIME.match(raw):
        return value
    if abs((date.fromisoformat(day_in_url) - date.fromisoformat(value)).days) == 1:
        return day_in_url
    return value


def page_url(tree: Any) -> str | None:
    """The page's own address as it states it: `<link rel="canonical">`, else `og:url`."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").strip():
            return link.get("href").strip()
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").lower() == "og:url" and (meta.get("content") or "").strip():
            return meta.get("content").strip()
    return None


def _checked(value: str | None, latest: date) -> str | None:
    value = iso_date(value)
    if value is None or not ("1990-01-01" <= value <= latest.isoformat()):
        return None
    return value


# -- structured metadata ---------------------------------------------------

def jsonld_date(tree: Any) -> str | None:
    """`datePublished` of the page's own JSON-LD object: an article first, else a page or a fact-check."""
    best: dict[int, str] = {}  # rank -> the first datePublished of that rank, as written
    for node in _jsonld_nodes(tree):
        types = {t.lower() for t in _types(node)}
        if types & NOT_THE_PAGE and not types & (ARTICLE_TYPES | PAGE_TYPES):
            continue
        value = _first_text(node.get("datePublished"))
        if value is None or not iso_date(value):
            continue
        rank = 0 if types & ARTICLE_TYPES else 1 if types & PAGE_TYPES else 2
        best.setdefault(rank, value)
    return best[min(best)] if best else None


def _jsonld_nodes(tree: Any) -> Iterator[dict]:
    """Top-level objects of every JSON-LD script, the members of their `@graph` and the `mainEntity` of each;
    never other nested objects (a ClaimReview's `itemReviewed`, a comment, an author)."""
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads((script.text or "").strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            members = [m for m in graph if isinstance(m, dict)] if isinstance(graph, list) else []
            for node in [item, *members]:
                yield node
                main = node.get("mainEntity")  # a WebPage whose main entity is the article
                if isinstance(main, dict):
                    yield main


def _types(node: dict) -> list[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return [value.rsplit("/", 1)[-1]]
    if isinstance(value, list):
        return [v.rsplit("/", 1)[-1] for v in value if isinstance(v, str)]
    return []


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if isinstance(value, dict):
        value = value.get("@value")
    return value if isinstance(value, str) else None


def meta_date(tree: Any) -> str | None:
    """The publication-date meta tags of the head, then `<meta itemprop="datePublished">` outside quotes."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = meta.get("content")
        if key in META_NAMES and key not in found and value and iso_date(value):
            found[key] = value
    for key in META_NAMES:
        if key in found:
            return found[key]
    for meta in tree.iter("meta"):
        value = meta.get("content")
        if (meta.get("itemprop") or "").strip().lower() == "datepublished" and iso_date(value) and not in_zone(meta):
            return value
    return None


def header_time_date(tree: Any) -> str | None:
    """A `<time datetime>` marked as the publication date or standing in the article's header.

    Marked: `itemprop="datePublished"` or `pubdate`. In the header: inside
    `<article><header>`, in a `<header>` holding the headline, or beside the
    headline (the `h1`'s parent or grandparent holds it). An "updated" time
    counts only when no other does; a time in a comment, a quote or a
    related-story box never.
    """
    h1 = next(iter(tree.iter("h1")), None)
    near_h1 = set()
    if h1 is not None:
        parent = h1.getparent()
        for container in (parent, parent.getparent() if parent is not None else None):
            if container is not None and container.tag not in ("body", "html"):
                near_h1.add(container)
    marked, header, updated = [], [], []
    for el in tree.iter("time"):
        value = el.get("datetime")
        if not iso_date(value) or in_zone(el):
            continue
        label = " ".join(filter(None, [el.get("class"), el.get("itemprop"), el.get("id")]))
        if _UPDATED.search(label):
            updated.append(value)
            continue
        if (el.get("itemprop") or "").lower() == "datepublished" or el.get("pubdate") is not None:
            marked.append(value)
        elif _in_article_header(el, near_h1):
            header.append(value)
    for values in (marked, header, updated if (marked or header) else []):
        if values:
            return values[0]
    return None


def _in_article_header(el: Any, near_h1: set) -> bool:
    ancestors = list(el.iterancestors())
    for i, anc in enumerate(ancestors):
        if anc.tag == "header":
            if any(a.tag == "article" for a in ancestors[i + 1:]) or next(iter(anc.iter("h1")), None) is not None:
                return True
        if anc in near_h1:
            return _before_body(anc, el)
    return False


BODY_PARAGRAPH = 80  # characters: a paragraph this long is the article's text, not its header


def _before_body(container: Any, el: Any) -> bool:
    """Whether `el` comes before the first paragraph of text in `container` (a byline, not a date in the story)."""
    for node in container.iter():
        if node is el:
            return True
        if node.tag == "p" and len(node.text_content().strip()) >= BODY_PARAGRAPH:
            return False
    return False


def in_zone(el: Any) -> bool:
    """Whether `el` sits in a region that holds no date of the page: a comment, a quote, a related box."""
    for anc in [el, *el.iterancestors()]:
        tag = anc.tag if isinstance(anc.tag, str) else ""
        if tag in ("body", "html", "head"):
            return False
        if tag in _ZONE_TAGS:
            return True
        if (anc.get("itemprop") or "").strip().lower() in _ZONE_ITEMPROPS:
            return True
        if _ZONE_ITEMTYPES.search(anc.get("itemtype") or ""):
            return True
        if _zone_label(anc):
            return True
    return False


def _zone_label(el: Any) -> bool:
    tokens = [*(el.get("class") or "").split(), (el.get("id") or "").strip()]
    return any(token and _ZONE_TOKEN.match(token) for token in tokens)


# -- guesses ---------------------------------------------------------------

def url_date(url: str | None) -> str | None:
    """A date in the path of the page's URL (`/2024/03/05/`, `/2024-03-05-`); never in its query string."""
    if not url:
        return None
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", path, flags=re.IGNORECASE)
    m = _URL_DATE.search(path)
    return _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def guess_tree(tree: Any) -> Any:
    """A copy of the page for htmldate: no scripts, comments, quotes, related boxes or tracking attributes."""
    copy = deepcopy(tree)
    for el in list(copy.iter(*_STRIPPED_TAGS, "link")):
        _drop(el)
    for el in list(copy.iter("meta")):
        key = " ".join(filter(None, [el.get("name"), el.get("property"), el.get("itemprop"), el.get("http-equiv")]))
        if not _META_KEPT.search(key):
            _drop(el)
    for el in [el for el in copy.iter() if isinstance(el.tag, str) and el.tag != "meta"]:
        if el.getparent() is not None and el.tag not in ("body", "head") and _zone_here(el):
            _drop(el)
    for el in copy.iter():
        if isinstance(el.tag, str) and el.attrib:
            kept = [(k, v) for k, v in el.attrib.items() if k.lower() in _KEPT_ATTRIBUTES]
            el.attrib.clear()
            for k, v in kept:
                el.set(k, v)
    return copy


def _zone_here(el: Any) -> bool:
    """`in_zone` for the element itself (its ancestors are dropped before it, when they are zones)."""
    if el.tag in _ZONE_TAGS:
        return True
    if (el.get("itemprop") or "").strip().lower() in _ZONE_ITEMPROPS:
        return True
    if _ZONE_ITEMTYPES.search(el.get("itemtype") or ""):
        return True
    return _zone_label(el)


def _drop(el: Any) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:  # keep the text that follows the element
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _htmldate(tree: Any, extensive: bool) -> str | None:
    try:
        from htmldate import find_date

        return find_date(tree, extensive_search=extensive, original_date=True)
    except Exception:  # noqa: BLE001 - htmldate on a hostile page: no date rather than no article
        return None
