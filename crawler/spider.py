"""The one spider: driven by an outlet config, it finds article URLs and fetches only new ones."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterator
from urllib.parse import urldefrag, urlparse

import scrapy
from scrapy.http import Response

from crawler import discovery
from crawler.sources import SourceConfig

HTML_TYPES = (b"text/html", b"application/xhtml+xml")


class SourceSpider(scrapy.Spider):
    """Crawl one outlet: feeds, sitemaps and listing pages lead to articles.

    `known_urls` are the URLs already stored: they are never requested again.
    """

    name = "newsmon-source"

    def __init__(self, source: SourceConfig, known_urls: set[str] | None = None, max_new_articles: int | None = None, **kwargs: Any):
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.allowed_domains = source.hosts()
        self.known_urls = known_urls or set()
        self.max_new_articles = min(max_new_articles or source.max_new_articles, source.max_new_articles)
        self._article_res = [re.compile(p) for p in source.article_url_patterns]
        self._deny_res = [re.compile(p) for p in source.deny_url_patterns]
        self._requested: set[str] = set()
        self.skipped: Counter[str] = Counter()
        self.article_requests = 0

    async def start(self):
        for url in self.source.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, dont_filter=True)
        for url in self.source.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error, dont_filter=True)
        for url in self.source.start_urls:
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                                 cb_kwargs={"depth": 0}, dont_filter=True)

    # -- discovery -------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        links = discovery.feed_links(response.body, response.url)
        if links is None:
            self.skip("malformed feed", response.url)
            return
        for link in links:
            yield from self.consider_article(link.url, link.published)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        parsed = discovery.sitemap_links(response.body, response.url)
        if parsed is None:
            self.skip("malformed sitemap", response.url)
            return
        pages, nested = parsed
        for url in nested:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for link in pages:
            yield from self.consider_article(link.url, link.published)

    def parse_listing(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        if not self._is_html(response):
            self.skip("listing not html", response.url)
            return
        for anchor in response.css("a[href]"):
            href = anchor.attrib.get("href", "")
            url = self.normalise(response.urljoin(href))
            if not url or not self._allowed(url):
                continue
            if self.is_article_url(url):
                yield from self.consider_article(url, None)
            elif depth < self.source.listing_depth and discovery.is_pagination_link(
                url, " ".join(anchor.css("::text").getall()), anchor.attrib.get("rel")
            ):
                if url not in self._requested:
                    self._requested.add(url)
                    yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                                         cb_kwargs={"depth": depth + 1})

    def consider_article(self, url: str, published: str | None) -> Iterator[scrapy.Request]:
        url = self.normalise(url)
        if not url or url in self._requested:
            return
        if not self._allowed(url):
            self.skip("off-site or denied", url)
            return
        if not self.is_article_url(url):
            self.skip("not an article url", url)
            return
        self._requested.add(url)
        if url in self.known_urls:
            self.skip("already stored", url)
            return
        if self.article_requests >= self.max_new_articles:
            self.skip("over the per-run cap", url)
            return
        self.article_requests += 1
        yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                             cb_kwargs={"published": published, "requested_url": url})

    # -- articles --------------------------------------------------------
    def parse_article(self, response: Response, published: str | None, requested_url: str) -> Iterator[dict]:
        if not self._is_html(response):
            self.skip("not html", response.url)
            return
        if not response.body.strip():
            self.skip("empty page", response.url)
            return
        yield {
            "url": self.normalise(response.url) or response.url,
            "requested_url": requested_url,
            "source": self.source.name,
            "html": response.body,
            "published": published,
        }

    # -- helpers ---------------------------------------------------------
    def normalise(self, url: str) -> str | None:
        url, _fragment = urldefrag(url.strip())
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https"):
            return None
        return url

    def is_article_url(self, url: str) -> bool:
        return any(p.search(url) for p in self._article_res)

    def _allowed(self, url: str) -> bool:
        host = urlparse(url).hostname or ""
        if self.allowed_domains and not any(host == d or host.endswith("." + d) for d in self.allowed_domains):
            return False
        return not any(p.search(url) for p in self._deny_res)

    @staticmethod
    def _is_html(response: Response) -> bool:
        ctype = (response.headers.get(b"Content-Type") or b"text/html").lower()
        return any(t in ctype for t in HTML_TYPES)

    def skip(self, reason: str, url: str) -> None:
        self.skipped[reason] += 1
        self.logger.debug("skip (%s): %s", reason, url)

    def on_error(self, failure) -> None:
        request = getattr(failure, "request", None)
        self.skipped["error: " + failure.type.__name__] += 1
        self.crawler.stats.inc_value("newsmon/errors")
        self.logger.warning("%s: %s", getattr(request, "url", "?"), failure.getErrorMessage())
