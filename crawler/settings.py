"""Scrapy settings for newsmon crawls, built from `config/settings.toml`."""

from __future__ import annotations

from typing import Any

from crawler.sources import SourceConfig

# Limits that protect an unattended run from one misbehaving server.
DEFAULTS: dict[str, Any] = {
    "user_agent": "newsmon/0.1 (+mailto:newsmon@example.org)",
    "download_timeout": 20,
    "max_page_bytes": 5 * 1024 * 1024,
    "retry_times": 2,
    "autothrottle": True,
}


def scrapy_settings(crawl: dict[str, Any], *, log_level: str = "WARNING") -> dict[str, Any]:
    """The process-wide Scrapy settings; `crawl` is the `[crawl]` table of settings.toml."""
    opts = {**DEFAULTS, **crawl}
    return {
        "BOT_NAME": "newsmon",
        "USER_AGENT": opts["user_agent"],
        "ROBOTSTXT_OBEY": True,
        # Scrapy 2.19 otherwise starts an HTTP server that runs Python sent to it.
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "DOWNLOAD_TIMEOUT": opts["download_timeout"],
        "DOWNLOAD_MAXSIZE": opts["max_page_bytes"],
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": opts["retry_times"],
        "AUTOTHROTTLE_ENABLED": bool(opts["autothrottle"]),
        "AUTOTHROTTLE_START_DELAY": 0.5,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "REDIRECT_MAX_TIMES": 5,
        "LOG_LEVEL": log_level,
        "ITEM_PIPELINES": {"crawler.pipelines.StoragePipeline": 300},
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "HTTPERROR_ALLOW_ALL": False,
    }


def per_source_settings(source: SourceConfig) -> dict[str, Any]:
    """Settings that differ per outlet (politeness)."""
    return {
        "DOWNLOAD_DELAY": source.politeness.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.politeness.concurrency,
        "CONCURRENT_REQUESTS": source.politeness.concurrency,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(source.politeness.concurrency),
    }
