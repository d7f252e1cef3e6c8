"""Downloader middlewares: retries that back off, redirects kept on the outlet's hosts, robots.txt by RFC 9309."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from scrapy import Request, signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from crawler.urls import same_site

BACKOFF_META = "newsmon_backoff"


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (5xx, 429, timeouts, dropped connections) with exponential back-off.

    The n-th retry of a request waits RETRY_BACKOFF_BASE * 2**(n-1) seconds (at
    most RETRY_BACKOFF_MAX), or what the server's Retry-After asks for when that
    is longer and still under the maximum.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self._retry_after: float = 0.0

    def process_response(self, request, response):  # type: ignore[override]  # spider: deprecated, not passed
        self._retry_after = _retry_after_seconds(response.headers.get(b"Retry-After"))
        try:
            return super().process_response(request, response)
        finally:
            self._retry_after = 0.0

    def _retry(self, request, reason):
        new = super()._retry(request, reason)
        if new is not None:
            attempt = int(new.meta.get("retry_times", 1))
            delay = self.backoff_base * 2 ** (attempt - 1)
            delay = min(self.backoff_max, max(delay, self._retry_after))
            new.meta[BACKOFF_META] = delay
            self.crawler.stats.inc_value("newsmon/retries")
        return new


class BackoffDelayMiddleware:
    """Waits the back-off of a retried request before it goes to the downloader (other requests go on)."""

    async def process_request(self, request):
        delay = request.meta.pop(BACKOFF_META, 0)
        if delay:
            await asyncio.sleep(delay)
        return None


def _retry_after_seconds(value: bytes | None) -> float:
    if not value:
        return 0.0
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class OffsiteRedirectMiddleware:
    """Never follow a redirect off the outlet's hosts.

    The spider's requests skip Scrapy's duplicate and off-site filters (it
    does its own checks on normalised URLs), so a redirect is checked here:
    a redirected request to a host outside `allowed_domains` is dropped.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not request.meta.get("redirect_urls"):
            return None
        hosts = getattr(self.crawler.spider, "allowed_domains", None)
        if hosts and not same_site(request.url, hosts):
            raise IgnoreRequest(f"Filtered offsite request to {urlsplit(request.url).hostname!r}")
        return None


class RobotsUnavailable:
    """The rules of a host whose robots.txt answered 5xx: nothing may be fetched (RFC 9309, 2.3.1.4)."""

    def __init__(self, status: int):
        self.status = status

    def allowed(self, url, user_agent) -> bool:
        return False


class RobotsTxtRfcMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, reading the answer as RFC 9309 says.

    - 2xx: the file's rules.
    - 4xx: no rules (there is no robots.txt).
    - 5xx, after the usual retries: complete disallow for this run; each
      request refused says so ("robots.txt unavailable (http 503)").
    - 3xx: followed up to five redirects, to any host (the rules found there
      still apply to the host asked for); more than five: no rules.
    - no answer at all (network failure): no rules; the outlet's own requests
      fail the same way and are counted as errors.
    """

    MAX_REDIRECTS = 5

    def process_request_2(self, rp, request) -> None:
        if isinstance(rp, RobotsUnavailable):
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(f"robots.txt unavailable (http {rp.status}): every page of "
                                f"{urlsplit(request.url).netloc} disallowed")
        super().process_request_2(rp, request)

    async def robot_parser(self, request):
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            waiting = self._parsers[netloc] = Deferred()
            try:
                rules = await self._fetch_rules(f"{url.scheme}://{netloc}/robots.txt", request)
            except Exception as exc:  # noqa: BLE001 - unreachable: no rules (the pages fail the same way)
                if not isinstance(exc, IgnoreRequest):
                    self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
                rules = None
            self._parsers[netloc] = rules
            waiting.callback(rules)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _fetch_rules(self, robots_url: str, request):
        url = robots_url
        for _redirect in range(self.MAX_REDIRECTS + 1):
            response = await self.crawler.engine.download_async(Request(
                url, priority=self.DOWNLOAD_PRIORITY, callback=NO_CALLBACK, dont_filter=True,
                meta={"dont_obey_robotstxt": True, "dont_redirect": True, "handle_httpstatus_all": True,
                      "allow_offsite": True}))
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            location = response.headers.get(b"Location")
            if 300 <= response.status < 400 and location:
                url = urljoin(response.url, location.decode("latin-1").strip())
                if urlsplit(url).scheme not in ("http", "https"):
                    return None
                continue
            if response.status >= 500:
                return RobotsUnavailable(response.status)
            if not 200 <= response.status < 300:
                return None
            rules = build_from_crawler(self._parserimpl, self.crawler, response.body)
            await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=rules,
                                                            request=request)
            return rules
        return None  # more than five redirects: taken as no robots.txt
