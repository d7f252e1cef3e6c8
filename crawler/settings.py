"""Scrapy settings for newsmon crawls, built from `config/settings.toml` ([crawl] table)."""

from __future__ import annotations

import re
from typing import Any

from crawler.sources import SourceConfig

# Limits that protect an unattended run from one misbehaving server.
DEFAULTS: dict[str, Any] = {
    "user_agent": "newsmon/0.1 (+mailto:newsmon@example.org)",
    "download_timeout": 20,
    "max_page_bytes": 5 * 1024 * 1024,
    "retry_times": 2,
    "retry_backoff": 2.0,
    "retry_backoff_max": 60.0,
    "autothrottle": True,
    "max_redirects": 5,
}
CONTACT_RE = re.compile(r"mailto:|@|https?://")


class CrawlSettingsError(ValueError):
    """A [crawl] value of settings.toml that cannot be used; the message names the key."""


def crawl_options(crawl: dict[str, Any]) -> dict[str, Any]:
    """The [crawl] table merged over the defaults, checked."""
    unknown = set(crawl) - set(DEFAULTS)
    if unknown:
        raise CrawlSettingsError(f"settings.toml: [crawl] unknown key(s): {', '.join(sorted(unknown))}")
    opts = {**DEFAULTS, **crawl}
    if not isinstance(opts["user_agent"], str) or not CONTACT_RE.search(opts["user_agent"]):
        raise CrawlSettingsError("settings.toml: [crawl] user_agent must name a contact address "
                                 "(e.g. 'newsmon/0.1 (+mailto:you@example.org)')")
    for key in ("download_timeout", "max_page_bytes", "retry_times", "retry_backoff", "retry_backoff_max",
                "max_redirects"):
        if not isinstance(opts[key], (int, float)) or isinstance(opts[key], bool) or opts[key] < 0:
            raise CrawlSettingsError(f"settings.toml: [crawl] {key} must be a number >= 0 (got {opts[key]!r})")
    return opts


def scrapy_settings(crawl: dict[str, Any], *, log_level: str = "ERROR") -> dict[str, Any]:
    """The process-wide Scrapy settings; `crawl` is the `[crawl]` table of settings.toml."""
    opts = crawl_options(crawl)
    return {
        "BOT_NAME": "newsmon",
        "USER_AGENT": opts["user_agent"],
        "ROBOTSTXT_OBEY": True,
        # Scrapy 2.19 otherwise starts an HTTP server that runs Python sent to it.
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "DOWNLOAD_TIMEOUT": opts["download_timeout"],
        "DOWNLOAD_MAXSIZE": int(opts["max_page_bytes"]),
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": int(opts["retry_times"]),
        "RETRY_BACKOFF_BASE": float(opts["retry_backoff"]),
        "RETRY_BACKOFF_MAX": float(opts["retry_backoff_max"]),
        "RETRY_GIVE_UP_LOG_LEVEL": "DEBUG",  # the outlet's summary counts what failed
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.BackoffRetryMiddleware": 550,
            "crawler.middlewares.BackoffDelayMiddleware": 560,
            "crawler.middlewares.OffsiteRedirectMiddleware": 55,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.RobotsTxtRfcMiddleware": 100,
        },
        "AUTOTHROTTLE_ENABLED": bool(opts["autothrottle"]),
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "REDIRECT_MAX_TIMES": int(opts["max_redirects"]),
        "METAREFRESH_ENABLED": True,
        "LOG_LEVEL": log_level,
        "LOG_FORMAT": "%(asctime)s %(name)s %(levelname)s: %(message)s",
        "ITEM_PIPELINES": {"crawler.pipelines.StoragePipeline": 300},
        "HTTPERROR_ALLOW_ALL": False,
        "DNS_TIMEOUT": min(20, max(1, int(opts["download_timeout"]))),
        # One outlet per crawler: a failing outlet never holds up the others.
        "CONCURRENT_REQUESTS": 4,
        "STATS_DUMP": False,
        "LOGSTATS_INTERVAL": 0,
    }


def per_source_settings(source: SourceConfig, crawl: dict[str, Any] | None = None) -> dict[str, Any]:
    """Settings that differ per outlet (politeness)."""
    opts = crawl_options(crawl or {})
    autothrottle = opts["autothrottle"] if source.politeness.autothrottle is None else source.politeness.autothrottle
    delay = source.politeness.download_delay
    return {
        "DOWNLOAD_DELAY": delay,
        "RANDOMIZE_DOWNLOAD_DELAY": delay > 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.politeness.concurrency,
        "CONCURRENT_REQUESTS": source.politeness.concurrency,
        "AUTOTHROTTLE_ENABLED": bool(autothrottle),
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(source.politeness.concurrency),
    }
