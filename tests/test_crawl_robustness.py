"""One crawl over outlets whose servers misbehave in every way we know of; the others still complete.

Real HTTP servers on 127.0.0.1 (tests/servers.py), the real `newsmon crawl`
in a subprocess, a real SQLite file.
"""

from __future__ import annotations

import itertools
import json

import pytest
import sqlite_utils

from tests.helpers import run_newsmon
from tests.servers import (
    ENTITY_BOMB,
    Route,
    SilentServer,
    SiteServer,
    article_html,
    closed_port,
    filler,
    outlet_toml,
    redirect,
    rss,
    write_config,
)

pytestmark = pytest.mark.slow

ARTICLES = ["ok", "flaky", "slow", "big", "stream", "pdf", "image", "chain", "loop", "latin1", "wrongcharset",
            "nocharset", "empty", "private-x", "gone", "broken"]


def _shaky_routes() -> dict[str, Route]:
    def page(slug: str) -> str:
        return article_html(f"Story {slug}", filler(4, f"story {slug}"))

    latin1 = article_html("Café crème in Zürich", ["Señor Müller said the café would reopen. " * 6], charset=None)
    wrong = article_html("Déjà vu in Besançon", ["Élodie Garçon said the plan was déjà vu. " * 6],
                         charset="windows-1252")
    return {
        "/robots.txt": Route("User-agent: *\nDisallow: /news/private-\n", content_type="text/plain"),
        "/feed.xml": Route(rss([f"{{{{BASE}}}}/news/{slug}/" for slug in ARTICLES]),
                           content_type="application/rss+xml"),
        "/bad-feed.xml": Route("<html><body>Oops, this is no feed</body></html>", content_type="application/xml"),
        "/bomb.xml": Route(ENTITY_BOMB, content_type="application/rss+xml"),
        "/bad-sitemap.xml": Route(b"\x00\x01\x02 not a sitemap at all", content_type="application/xml"),
        "/news/ok/": Route(page("ok")),
        "/news/flaky/": Route(page("flaky"), fail_first=2, fail_status=503),
        "/news/slow/": Route(hang=True),
        "/news/big/": Route(page("big") + "<!--" + "x" * 300_000 + "-->"),
        "/news/stream/": Route(stream_bytes=1_000_000),
        "/news/pdf/": Route(b"%PDF-1.7\n" + b"0" * 2000, content_type="application/pdf"),
        "/news/image/": Route(b"\x89PNG\r\n\x1a\n" + b"0" * 2000, content_type="text/html"),
        "/news/chain/": redirect("/r/1"),
        "/r/1": redirect("/r/2", 301),
        "/r/2": redirect("/news/chain-end/", 307),
        "/news/chain-end/": Route(page("chain-end")),
        "/news/loop/": redirect("/news/loop-b/"),
        "/news/loop-b/": redirect("/news/loop/"),
        "/news/latin1/": Route(latin1.encode("cp1252"), content_type="text/html; charset=windows-1252"),
        "/news/wrongcharset/": Route(wrong.encode("cp1252"), content_type="text/html; charset=utf-8"),
        "/news/nocharset/": Route(article_html("Plain story", filler(3, "plain"), charset=None).encode("utf-8"),
                                  content_type="text/html"),
        "/news/empty/": Route(b""),
        "/news/private-x/": Route(page("private")),
        "/news/broken/": Route(page("broken"), fail_first=100, fail_status=500),
    }


@pytest.fixture(scope="module")
def crawl_result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("robust")
    with SiteServer(_shaky_routes()) as shaky, SiteServer({
        "/feed.xml": Route(rss(["{{BASE}}/news/one/", "{{BASE}}/news/two/"]), content_type="application/rss+xml"),
        "/news/one/": Route(article_html("One", filler(3, "one"))),
        "/news/two/": Route(article_html("Two", filler(3, "two"))),
    }) as good, SilentServer() as silent:
        down = closed_port()
        config = write_config(tmp, {
            "shaky": outlet_toml("shaky", shaky.base, feeds=["/feed.xml", "/bad-feed.xml", "/bomb.xml"],
                                 sitemaps=["/bad-sitemap.xml"]),
            "good": outlet_toml("good", good.base, feeds=["/feed.xml"]),
            "down": outlet_toml("down", down, feeds=["/feed.xml"], start_urls=["/"]),
            "silent": outlet_toml("silent", silent.base, feeds=["/feed.xml"]),
        })
        db = tmp / "newsmon.db"
        result = run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=180)
        status = run_newsmon("status", "--config", str(config), "--db", str(db), timeout=60)
        hits = {path: [h for h in shaky.hits if h.path == path] for path in set(shaky.paths())}
        user_agents = {h.headers.get("User-Agent") for h in shaky.hits + good.hits}
    runs = {r["source"]: r for r in sqlite_utils.Database(db).query("select * from crawl_runs")}
    return result, status, db, runs, hits, user_agents


def test_failing_outlets_never_stop_the_others(crawl_result):
    result, _status, db, runs, *_ = crawl_result
    assert result.returncode == 0, result.stderr
    assert runs["good"]["status"] == "ok" and runs["good"]["new_articles"] == 2
    assert runs["down"]["status"] == "failed"
    assert runs["silent"]["status"] == "failed"
    assert runs["shaky"]["status"] == "ok"
    for name in ("good", "down", "silent", "shaky"):
        line = next(line for line in result.stdout.splitlines() if line.startswith(name + " "))
        assert runs[name]["status"] in line


def test_status_names_the_failing_outlets(crawl_result):
    _result, status, *_ = crawl_result
    assert status.returncode == 0, status.stderr
    warnings = [line for line in status.stdout.splitlines() if line.startswith("WARNING")]
    assert any("down" in line and "failed" in line for line in warnings), status.stdout
    assert any("silent" in line and "failed" in line for line in warnings), status.stdout
    assert not any(line.startswith("WARNING good:") for line in warnings)


def test_every_skipped_page_is_counted_with_its_reason(crawl_result):
    _result, _status, _db, runs, *_ = crawl_result
    skipped = json.loads(runs["shaky"]["skipped"])
    assert skipped["forbidden by robots.txt"] == 1
    assert skipped["timeout"] == 1
    assert skipped["over the size cap (max_page_bytes)"] == 2
    assert skipped["not html (pdf)"] == 1
    assert skipped["not html (image)"] == 1
    assert skipped["too many redirects (chain or loop)"] == 1
    assert skipped["empty page"] == 1
    assert skipped["http 404"] == 1  # /news/gone/
    assert skipped["http 500"] == 1  # /news/broken/, after its retries
    assert skipped["malformed feed"] == 2  # not a feed, and the entity bomb
    assert skipped["malformed sitemap"] == 1
    assert runs["shaky"]["errors"] == 3  # timeout, 404, 500: the server's fault, not ours
    down = json.loads(runs["down"]["skipped"])
    assert down == {"feed connection refused": 1, "listing connection refused": 1}
    assert json.loads(runs["silent"]["skipped"]) == {"feed timeout": 1}


def test_good_pages_of_the_shaky_outlet_are_stored(crawl_result):
    _result, _status, db_path, runs, *_ = crawl_result
    db = sqlite_utils.Database(db_path)
    paths = {row["url"].split("/", 3)[3] for row in db.query("select url from articles where source = 'shaky'")}
    assert paths == {"news/ok/", "news/flaky/", "news/chain-end/", "news/latin1/", "news/wrongcharset/",
                     "news/nocharset/"}
    assert runs["shaky"]["new_articles"] == 6
    # The redirect chain's first address is kept: it is never requested again.
    chain = db.execute("select a.url from article_urls u join articles a on a.id = u.article_id "
                       "where u.url like '%/news/chain/'").fetchone()
    assert chain and chain[0].endswith("/news/chain-end/")


def test_pages_in_legacy_or_mislabelled_charsets_decode(crawl_result):
    from extract.article import extract_article
    from storage.articles import decompress_html

    _result, _status, db_path, *_ = crawl_result
    db = sqlite_utils.Database(db_path)
    html = {row["url"].rsplit("/", 2)[1]: decompress_html(row["html"])
            for row in db.query("select url, html from articles")}
    assert "Señor Müller" in extract_article(html["latin1"]).text
    assert "Élodie Garçon" in extract_article(html["wrongcharset"]).text


def test_retries_back_off_then_succeed(crawl_result):
    *_, hits, _agents = crawl_result
    flaky = sorted(h.at for h in hits["/news/flaky/"])
    assert len(flaky) == 3  # two 503s, then the page
    gaps = [b - a for a, b in itertools.pairwise(flaky)]
    assert gaps[0] >= 0.25 and gaps[1] >= 0.5  # retry_backoff = 0.3: waits 0.3 s, then 0.6 s
    assert len(hits["/news/broken/"]) == 3  # retry_times = 2, then given up


def test_robots_txt_obeyed_and_user_agent_names_a_contact(crawl_result):
    *_, hits, user_agents = crawl_result
    assert "/news/private-x/" not in hits
    assert "/robots.txt" in hits
    assert user_agents == {"newsmon-test/0.1 (+mailto:tests@example.org)"}


def test_no_page_requested_twice_beyond_retries(crawl_result):
    *_, hits, _agents = crawl_result
    for path, path_hits in hits.items():
        if path not in ("/news/flaky/", "/news/broken/", "/news/slow/", "/news/loop/", "/news/loop-b/"):
            assert len(path_hits) == 1, path
