"""Downloader middlewares: retries that back off instead of hammering a struggling server."""

from __future__ import annotations

import asyncio
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest

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

    def process_response(self, request, response):
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
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


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
