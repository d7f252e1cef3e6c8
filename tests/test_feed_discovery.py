"""Feed discovery: an outlet given by its homepage finds its feeds (<link rel="alternate">) and its
sitemaps (robots.txt), crawls them, and `newsmon sources try` says what it found."""

from __future__ import annotations

import pytest
import sqlite_utils

from crawler.discovery import alternate_feeds
from crawler.sources import SourceConfig
from tests.helpers import run_newsmon
from tests.servers import Route, SiteServer, article_html, atom, filler, json_feed, rss, sitemap, write_config

HOMEPAGE = """<!doctype html><html><head><title>Example Post</title>
<link rel="alternate" type="application/rss+xml" title="Example Post » Feed" href="/feed/">
<link rel="alternate" type="application/rss+xml" title="Example Post » Comments Feed" href="/comments/feed/">
<link rel="alternate" type="application/atom+xml" title="World (Atom)" href="{{BASE}}/world/atom.xml">
<link rel="alternate" type="application/feed+json" title="JSON" href="/feed.json">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
<link rel="alternate" type="application/rss+xml" title="Partner" href="https://partner.example.net/rss">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="stylesheet" href="/style.css">
</head><body><h1>Example Post</h1><a href="/news/a/">A story</a></body></html>"""


def test_alternate_feeds_of_a_page():
    feeds = alternate_feeds(HOMEPAGE.replace("{{BASE}}", "https://example.org").encode(), "https://example.org/")
    assert [f.url for f in feeds] == [
        "https://example.org/feed/", "https://example.org/comments/feed/", "https://example.org/world/atom.xml",
        "https://example.org/feed.json", "https://partner.example.net/rss"]
    assert [f.comments for f in feeds] == [False, True, False, False, False]
    assert feeds[0].title == "Example Post » Feed"
    assert alternate_feeds(b"", "https://example.org/") == []
    assert alternate_feeds(b"\x00\xff not html", "https://example.org/") == []


def test_a_homepage_alone_is_a_valid_outlet():
    source = SourceConfig.model_validate({"name": "x", "homepage": "https://www.example.org/"})
    assert source.hosts() == ["www.example.org"]
    assert source.site_roots() == ["https://www.example.org"]
    with pytest.raises(ValueError, match="nothing to crawl: give homepage"):
        SourceConfig.model_validate({"name": "x"})
    with pytest.raises(ValueError, match="not an http"):
        SourceConfig.model_validate({"name": "x", "homepage": "ftp://example.org/"})


def _routes() -> dict[str, Route]:
    story = {slug: article_html(f"Story {slug}", filler(4, f"the {slug} report")) for slug in "abcdef"}
    return {
        "/": Route(HOMEPAGE),
        "/robots.txt": Route("User-agent: *\nDisallow: /private/\nSitemap: {{BASE}}/sitemap.xml\n"
                             "Sitemap: https://elsewhere.example.net/sitemap.xml\n", content_type="text/plain"),
        "/feed/": Route(rss(["{{BASE}}/news/a/", "{{BASE}}/news/b/"]), content_type="application/rss+xml"),
        "/comments/feed/": Route(rss(["{{BASE}}/news/a/#comment-1"]), content_type="application/rss+xml"),
        "/world/atom.xml": Route(atom(["{{BASE}}/news/c/"]), content_type="application/atom+xml"),
        "/feed.json": Route(json_feed(["{{BASE}}/news/d/"]), content_type="application/feed+json"),
        "/sitemap.xml": Route(sitemap(["{{BASE}}/news/e/", "{{BASE}}/news/f/", "{{BASE}}/news/a/"]),
                              content_type="application/xml"),
        **{f"/news/{slug}/": Route(html) for slug, html in story.items()},
    }


@pytest.fixture()
def site():
    with SiteServer(_routes()) as server:
        yield server


@pytest.fixture()
def config(tmp_path, site):
    return write_config(tmp_path, {"home": f'name = "home"\nhomepage = "{site.base}/"\n'
                                           "[politeness]\ndownload_delay = 0.0\nconcurrency = 4\n"})


@pytest.mark.slow
def test_a_crawl_from_the_homepage_reads_its_feeds_and_robots_sitemaps(tmp_path, config, site):
    db_path = tmp_path / "n.db"
    result = run_newsmon("crawl", "--config", str(config), "--db", str(db_path), timeout=300)
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(db_path)
    stored = sorted(url.removeprefix(site.base) for (url,) in db.execute("select url from articles").fetchall())
    assert stored == [f"/news/{slug}/" for slug in "abcdef"]
    for path in ("/", "/robots.txt", "/feed/", "/world/atom.xml", "/feed.json", "/sitemap.xml"):
        assert site.requested(path) >= 1, path
    assert site.requested("/comments/feed/") == 0  # a feed of reader comments is not followed
    assert not any("wp-json" in p for p in site.paths())
    (status,) = db.execute("select status from crawl_runs where source = 'home'").fetchone()
    assert status == "ok"
    # feed dates become the articles' dates where the pages have none
    (published, source) = db.execute("select published, published_source from articles where url like '%/news/c/'"
                                     ).fetchone()
    assert (published, source) == ("2023-10-11", "feed")


@pytest.mark.slow
def test_sources_try_says_what_the_homepage_led_to(tmp_path, config, site):
    result = run_newsmon("sources", "try", "home", "--config", str(config), "--db", str(tmp_path / "none.db"),
                         "--samples", "0", timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Found from the homepage: 3 feed(s) (<link rel=\"alternate\">), 1 sitemap(s) (robots.txt)" in out
    assert f"feed     {site.base}/feed/  -> 2 links" in out
    assert f"feed     {site.base}/world/atom.xml  -> 1 links" in out
    assert f"feed     {site.base}/feed.json  -> 1 links" in out
    assert f"sitemap  {site.base}/sitemap.xml  -> 3 links, 0 sitemaps" in out
    assert f"homepage {site.base}/  -> 5 feeds announced (1 of reader comments: not followed)" in out
    assert "https://partner.example.net/rss  -> off-site: not followed" in out
    assert "Would fetch as articles (6):" in out
    assert not (tmp_path / "none.db").exists()


@pytest.mark.slow
def test_a_homepage_that_announces_nothing_says_so(tmp_path):
    with SiteServer({"/": Route("<html><head><title>Bare</title></head><body><p>Hello</p></body></html>")}) as bare:
        config = write_config(tmp_path, {"bare": f'name = "bare"\nhomepage = "{bare.base}/"\n'
                                                 "[politeness]\ndownload_delay = 0.0\n"})
        db_path = tmp_path / "n.db"
        result = run_newsmon("crawl", "--config", str(config), "--db", str(db_path), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "the homepage announces no feed and robots.txt lists no sitemap" in result.stdout  # the outlet's line
    status, message = sqlite_utils.Database(db_path).execute("select status, message from crawl_runs").fetchone()
    assert status == "empty" and "the homepage announces no feed" in message
