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
    "concurrent_outlets": 64,  # outlets crawled at once (crawler.runner)
}
CONTACT_RE = re.compile(r"mailto:|@|https?://")


class CrawlSettingsError(ValueError):
    """A [crawl] value of settings.toml that cannot be used; the message names the key."""


# What each limit must be. A limit of 0 is no limit to Scrapy (DOWNLOAD_TIMEOUT, DOWNLOAD_MAXSIZE):
# one page of any size, a server that never finishes. So the limits must be above 0.
_NUMBERS: dict[str, tuple[bool, bool, str]] = {  # key -> (whole number, 0 allowed, what it counts)
    "download_timeout": (False, False, "seconds"),
    "max_page_bytes": (True, False, "bytes"),
    "retry_times": (True, True, "retries"),
    "retry_backoff": (False, True, "seconds"),
    "retry_backoff_max": (False, True, "seconds"),
    "max_redirects": (True, True, "redirects"),
    "concurrent_outlets": (True, False, "outlets"),
}


def crawl_problems(crawl: Any) -> list[tuple[str, str]]:
    """Every problem of a [crawl] table, as (key, what is wrong); [] when it can be used."""
    import difflib
    import math

    if not isinstance(crawl, dict):
        return [("", f"must be a table (got {crawl!r})")]
    problems = []
    for key in sorted(set(crawl) - set(DEFAULTS)):
        close = difflib.get_close_matches(key, list(DEFAULTS), n=1, cutoff=0.75)
        problems.append((key, "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")))
    opts = {**DEFAULTS, **crawl}
    if not isinstance(opts["user_agent"], str) or not CONTACT_RE.search(opts["user_agent"]):
        problems.append(("user_agent", "must name a contact address (e.g. 'newsmon/0.1 (+mailto:you@example.org)')"))
    for key, (whole, zero_ok, unit) in _NUMBERS.items():
        value = opts[key]
        number = isinstance(value, int) if whole else isinstance(value, (int, float))
        if (not number or isinstance(value, bool) or not math.isfinite(value)
                or value < 0 or (value == 0 and not zero_ok)):
            kind = "a whole number" if whole else "a number"
            bound = ">= 0" if zero_ok else "> 0 (0 would mean no limit)"
            problems.append((key, f"must be {kind} of {unit} {bound} (got {value!r})"))
    if not isinstance(opts["autothrottle"], bool):
        problems.append(("autothrottle", f"must be true or false (got {opts['autothrottle']!r})"))
    return problems


def crawl_options(crawl: dict[str, Any]) -> dict[str, Any]:
    """The [crawl] table merged over the defaults, checked (CrawlSettingsError names the first problem)."""
    problems = crawl_problems(crawl)
    if problems:
        key, message = problems[0]
        raise CrawlSettingsError(f"settings.toml: [crawl] {key}: {message}".replace("] : ", "]: "))
    return {**DEFAULTS, **crawl}


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
        "NEWSMON_CONCURRENT_OUTLETS": int(opts["concurrent_outlets"]),
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
