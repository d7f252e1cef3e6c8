"""Incremental crawling across runs: every discovery kind, URL normalisation, duplicates, conditional feeds.

Three runs of the real `newsmon crawl` on one database against local servers:
1. everything new; 2. nothing changed: no article request at all;
3. one new article: only it is fetched, and pagination stops at the first
page with nothing unseen.
"""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from tests.helpers import run_newsmon
from tests.servers import (
    Route,
    SiteServer,
    article_html,
    atom,
    filler,
    json_feed,
    listing_html,
    outlet_toml,
    rss,
    sitemap,
    sitemap_index,
    write_config,
)

pytestmark = pytest.mark.slow

B = "{{BASE}}"
SYNDICATED = filler(5, "the wire story on returns")


def _site_routes() -> dict[str, Route]:
    routes = {
        "/robots.txt": Route(f"User-agent: *\nAllow: /\nSitemap: {B}/sitemap-index.xml\n", content_type="text/plain"),
        # Tracking parameters, fragments, upper-case host and default port all name a page already listed.
        "/rss.xml": Route(rss([f"{B}/news/a1/", f"{B}/news/a2/?utm_source=rss&utm_medium=feed",
                               f"{B}/news/a1/#comments"]), content_type="application/rss+xml", etag=True),
        "/atom.xml": Route(atom([f"{B}/news/a3/", f"{B}/news/a2/?fbclid=XYZ"]), content_type="application/atom+xml",
                           last_modified="Tue, 10 Oct 2023 08:00:00 GMT"),
        "/feed.json": Route(json_feed([f"{B}/news/a4/"]), content_type="application/feed+json", etag=True),
        "/sitemap-index.xml": Route(sitemap_index([f"{B}/sitemap-news.xml", f"{B}/sitemap-old.xml.gz"]),
                                    content_type="application/xml"),
        "/sitemap-news.xml": Route(sitemap([f"{B}/news/a5/"], news=True), content_type="application/xml", etag=True),
        "/sitemap-old.xml.gz": Route(sitemap([f"{B}/news/a6/", f"{B}/tag/a6/"]), content_type="application/gzip",
                                     gzip_body=True, etag=True),
        "/": Route(listing_html([f"{B}/news/a1/", f"{B}/news/a7/", "/tag/x/", "/about/"], next_url="/page/2/")),
        "/page/2/": Route(listing_html(["/news/a8/", "/news/a8-amp/"], next_url="/page/3/")),
        "/page/3/": Route(listing_html(["/news/a9/"], next_url="/page/4/")),
        "/page/4/": Route(listing_html(["/news/a-too-deep/"])),
        "/news/a1/": Route(article_html("Wire story", SYNDICATED)),
        # rel=canonical names an address with nothing stored under it: the page keeps its own.
        "/news/a7/": Route(article_html("Seven", filler(4, "seven"), canonical=f"{B}/news/a7-canonical/")),
        # The same article under two addresses: stored once, both kept.
        "/news/a8/": Route(article_html("Eight", filler(4, "eight"))),
        "/news/a8-amp/": Route(article_html("Eight", filler(4, "eight"))),
    }
    for slug in ("a2", "a3", "a4", "a5", "a6", "a9", "a-too-deep", "a10"):
        routes[f"/news/{slug}/"] = Route(article_html(f"Story {slug}", filler(4, f"story {slug}")))
    return routes


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    capped_routes = {"/feed.xml": Route(rss([f"{B}/news/c{i}/" for i in range(1, 5)]),
                                        content_type="application/rss+xml", etag=True)}
    for i in range(1, 5):
        capped_routes[f"/news/c{i}/"] = Route(article_html(f"C{i}", filler(3, f"capped {i}")))
    with SiteServer(_site_routes()) as site, SiteServer({
        "/feed.xml": Route(rss([f"{B}/news/s1/"]), content_type="application/rss+xml"),
        "/news/s1/": Route(article_html("Wire story", SYNDICATED).replace("Contact us", "Another outlet's footer")),
    }) as wire, SiteServer(capped_routes) as capped:
        config = write_config(tmp, {
            "site": outlet_toml("site", site.base, feeds=["/rss.xml", "/atom.xml", "/feed.json"], start_urls=["/"],
                                extra="robots_sitemaps = true\nlisting_depth = 2\n"),
            "wire": outlet_toml("wire", wire.base, feeds=["/feed.xml"]),
            "capped": outlet_toml("capped", capped.base, feeds=["/feed.xml"], extra="max_new_articles = 2\n"),
        })
        db = tmp / "newsmon.db"
        out = {}

        def crawl(label):
            for server in (site, wire, capped):
                server.clear()
            result = run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=120)
            assert result.returncode == 0, result.stderr
            out[label] = {"result": result, "site": list(site.hits), "wire": list(wire.hits),
                          "capped": list(capped.hits)}

        crawl("first")
        crawl("second")
        # A new article appears in the RSS feed and on the first listing page.
        site.routes["/rss.xml"] = Route(rss([f"{B}/news/a10/", f"{B}/news/a1/"]), content_type="application/rss+xml",
                                        etag=True)
        site.routes["/"] = Route(listing_html([f"{B}/news/a10/", f"{B}/news/a1/", f"{B}/news/a7/"],
                                              next_url="/page/2/"))
        crawl("third")
    out["db"] = db
    return out


def _article_paths(hits) -> list[str]:
    return [h.path for h in hits if h.path.startswith("/news/")]


def _db(runs):
    return sqlite_utils.Database(runs["db"])


def test_first_run_finds_articles_by_every_route(runs):
    db = _db(runs)
    stored = {row["url"].split("/", 3)[3] for row in db.query("select url from articles where source != 'capped'")}
    # a1 and the wire's s1 are one article, stored under whichever outlet came first.
    # So are a8 and a8-amp.
    stored = {{"news/s1/": "news/a1/", "news/a8-amp/": "news/a8/"}.get(path, path) for path in stored}
    assert stored == {f"news/{s}/" for s in ("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10")}
    # a-too-deep is on page 4, beyond listing_depth = 2; the tag page is denied.
    assert "/news/a-too-deep/" not in _article_paths(runs["first"]["site"])
    assert "/tag/a6/" not in [h.path for h in runs["first"]["site"]]


def test_each_article_is_requested_once_whatever_its_spelling(runs):
    paths = _article_paths(runs["first"]["site"])
    assert len(paths) == len(set(paths))
    slugs = ("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a8-amp", "a9")
    assert sorted(paths) == sorted(f"/news/{s}/" for s in slugs)


def test_canonical_and_duplicate_addresses_are_kept(runs):
    db = _db(runs)

    def article_of(suffix):
        row = db.execute("select article_id from article_urls where url like ?", ["%" + suffix]).fetchone()
        return row[0] if row else None

    # An untrusted canonical is not recorded: were it an article of its own, it would still be fetched.
    assert article_of("/news/a7/") is not None and article_of("/news/a7-canonical/") is None
    assert article_of("/news/a8/") == article_of("/news/a8-amp/") is not None
    assert db.execute("select count(*) from articles where url like '%/news/a8%'").fetchone()[0] == 1


def test_syndicated_copy_on_another_outlet_is_stored_once(runs):
    db = _db(runs)
    ids = {db.execute("select article_id from article_urls where url like ?", ["%" + path]).fetchone()[0]
           for path in ("/news/a1/", "/news/s1/")}
    assert len(ids) == 1
    sources = {r[0] for r in db.execute("select source from article_urls where article_id = ?", [ids.pop()])}
    assert sources == {"site", "wire"}
    wire = next(db.query("select new_articles, skipped from crawl_runs where source = 'wire' order by id limit 1"))
    same_text = json.loads(wire["skipped"]).get("same text as a stored article (URL kept)", 0)
    assert wire["new_articles"] + same_text == 1  # stored, or recognised as the site's copy


def test_per_run_cap_leaves_the_rest_for_the_next_run(runs):
    first = _article_paths(runs["first"]["capped"])
    second = _article_paths(runs["second"]["capped"])
    third = _article_paths(runs["third"]["capped"])
    assert len(first) == 2 and len(second) == 2 and not third
    assert set(first) | set(second) == {f"/news/c{i}/" for i in range(1, 5)}
    # The feed had links left over: its next fetch was a full one, not a conditional one.
    feed_second = [h for h in runs["second"]["capped"] if h.path == "/feed.xml"][0]
    assert "If-None-Match" not in feed_second.headers
    feed_third = [h for h in runs["third"]["capped"] if h.path == "/feed.xml"][0]
    assert "If-None-Match" in feed_third.headers


def test_second_run_over_unchanged_outlets_makes_no_article_request(runs):
    second = runs["second"]
    assert _article_paths(second["site"]) == []
    assert _article_paths(second["wire"]) == []
    stdout = second["result"].stdout
    assert "site" in stdout and "new    0" in stdout


def test_feeds_are_fetched_conditionally(runs):
    hits = {h.path: h for h in runs["second"]["site"]}
    assert hits["/rss.xml"].headers.get("If-None-Match")
    assert hits["/atom.xml"].headers.get("If-Modified-Since") == "Tue, 10 Oct 2023 08:00:00 GMT"
    assert hits["/feed.json"].headers.get("If-None-Match")
    assert hits["/sitemap-news.xml"].headers.get("If-None-Match")
    # A sitemap index is always read in full: the sitemaps it lists change without it.
    assert "If-None-Match" not in hits["/sitemap-index.xml"].headers
    db = _db(runs)
    skipped = db.execute("select skipped from crawl_runs where source = 'site' "
                         "order by id desc limit 1 offset 1").fetchone()[0]
    assert '"feed not modified (304)": 3' in skipped


def test_pagination_stops_at_the_first_page_with_nothing_unseen(runs):
    second = [h.path for h in runs["second"]["site"]]
    assert "/" in second and "/page/2/" not in second
    third = [h.path for h in runs["third"]["site"]]
    assert "/page/2/" in third and "/page/3/" not in third


def test_third_run_fetches_only_the_new_article(runs):
    assert _article_paths(runs["third"]["site"]) == ["/news/a10/"]
    db = _db(runs)
    assert db.execute("select count(*) from articles where url like '%/news/a10/'").fetchone()[0] == 1
    rows = list(db.query("select run_id, new_articles, article_requests from crawl_runs "
                         "where source = 'site' order by id"))
    assert [r["new_articles"] for r in rows][1:] == [0, 1]
    assert rows[0]["new_articles"] in (8, 9)  # 8 when the wire's copy of a1 was stored first
    assert [r["article_requests"] for r in rows] == [10, 0, 1]
    assert len({r["run_id"] for r in rows}) == 3
