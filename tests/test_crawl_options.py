"""Outlet options in a real crawl: sections, sitemap age, outlet query parameters, canonical off,
feed-only outlets, disabled outlets, --max-articles."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlite_utils

from tests.helpers import run_newsmon
from tests.servers import Route, SiteServer, article_html, filler, listing_html, outlet_toml, rss, write_config

pytestmark = pytest.mark.slow


def _sitemap_with_dates(entries: list[tuple[str, str]]) -> str:
    urls = "".join(f"<url><loc>{u}</loc><lastmod>{d}</lastmod></url>" for u, d in entries)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("options")
    recent = (date.today() - timedelta(days=2)).isoformat()
    routes = {
        "/": Route(listing_html(["/news/front/", "/section/world/", "/news/front/?from=home"])),
        "/section/world/": Route(listing_html(["/news/world-1/?from=world"])),
        "/sitemap.xml": Route(_sitemap_with_dates([("{{BASE}}/news/fresh/", recent),
                                                   ("{{BASE}}/news/ancient/", "2015-01-01")]),
                              content_type="application/xml"),
        "/feed.xml": Route(rss(["{{BASE}}/any/path/story", "{{BASE}}/files/brochure.pdf", "{{BASE}}/any/other"]),
                           content_type="application/rss+xml"),
        "/off.xml": Route(rss(["{{BASE}}/news/off/"]), content_type="application/rss+xml"),
        "/news/front/": Route(article_html("Front", filler(3, "front"), canonical="{{BASE}}/news/elsewhere/")),
        "/news/world-1/": Route(article_html("World", filler(3, "world"))),
        "/news/fresh/": Route(article_html("Fresh", filler(3, "fresh"))),
        "/news/ancient/": Route(article_html("Ancient", filler(3, "ancient"))),
        "/any/path/story": Route(article_html("Any", filler(3, "any"))),
        "/any/other": Route(article_html("Other", filler(3, "other"))),
        "/news/off/": Route(article_html("Off", filler(3, "off"))),
    }
    with SiteServer(routes) as site:
        b = site.base
        config = write_config(tmp, {
            "sections": outlet_toml("sections", b, start_urls=["/"], sitemaps=["/sitemap.xml"], extra=(
                "listing_url_patterns = ['/section/[a-z]+/$']\ndrop_query_params = ['from']\n"
                "canonical = false\nsitemap_max_age_days = 30\n")),
            "feedonly": f'name = "feedonly"\nfeeds = ["{b}/feed.xml"]\n[politeness]\ndownload_delay = 0.0\n',
            "off": outlet_toml("off", b, feeds=["/off.xml"], extra="enabled = false\n"),
        })
        db = tmp / "n.db"
        first = run_newsmon("crawl", "--config", str(config), "--db", str(db), "--max-articles", "1", timeout=120)
        second = run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=120)
        third = run_newsmon("crawl", "--config", str(config), "--db", str(db), "--source", "off", timeout=120)
        paths = site.paths()
    return first, second, third, db, paths


def test_runs_succeed(crawled):
    for result in crawled[:3]:
        assert result.returncode == 0, result.stderr


def test_max_articles_caps_each_outlet_for_one_run(crawled):
    db = sqlite_utils.Database(crawled[3])
    first_run = list(db.query("select source, article_requests from crawl_runs order by id limit 2"))
    assert {r["source"]: r["article_requests"] for r in first_run} == {"sections": 1, "feedonly": 1}


def test_sections_outlet_parameters_and_canonical_off(crawled):
    db = sqlite_utils.Database(crawled[3])
    urls = {r[0].split("/", 3)[3] for r in db.execute("select url from articles where source = 'sections'")}
    # The section page was followed; ?from= was dropped; canonical = false keeps the fetched URL;
    # the 2015 sitemap entry is older than sitemap_max_age_days.
    assert urls == {"news/front/", "news/world-1/", "news/fresh/"}
    paths = crawled[4]
    assert "/news/ancient/" not in paths and "/news/elsewhere/" not in paths
    assert paths.count("/news/front/") == 1 and "/news/front/?from=home" not in paths
    skipped = {}
    for row in db.query("select skipped from crawl_runs where source = 'sections'"):
        for k, v in json.loads(row["skipped"]).items():
            skipped[k] = skipped.get(k, 0) + v
    assert skipped.get("older than sitemap_max_age_days", 0) >= 1


def test_feed_only_outlet_takes_every_page_link(crawled):
    db = sqlite_utils.Database(crawled[3])
    urls = {r[0].split("/", 3)[3] for r in db.execute("select url from articles where source = 'feedonly'")}
    assert urls == {"any/path/story", "any/other"}
    assert "/files/brochure.pdf" not in crawled[4]


def test_disabled_outlet_runs_only_when_named(crawled):
    first, second, third, db_path, _paths = crawled
    assert not any(line.startswith("off ") for line in first.stdout.splitlines() + second.stdout.splitlines())
    assert any(line.startswith("off ") for line in third.stdout.splitlines())
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*) from articles where source = 'off'").fetchone()[0] == 1
