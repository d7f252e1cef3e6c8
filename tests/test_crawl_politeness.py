"""Politeness: per-outlet delay and concurrency, AutoThrottle settings, off-site redirects not followed."""

from __future__ import annotations

import itertools
import json

import pytest
import sqlite_utils

from crawler.settings import per_source_settings, scrapy_settings
from crawler.sources import SourceConfig
from tests.helpers import run_newsmon
from tests.servers import Route, SiteServer, article_html, filler, outlet_toml, redirect, rss, write_config


def test_outlet_politeness_becomes_scrapy_settings():
    source = SourceConfig.model_validate({"name": "x", "feeds": ["https://x.org/f"],
                                          "politeness": {"download_delay": 2.5, "concurrency": 3}})
    settings = per_source_settings(source, {"autothrottle": True})
    assert settings["DOWNLOAD_DELAY"] == 2.5
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 3 and settings["CONCURRENT_REQUESTS"] == 3
    assert settings["AUTOTHROTTLE_ENABLED"] is True and settings["AUTOTHROTTLE_TARGET_CONCURRENCY"] == 3.0
    off = SourceConfig.model_validate({"name": "y", "feeds": ["https://y.org/f"],
                                       "politeness": {"autothrottle": False}})
    assert per_source_settings(off, {"autothrottle": True})["AUTOTHROTTLE_ENABLED"] is False
    process = scrapy_settings({"user_agent": "bot (+mailto:me@example.org)"})
    assert process["ROBOTSTXT_OBEY"] is True and process["REMOTE_CONTROL_ENABLED"] is False
    assert process["USER_AGENT"] == "bot (+mailto:me@example.org)"


@pytest.mark.slow
def test_delay_and_concurrency_are_kept_and_offsite_redirects_not_followed(tmp_path):
    slugs = [f"p{i}" for i in range(1, 5)]
    routes = {f"/news/{s}/": Route(article_html(s, filler(3, s)), delay=0.2) for s in slugs}
    with SiteServer(routes) as polite, SiteServer() as other:
        polite.routes["/feed.xml"] = Route(rss([f"{{{{BASE}}}}/news/{s}/" for s in slugs] + ["{{BASE}}/news/away/"]),
                                           content_type="application/rss+xml")
        # The same machine under another name is another site.
        polite.routes["/news/away/"] = redirect(other.base.replace("127.0.0.1", "localhost") + "/news/away/")
        config = write_config(tmp_path, {"polite": outlet_toml("polite", polite.base, feeds=["/feed.xml"]).replace(
            "download_delay = 0.0\nconcurrency = 4", "download_delay = 0.5\nconcurrency = 1")})
        result = run_newsmon("crawl", "--config", str(config), "--db", str(tmp_path / "n.db"), timeout=120)
        assert result.returncode == 0, result.stderr
        times = sorted(h.at for h in polite.hits if h.path.startswith("/news/p"))
        assert polite.max_inflight == 1
        assert other.hits == []
    assert len(times) == 4
    # download_delay 0.5 s, randomised to 0.25–0.75 s between requests.
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(times))
    row = next(sqlite_utils.Database(tmp_path / "n.db").query("select skipped from crawl_runs"))
    assert json.loads(row["skipped"]).get("redirected off-site") == 1
