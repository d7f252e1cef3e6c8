"""The one spider: driven by an outlet config, it finds article URLs and fetches only new ones.

Discovery documents (feeds, sitemaps, robots.txt `Sitemap:` lines, listing
pages) lead to article URLs. Each URL is normalised and checked against the
database before it is requested, so a page already stored is never fetched
again. Every URL or page left aside is counted under its reason
(`spider.skipped`, written to `crawl_runs.skipped`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response

from crawler import discovery
from crawler.pages import keep_http_charset, page_problem
from crawler.sources import SourceConfig
from crawler.urls import normalise_url, same_site

# URL endings that are files, not article pages: never requested as articles.
FILE_EXTENSIONS = re.compile(
    r"\.(pdf|jpe?g|png|gif|webp|svg|bmp|tiff?|ico|mp[34]|m4a|m4v|mov|avi|webm|ogg|wav|zip|gz|rar|7z|"
    r"docx?|xlsx?|pptx?|odt|ods|epub|exe|dmg|apk|css|js|json|xml|rss|atom|txt|csv)$", re.I)
CANONICAL_RE = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.I)
HREF_RE = re.compile(rb"\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)


@dataclass
class DiscoveryDoc:
    """A feed or sitemap fetched in this run, and whether its validators may be saved."""

    url: str
    kind: str
    status: int = 0
    links: int = 0
    etag: str | None = None
    last_modified: str | None = None
    complete: bool = True  # False when one of its new articles was capped, or it was malformed or failed
    nested: int = 0  # sitemaps it lists (a sitemap index)


@dataclass
class TryRecord:
    """`newsmon sources try`: what the crawl would do with each URL, and the first pages fetched."""

    documents: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, url, outcome)
    # found from the homepage: its <link rel="alternate"> feeds, and the Sitemap: lines of robots.txt
    discovered: dict[str, list[str]] = field(default_factory=lambda: {"feeds": [], "sitemaps": []})
    articles: list[tuple[str, str]] = field(default_factory=list)  # (url, "new" | skip reason)
    samples: list[dict] = field(default_factory=list)


class SourceSpider(scrapy.Spider):
    """Crawl one outlet: feeds, sitemaps and listing pages lead to new articles.

    `db` (a sqlite-utils Database or None) answers "is this URL stored?" and
    holds the feeds' validators. In `try_mode` nothing is stored: article URLs
    are recorded in `self.tried`, and only the first `try_samples` are fetched.
    """

    name = "newsmon-source"
    storage_halt = None  # a crawler.halt.StorageHalt shared by the run's crawlers (set by crawler.runner)

    def __init__(self, source: SourceConfig, db=None, max_new_articles: int | None = None,
                 try_mode: bool = False, try_samples: int = 3, **kwargs: Any):
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.db = db
        self.allowed_domains = source.hosts()
        self.max_new_articles = min(max_new_articles or source.max_new_articles, source.max_new_articles)
        self.try_mode = try_mode
        self.try_samples = try_samples
        self.tried = TryRecord()
        self._article_res = [re.compile(p) for p in source.article_url_patterns]
        self._deny_res = [re.compile(p) for p in source.deny_url_patterns]
        self._listing_res = [re.compile(p) for p in source.listing_url_patterns]
        self._seen: set[str] = set()  # feeds, sitemaps and listing pages requested in this run
        self._articles: dict[str, str] = {}  # article URL -> what was decided in this run
        self.docs: dict[str, DiscoveryDoc] = {}
        self.skipped: Counter[str] = Counter()
        self.article_requests = 0
        self.article_links = 0  # article URLs found (new or not): 0 several runs in a row = layout changed?
        self.discovery_ok = 0
        self.discovery_failed = 0
        self.errors = 0
        self.extract_failures: list[tuple[int, str, str]] = []  # (article id, url, error): stored, not extracted
        # Article URLs requested and not stored yet -> the feeds and sitemaps that listed them.
        # A feed's validators are saved only when none of its articles is left here.
        self._unfinished: dict[str, set[str]] = {}
        self.close_reason: str | None = None
        self.oldest = (date.today() - timedelta(days=source.sitemap_max_age_days)).isoformat() \
            if source.sitemap_max_age_days else None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._on_item_error, signal=signals.item_error)
        return spider

    # -- start -----------------------------------------------------------
    async def start(self):
        if self.source.homepage:
            yield self._document_request(self.source.homepage, "homepage", self.parse_homepage)
        for url in self.source.feeds:
            yield self._document_request(url, "feed", self.parse_feed)
        for url in self.source.sitemaps:
            yield self._document_request(url, "sitemap", self.parse_sitemap)
        roots = []
        if self.source.homepage:  # an outlet given by its homepage: its robots.txt sitemaps too
            parts = urlsplit(self.source.homepage)
            roots.append(f"{parts.scheme}://{parts.netloc}")
        if self.source.robots_sitemaps:
            roots.extend(self.source.site_roots())
        for root in dict.fromkeys(roots):
            yield self._document_request(root + "/robots.txt", "robots", self.parse_robots)
        for url in self.source.start_urls:
            request = self._document_request(url, "listing", self.parse_listing)
            request.cb_kwargs["depth"] = 0
            yield request

    def _document_request(self, url: str, kind: str, callback) -> scrapy.Request:
        self._seen.add(normalise_url(url) or url)
        headers = {}
        meta: dict[str, Any] = {"kind": kind, "doc_url": url}
        if kind in ("feed", "sitemap"):
            self.docs[url] = DiscoveryDoc(url, kind)
            meta["handle_httpstatus_list"] = [304]
            if self.db is not None and not self.try_mode:
                from storage.feeds import feed_validators

                headers = feed_validators(self.db, url)
        return scrapy.Request(url, callback=callback, errback=self.on_error, headers=headers, meta=meta,
                              dont_filter=True)

    # -- discovery -------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        doc = self._document_answered(response, "feed")
        if doc is None:
            return
        links = discovery.feed_links(response.body, response.url)
        if links is None:
            self._malformed(doc, "malformed feed")
            return
        doc.links = len(links)
        self._record_doc("feed", response.url, f"{len(links)} links")
        for link in links:
            yield from self.consider_article(link.url, link.published, origin=doc.url)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        doc = self._document_answered(response, "sitemap")
        if doc is None:
            return
        parsed = discovery.sitemap_links(response.body, response.url)
        if parsed is None:
            self._malformed(doc, "malformed sitemap")
            return
        pages, nested = parsed
        doc.links = len(pages)
        doc.nested = len(nested)
        self._record_doc("sitemap", response.url, f"{len(pages)} links, {len(nested)} sitemaps")
        for url in nested:
            yield from self._follow_sitemap(url)
        for link in pages:
            if self.oldest and link.published and link.published < self.oldest:
                self.skip("older than sitemap_max_age_days", link.url)
                continue
            yield from self.consider_article(link.url, link.published, origin=doc.url)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        self.discovery_ok += 1
        urls = discovery.robots_sitemaps(response.body)
        self._record_doc("robots", response.url, f"{len(urls)} sitemaps")
        for url in urls:
            for request in self._follow_sitemap(url):
                self.tried.discovered["sitemaps"].append(url)
                yield request

    def parse_homepage(self, response: Response) -> Iterator[scrapy.Request]:
        """The feeds the homepage announces (`<link rel="alternate">`), each fetched as a feed of the config."""
        problem = self._page_problem(response)
        if problem:
            self.discovery_failed += 1
            self.skip(f"homepage {problem}", response.url)
            self._record_doc("homepage", response.url, problem)
            return
        self.discovery_ok += 1
        feeds = discovery.alternate_feeds(response.body, response.url)
        comments = sum(feed.comments for feed in feeds)
        self._record_doc("homepage", response.url, f"{len(feeds)} feeds announced"
                         + (f" ({comments} of reader comments: not followed)" if comments else ""))
        for feed in feeds:
            if feed.comments:
                self.skip("comments feed not followed", feed.url)
                continue
            norm = normalise_url(feed.url)
            if norm is None or norm in self._seen:  # listed in the config, or announced twice
                continue
            if not same_site(norm, self.allowed_domains):
                self.skip("off-site feed", feed.url)
                self._record_doc("feed", feed.url, "off-site: not followed")
                continue
            self.tried.discovered["feeds"].append(feed.url)
            yield self._document_request(feed.url, "feed", self.parse_feed)

    def _follow_sitemap(self, url: str) -> Iterator[scrapy.Request]:
        norm = normalise_url(url)
        if norm is None or norm in self._seen:
            return
        if not same_site(norm, self.allowed_domains):
            self.skip("off-site sitemap", url)
            return
        if len(self.docs) >= discovery.MAX_SITEMAPS:
            self.skip("too many sitemaps", url)
            return
        yield self._document_request(url, "sitemap", self.parse_sitemap)

    def parse_listing(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        problem = self._page_problem(response)
        if problem:
            self.discovery_failed += 1
            self.skip(f"listing {problem}", response.url)
            self._record_doc("listing", response.url, problem)
            return
        self.discovery_ok += 1
        on_page: dict[str, str] = {}  # article URL -> decision
        next_pages: list[str] = []
        sections: list[str] = []
        for anchor in response.css("a[href], link[rel~=next][href]"):
            url = normalise_url(response.urljoin(anchor.attrib.get("href", "")),
                                drop_params=self.source.drop_query_params)
            if not url:
                continue
            if self.is_article_url(url):
                if url not in on_page:
                    on_page[url] = yield from self.consider_article(url, None, origin=None)
                continue
            if depth >= self.source.listing_depth or url in self._seen or not self._on_site(url) or self._denied(url):
                continue
            text = " ".join(anchor.css("::text").getall())
            if discovery.is_pagination_link(url, text, anchor.attrib.get("rel")):
                next_pages.append(url)
            elif any(p.search(url) for p in self._listing_res):
                sections.append(url)
        unseen = sum(outcome in ("new", "capped") for outcome in on_page.values())
        self._record_doc("listing", response.url, f"{len(on_page)} article links, {unseen} new")
        if self.source.stop_at_seen_page and unseen == 0 and next_pages:
            self.skip("pagination stopped: no unseen article on the page", response.url)
            next_pages = []
        if self.article_requests >= self.max_new_articles:
            next_pages = []
        for url in dict.fromkeys([*next_pages, *sections]):
            if url in self._seen:
                continue
            self._seen.add(url)
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                                 meta={"kind": "listing"}, cb_kwargs={"depth": depth + 1}, dont_filter=True)

    def consider_article(self, url: str, published: str | None, origin: str | None):
        """Request `url` when it is a new article of this outlet; return what was decided.

        A generator (yields the request, if any) that returns "new", "capped",
        "known" or "skipped"; for a URL met before in this run, the first decision.
        """
        norm = normalise_url(url, drop_params=self.source.drop_query_params)
        if norm is None:
            self.skip("not an http(s) URL", url)
            return "skipped"
        if norm in self._articles:  # found earlier in this run (a feed and a listing, say)
            if self._articles[norm] == "capped":
                self._incomplete(origin)
            if origin and norm in self._unfinished:
                self._unfinished[norm].add(origin)
            return self._articles[norm]
        outcome = self._articles[norm] = self._decide(norm, url, origin)
        if outcome != "new" or (self.try_mode and self.article_requests >= self.try_samples):
            return outcome
        self._unfinished[norm] = {origin} if origin else set()
        self.article_requests += 1
        self.crawler.stats.inc_value("newsmon/article_requests")
        yield scrapy.Request(norm, callback=self.parse_article, errback=self.on_error, dont_filter=True,
                             meta={"kind": "article", "origin": origin},
                             cb_kwargs={"published": published, "requested_url": norm})
        return "new"

    def _decide(self, norm: str, url: str, origin: str | None) -> str:
        reason = self.article_url_problem(norm)
        if reason:
            self.skip(reason, norm)
            self._tried(norm, reason)
            return "skipped"
        self.article_links += 1
        if self._is_stored(norm, url):
            self.skip("already stored", norm)
            self._tried(norm, "already stored")
            return "known"
        if self.article_requests >= self.max_new_articles:
            self.skip("over the per-run cap (max_new_articles)", norm)
            self._tried(norm, "over the per-run cap (max_new_articles)")
            self._incomplete(origin)
            return "capped"
        self._tried(norm, "new")
        return "new"

    def article_url_problem(self, url: str) -> str | None:
        """Why `url` is not treated as an article of this outlet (None: it is one)."""
        if not self._on_site(url):
            return "off-site"
        if self._denied(url):
            return "denied by deny_url_patterns"
        if FILE_EXTENSIONS.search(urlsplit(url).path):
            return "a file, not a page (by its extension)"
        if self._article_res and not self.is_article_url(url):
            return "not an article URL (article_url_patterns)"
        return None

    # -- articles --------------------------------------------------------
    def parse_article(self, response: Response, published: str | None, requested_url: str) -> Iterator[dict]:
        problem = self._page_problem(response)
        if problem:  # not stored: left in `_unfinished`, so its feed is read in full next time
            self.skip(problem, response.url)
            return
        url = normalise_url(response.url, drop_params=self.source.drop_query_params) or requested_url
        if self.try_mode:
            self.tried.samples.append({"url": url, "requested_url": requested_url, "html": response.body,
                                       "published": published})
            return
        yield {
            "url": url,
            "urls": [requested_url] if requested_url != url else [],
            # Stored under it only when its stored text is this page's (the pipeline checks).
            "canonical": self._canonical_candidate(response, url),
            "source": self.source.name,
            "html": keep_http_charset(response.body, response.headers.get(b"Content-Type")),
            "published": published,
            "requested_url": requested_url,
        }

    def article_stored(self, requested_url: str) -> None:
        """The pipeline stored the page requested as `requested_url` (under it or another address)."""
        self._unfinished.pop(requested_url, None)

    def extraction_failed(self, article_id: int, url: str, error: str) -> None:
        """A page was stored without its clean text or claims: an error of this run, named in its summary."""
        self.extract_failures.append((article_id, url, error))
        self.crawler.stats.inc_value("newsmon/errors")

    # -- helpers ---------------------------------------------------------
    def is_article_url(self, url: str) -> bool:
        return any(p.search(url) for p in self._article_res)

    def _on_site(self, url: str) -> bool:
        return not self.allowed_domains or same_site(url, self.allowed_domains)

    def _denied(self, url: str) -> bool:
        return any(p.search(url) for p in self._deny_res)

    def _is_stored(self, norm: str, raw: str) -> bool:
        if self.db is None:
            return False
        from storage.articles import is_known_url_any

        return is_known_url_any(self.db, {norm, raw.strip()})

    def _canonical_candidate(self, response: Response, url: str) -> str | None:
        """The page's rel=canonical when it names another article URL of this outlet, else None.

        A canonical link naming a front page, a listing, another host or any
        URL that is no article of the outlet is ignored (and counted): a site
        whose every page says `href="/"` must not have all its articles stored
        as one.
        """
        if not self.source.canonical:
            return None
        canonical = self._canonical(response)
        if not canonical or canonical == url:
            return None
        problem = self.article_url_problem(canonical)
        if problem is None and canonical in self._seen:
            problem = "a feed, sitemap or listing page"
        if problem is None and not self._article_res and urlsplit(canonical).path in ("", "/"):
            problem = "the site's front page"
        if problem:
            self.skip(f"canonical ignored: {problem}", canonical)
            return None
        return canonical

    def _canonical(self, response: Response) -> str | None:
        head = response.body[:200_000]
        for tag in CANONICAL_RE.findall(head):
            m = HREF_RE.search(tag)
            if m:
                href = next(g for g in m.groups() if g is not None).decode("utf-8", "replace").strip()
                if href:
                    return normalise_url(response.urljoin(href), drop_params=self.source.drop_query_params)
        return None

    @staticmethod
    def _page_problem(response: Response) -> str | None:
        """Why a response is no HTML page worth keeping (None: it is one); see `crawler.pages`."""
        return page_problem(response.body, response.headers.get(b"Content-Type"), response.url)

    def _document_answered(self, response: Response, kind: str) -> DiscoveryDoc | None:
        key = response.meta.get("doc_url") or response.url  # the URL in the config, even after a redirect
        doc = self.docs.setdefault(key, DiscoveryDoc(key, kind))
        doc.status = response.status
        self.discovery_ok += 1
        if response.status == 304:
            self.skip(f"{kind} not modified (304)", response.url)
            self._record_doc(kind, response.url, "not modified (304)")
            return None
        doc.etag = _header(response, b"ETag")
        doc.last_modified = _header(response, b"Last-Modified")
        return doc

    def _malformed(self, doc: DiscoveryDoc, reason: str) -> None:
        self.skip(reason, doc.url)
        self._record_doc(doc.kind, doc.url, reason)
        doc.complete = False
        self.discovery_ok -= 1
        self.discovery_failed += 1

    def _incomplete(self, origin: str | None) -> None:
        if origin and origin in self.docs:
            self.docs[origin].complete = False

    def _record_doc(self, kind: str, url: str, outcome: str) -> None:
        if self.try_mode:
            self.tried.documents.append((kind, url, outcome))

    def _tried(self, url: str, outcome: str) -> None:
        if self.try_mode:
            self.tried.articles.append((url, outcome))

    def skip(self, reason: str, url: str) -> None:
        self.skipped[reason] += 1
        self.logger.debug("skip (%s): %s", reason, url)

    def on_error(self, failure) -> None:
        request = getattr(failure, "request", None)
        url = getattr(request, "url", "?")
        meta = request.meta if request is not None else {}
        kind = meta.get("kind", "page")
        reason, is_error = classify_failure(failure)
        if kind == "robots" and reason.startswith("http 4"):  # no robots.txt: nothing to read
            is_error = False
        if kind in ("feed", "sitemap", "listing", "robots", "homepage"):
            doc_url = meta.get("doc_url", url)
            if kind in ("feed", "sitemap") and doc_url in self.docs:
                self.docs[doc_url].complete = False
            if is_error:
                self.discovery_failed += 1
            self._record_doc(kind, url, reason)
            reason = f"{kind} {reason}"
        else:  # an article: left in `_unfinished`, so its feed is read in full next time
            self._tried(url, reason)
        self.skipped[reason] += 1
        if is_error:
            self.errors += 1
            self.crawler.stats.inc_value("newsmon/errors")
            self.logger.warning("%s: %s", url, reason)
        else:
            self.logger.info("skip (%s): %s", reason, url)

    def _on_spider_error(self, failure, response, spider) -> None:
        if spider is not self:
            return
        self.errors += 1
        self.skipped[f"error: {failure.type.__name__} in a callback"] += 1
        self.crawler.stats.inc_value("newsmon/errors")

    def _on_item_error(self, item, response, spider, failure) -> None:
        """A page fetched but not stored (the pipeline raised): an error, and its feed stays unfinished."""
        if spider is not self:
            return
        self.errors += 1
        self.skipped[f"error: {failure.type.__name__} while storing"] += 1
        self.crawler.stats.inc_value("newsmon/errors")
        self.logger.error("%s: not stored: %s: %s", item.get("url") if isinstance(item, dict) else "?",
                          failure.type.__name__, failure.value)

    def closed(self, reason: str) -> None:
        """Save the validators of every feed and sitemap all of whose new articles were stored.

        An article that failed, or that an interrupted run never fetched, leaves
        its feed without validators: the next run reads it in full and fetches
        that article then. (A run killed outright saves nothing here at all.)
        After a write the database refused (`storage_halt` tripped), none is
        saved: the validators of the last complete run stay, so the next run
        fetches in full whatever this one could not store.
        """
        self.close_reason = reason
        if self.db is None or self.try_mode:
            return
        if self.storage_halt is not None and self.storage_halt.tripped:
            return
        from storage.db import StorageError

        try:
            self._save_validators()
        except StorageError as exc:  # nothing lost (the next run fetches the feeds in full), but said
            if self.storage_halt is not None:
                self.storage_halt.trip(exc, self.source.name, page_lost=False)
            else:
                raise

    def _save_validators(self) -> None:
        from storage.db import write_transaction
        from storage.feeds import save_feed_state

        unfinished = set().union(*self._unfinished.values())
        with write_transaction(self.db):
            for doc in self.docs.values():
                if doc.url in unfinished:
                    doc.complete = False
                if doc.nested:
                    # A sitemap index is always fetched in full: the sitemaps it lists change
                    # while it does not, and each of them is fetched conditionally.
                    save_feed_state(self.db, url=doc.url, source=self.source.name, etag=None,
                                    last_modified=None, status=doc.status, links=doc.links)
                elif doc.status == 304 or (doc.status == 200 and doc.complete):
                    save_feed_state(self.db, url=doc.url, source=self.source.name, etag=doc.etag,
                                    last_modified=doc.last_modified, status=doc.status,
                                    links=doc.links if doc.status == 200 else None)
                elif doc.status:
                    # Something was left for later: the next run fetches the feed in full.
                    save_feed_state(self.db, url=doc.url, source=self.source.name, etag=None,
                                    last_modified=None, status=doc.status, links=doc.links)


def classify_failure(failure) -> tuple[str, bool]:
    """(reason, is_error) for a failed request: an error is the server's or the network's fault;
    the rest (robots.txt, size cap, redirect loops) are pages skipped on purpose."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError

    exc = failure.value
    name = type(exc).__name__
    message = str(exc)
    if isinstance(exc, HttpError):
        return f"http {exc.response.status}", True
    if isinstance(exc, IgnoreRequest):
        if message.startswith("robots.txt unavailable"):  # a 5xx: nothing may be fetched (RFC 9309)
            return message.split(":", 1)[0], True
        if "robots.txt" in message:
            return "forbidden by robots.txt", False
        if "redirections" in message:
            return "too many redirects (chain or loop)", False
        if "offsite" in message.lower():
            return "redirected off-site", False
        return f"ignored ({message})", False
    if name == "DownloadCancelledError" or "max size" in message or "larger than download" in message:
        return "over the size cap (max_page_bytes)", False
    if "Timeout" in name or "timed out" in message.lower():
        return "timeout", True
    if "ConnectionRefused" in name or "refused" in message.lower():
        return "connection refused", True
    if "DNS" in name or "CannotResolveHost" in name or "DNSLookup" in name:
        return "host not found", True
    if name in ("ResponseNeverReceived", "ConnectionLost", "ConnectionDone", "ResponseFailed",
                "ResponseDataLossError", "DownloadFailedError", "ConnectError", "TCPTimedOutError"):
        return "connection lost", True
    return f"error: {name}", True


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
