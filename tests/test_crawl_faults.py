"""Faults of pages and servers that used to lose or mix up articles, in a real crawl, then a normal re-run.

Outlets on local servers (tests/servers.py), the real `newsmon crawl` in a
subprocess, a real SQLite file:
- canonical links that lie: every page says `rel=canonical href="/"`, or all
  point at one article;
- pages that are not pages: random bytes, NUL runs and executables served as
  text/html, a meta refresh to file://;
- robots.txt: a 5xx answer (complete disallow, RFC 9309), one redirected to
  another host (followed up to five times), one redirected six times.
Then the servers behave, the crawl runs again, and every article of every
outlet must be stored exactly once, each with its own text.
"""

from __future__ import annotations

import json
import random

import pytest
import sqlite_utils

from tests.helpers import run_newsmon
from tests.servers import Route, SiteServer, article_html, filler, outlet_toml, redirect, rss, write_config

pytestmark = pytest.mark.slow

B = "{{BASE}}"
CANON_ROOT = [f"r{i}" for i in range(1, 9)]
CANON_ONE = [f"o{i}" for i in range(1, 9)]
JUNK = ["random", "nuls", "elf", "pe", "refresh-file", "fine"]
ROBOTS_5XX = ["x1", "x2", "x3"]
MOVED = ["open", "secret-plan"]
FAR = ["far-open", "far-secret"]


def _page(slug: str, canonical: str | None = None) -> Route:
    """An article whose text names its slug (so that a page stored with another page's text shows)."""
    return Route(article_html(f"Story {slug}", filler(4, f"the {slug} story"), canonical=canonical))


def _feed(slugs: list[str]) -> Route:
    return Route(rss([f"{B}/news/{s}/" for s in slugs]), content_type="application/rss+xml")


def _junk_routes() -> dict[str, Route]:
    rng = random.Random(7)
    return {
        "/feed.xml": _feed(JUNK),
        "/news/random/": Route(rng.randbytes(30_000)),
        "/news/nuls/": Route(b"\x00" * 20_000 + b"<p>x</p>" + b"\x00" * 4_000),
        "/news/elf/": Route(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + rng.randbytes(8_000)),
        "/news/pe/": Route(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
                           + b"This program cannot be run in DOS mode." + rng.randbytes(8_000)),
        "/news/refresh-file/": Route('<html><head><meta http-equiv="refresh" content="0; url=file:///etc/passwd">'
                                     "</head><body>Redirecting</body></html>"),
        "/news/fine/": _page("fine"),
    }


def _fixed_junk_routes() -> dict[str, Route]:
    return {"/feed.xml": _feed(JUNK), **{f"/news/{s}/": _page(s) for s in JUNK}}


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    canon_root = {"/feed.xml": _feed(CANON_ROOT), "/": Route("<html><body>Front page</body></html>")}
    canon_root |= {f"/news/{s}/": _page(s, canonical="/") for s in CANON_ROOT}
    canon_one = {"/feed.xml": _feed(CANON_ONE)}
    canon_one |= {f"/news/{s}/": _page(s, canonical=f"{B}/news/o1/") for s in CANON_ONE}
    # A true canonical: the AMP copy names the article it copies, word for word.
    canon_one["/feed.xml"] = _feed([*CANON_ONE, "amp-o9", "o9"])
    canon_one["/news/o9/"] = _page("o9", canonical=f"{B}/news/o9/")
    canon_one["/news/amp-o9/"] = _page("o9", canonical=f"{B}/news/o9/")
    robots_5xx = {"/robots.txt": Route("User-agent: *\nAllow: /\n", content_type="text/plain",
                                       fail_first=10_000, fail_status=503), "/feed.xml": _feed(ROBOTS_5XX)}
    robots_5xx |= {f"/news/{s}/": _page(s) for s in ROBOTS_5XX}

    with SiteServer(canon_root) as root_site, SiteServer(canon_one) as one_site, \
            SiteServer(_junk_routes()) as junk_site, SiteServer(robots_5xx) as x_site, \
            SiteServer(host="127.0.0.2") as rules_host, SiteServer() as moved_site, SiteServer() as far_site:
        # moved: its robots.txt is on another host, four redirects away (five in all).
        rules_host.routes |= {
            "/r1": redirect("/r2"), "/r2": redirect("/r3", 301), "/r3": redirect("/r4", 307),
            "/r4": redirect("/rules.txt", 308),
            "/rules.txt": Route("User-agent: *\nDisallow: /news/secret-\nDisallow: /news/far-secret\n",
                                content_type="text/plain"),
            # far: six redirects, more than RFC 9309 asks to follow: robots.txt unavailable, allow all.
            "/f1": redirect("/f2"), "/f2": redirect("/f3"), "/f3": redirect("/f4"), "/f4": redirect("/f5"),
            "/f5": redirect("/rules.txt"),
        }
        moved_site.routes |= {"/robots.txt": redirect(rules_host.url("/r1")), "/feed.xml": _feed(MOVED)}
        moved_site.routes |= {f"/news/{s}/": _page(s) for s in MOVED}
        far_site.routes |= {"/robots.txt": redirect(rules_host.url("/f1")), "/feed.xml": _feed(FAR)}
        far_site.routes |= {f"/news/{s}/": _page(s) for s in FAR}
        sites = {"canon-root": root_site, "canon-one": one_site, "junk": junk_site, "robots-5xx": x_site,
                 "moved": moved_site, "far": far_site}
        config = write_config(tmp, {name: outlet_toml(name, site.base, feeds=["/feed.xml"])
                                    for name, site in sites.items()})
        db = tmp / "newsmon.db"

        def crawl() -> dict:
            for site in (*sites.values(), rules_host):
                site.clear()
            result = run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=180)
            assert result.returncode == 0, result.stderr
            return {"result": result, "paths": {name: site.paths() for name, site in sites.items()},
                    "rules": rules_host.paths()}

        first = crawl()
        # The servers behave: junk pages are articles now, robots.txt answers; canonical links say the truth.
        junk_site.routes = _fixed_junk_routes()
        x_site.routes["/robots.txt"] = Route("User-agent: *\nAllow: /\n", content_type="text/plain")
        for s in CANON_ROOT:
            root_site.routes[f"/news/{s}/"] = _page(s, canonical=f"{B}/news/{s}/")
        # Two new pages name o1, stored by now: the copy of its text joins it, the other story stays apart.
        one_site.routes["/feed.xml"] = _feed([*CANON_ONE, "amp-o9", "o9", "amp-o1", "o10"])
        one_site.routes["/news/amp-o1/"] = _page("o1", canonical=f"{B}/news/o1/")
        one_site.routes["/news/o10/"] = _page("o10", canonical=f"{B}/news/o1/")
        second = crawl()
    return {"first": first, "second": second, "db": db, "bases": {name: site.base for name, site in sites.items()}}


def _runs(crawls, source: str) -> list[dict]:
    db = sqlite_utils.Database(crawls["db"])
    return [{**r, "skipped": json.loads(r["skipped"] or "{}")}
            for r in db.query("select * from crawl_runs where source = ? order by id", [source])]


def _stored(crawls, source: str) -> dict[str, str]:
    """Path of each stored article of `source` -> its clean text."""
    db = sqlite_utils.Database(crawls["db"])
    return {r["url"].split("/", 3)[3]: r["text"] or "" for r in db.query(
        "select url, text from articles where source = ?", [source])}


def _addresses(crawls) -> dict[str, int]:
    """Every stored address (path of its URL, with host) -> its article id."""
    db = sqlite_utils.Database(crawls["db"])
    return {r["url"]: r["article_id"] for r in db.query("select url, article_id from article_urls")}


def _assert_each_once_with_its_text(crawls, source: str, slugs: list[str], *, others: int = 0) -> None:
    """Each of `slugs` is stored under its own URL with its own text; `others` more articles of `source`."""
    stored = _stored(crawls, source)
    assert {f"news/{s}/" for s in slugs} <= set(stored), sorted(stored)
    assert len(stored) == len(slugs) + others, sorted(stored)
    for slug in slugs:
        text = stored[f"news/{slug}/"]
        assert f"the {slug} story" in text, (slug, text[:200])
        others = [s for s in slugs if s != slug and f"the {s} story" in text]
        assert not others, (slug, others)


def test_crawls_succeed(crawls):
    for label in ("first", "second"):
        assert crawls[label]["result"].returncode == 0


def test_canonical_naming_a_page_that_is_no_article_is_ignored(crawls):
    # All eight pages said rel=canonical href="/": the front page is no article URL of the outlet.
    _assert_each_once_with_its_text(crawls, "canon-root", CANON_ROOT)
    first = _runs(crawls, "canon-root")[0]
    assert first["new_articles"] == 8
    assert first["skipped"]["canonical ignored: not an article URL (article_url_patterns)"] == 8
    assert crawls["bases"]["canon-root"] + "/" not in _addresses(crawls)


def test_canonical_naming_another_article_with_other_text_is_ignored(crawls):
    # Seven pages named o1 as their canonical; o1 holds other text, so each is stored under its own URL,
    # whatever order the pages came in.
    _assert_each_once_with_its_text(crawls, "canon-one", [*CANON_ONE, "o10"], others=1)  # and o9, below
    addresses = _addresses(crawls)
    ids = {addresses[crawls["bases"]["canon-one"] + f"/news/{s}/"] for s in CANON_ONE}
    assert len(ids) == 8
    second = _runs(crawls, "canon-one")[1]
    assert second["skipped"]["canonical ignored: another text is stored under it"] == 1  # o10


def test_a_canonical_whose_stored_text_is_the_page_s_is_trusted(crawls):
    addresses = _addresses(crawls)
    base = crawls["bases"]["canon-one"]
    assert addresses[base + "/news/amp-o1/"] == addresses[base + "/news/o1/"]
    second = _runs(crawls, "canon-one")[1]
    assert second["new_articles"] == 1  # o10
    assert second["skipped"]["already stored under its canonical or redirect URL (URL kept)"] == 1  # amp-o1


def test_a_true_canonical_keeps_both_addresses_under_one_article(crawls):
    stored = _stored(crawls, "canon-one")
    o9 = [path for path in stored if path in ("news/o9/", "news/amp-o9/")]
    assert len(o9) == 1
    addresses = _addresses(crawls)
    ids = {addresses[u] for u in addresses if u.endswith(("/news/o9/", "/news/amp-o9/"))}
    assert len(ids) == 1 and len([u for u in addresses if u.endswith(("/news/o9/", "/news/amp-o9/"))]) == 2


def test_pages_that_are_not_pages_are_skipped_with_their_reason(crawls):
    first = _runs(crawls, "junk")[0]
    assert first["new_articles"] == 1  # only /news/fine/
    skipped = first["skipped"]
    assert skipped["not html (binary data)"] == 2  # random bytes, NUL runs
    assert skipped["not html (executable)"] == 2  # ELF, PE
    assert skipped["meta refresh to a non-http(s) URL"] == 1
    assert "/etc/passwd" not in " ".join(crawls["first"]["paths"]["junk"])


def test_after_the_junk_pages_are_fixed_each_is_stored_once(crawls):
    _assert_each_once_with_its_text(crawls, "junk", JUNK)
    second = _runs(crawls, "junk")[1]
    assert second["new_articles"] == 5


def test_robots_txt_5xx_disallows_everything_until_it_answers(crawls):
    first_paths = crawls["first"]["paths"]["robots-5xx"]
    assert [p for p in first_paths if p != "/robots.txt"] == []  # not even the feed
    assert first_paths.count("/robots.txt") == 3  # retry_times = 2, then given up
    first, second = _runs(crawls, "robots-5xx")
    assert first["skipped"] == {"feed robots.txt unavailable (http 503)": 1}
    assert first["status"] == "failed" and first["errors"] == 1
    assert second["status"] == "ok" and second["new_articles"] == 3
    _assert_each_once_with_its_text(crawls, "robots-5xx", ROBOTS_5XX)


def test_robots_txt_redirected_to_another_host_is_followed(crawls):
    first_paths = crawls["first"]["paths"]["moved"]
    assert "/news/open/" in first_paths and "/news/secret-plan/" not in first_paths
    assert crawls["first"]["rules"].count("/rules.txt") == 1  # moved's, not far's: far gave up after five
    assert "/news/secret-plan/" not in crawls["second"]["paths"]["moved"]
    _assert_each_once_with_its_text(crawls, "moved", ["open"])
    assert _runs(crawls, "moved")[0]["skipped"]["forbidden by robots.txt"] == 1


def test_robots_txt_more_than_five_redirects_away_counts_as_missing(crawls):
    assert crawls["first"]["rules"].count("/f5") == 1  # the fifth redirect; its sixth is not followed
    _assert_each_once_with_its_text(crawls, "far", FAR)
    assert _runs(crawls, "far")[0]["new_articles"] == 2


def test_second_run_stores_every_article_exactly_once(crawls):
    db = sqlite_utils.Database(crawls["db"])
    total = db.execute("select count(*) from articles").fetchone()[0]
    assert total == 8 + 10 + len(JUNK) + len(ROBOTS_5XX) + 1 + len(FAR)
    urls = [r[0] for r in db.execute("select url from articles")]
    assert len(urls) == len(set(urls))
    # Nothing left for a third run: every canonical and junk article is known.
    second = crawls["second"]["paths"]
    assert [p for p in second["canon-root"] if p.startswith("/news/")] == []
    assert sorted(p for p in second["canon-one"] if p.startswith("/news/")) == ["/news/amp-o1/", "/news/o10/"]
