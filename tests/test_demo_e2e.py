"""End to end: `newsmon demo` crawls the demo outlets with Scrapy into a real SQLite file."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
import sqlite_utils

from tests.helpers import expected_pages, run_newsmon

pytestmark = pytest.mark.slow

# Figures every seed article must yield (the required labels of the dev set).
REQUIRED_COUNTS = {
    "000_32bc8d5685a20366.txt": {60},
    "001_9b9b839d26407139.txt": {406, 1076, 108, 60, 212},
    "002_9c3ccffc7f10bdf1.txt": {500, 80, 40},
    "003_b590e5e18b7c3ca0.txt": {500, 80, 40},
    "004_60864b67e3faa054.txt": {600},
}


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("demo") / "newsmon.db"
    first = run_newsmon("demo", "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    articles_after_first = sqlite_utils.Database(db_path).execute("select count(*) from articles").fetchone()[0]
    second = run_newsmon("demo", "--db", str(db_path))
    assert second.returncode == 0, second.stderr
    return db_path, first, second, articles_after_first


def _articles_by_path(db_path) -> dict[str, list[dict]]:
    db = sqlite_utils.Database(db_path)
    by_path: dict[str, list[dict]] = {}
    for row in db.query("select id, url, source, title, text from articles"):
        key = (row["source"], urlparse(row["url"]).path)
        by_path.setdefault(key, []).append(row)
    return by_path


def test_every_seed_article_stored_once(demo_runs):
    db_path, *_ = demo_runs
    by_path = _articles_by_path(db_path)
    seeds = [p for p in expected_pages() if p.get("seed")]
    assert len(seeds) == 5
    for page in seeds:
        assert len(by_path.get((page["outlet"], page["path"]), [])) == 1, page["path"]


def test_no_page_that_is_not_an_article_is_stored(demo_runs):
    db_path, *_ = demo_runs
    by_path = _articles_by_path(db_path)
    not_articles = [p for p in expected_pages() if not p["is_article"]]
    assert not_articles
    for page in not_articles:
        assert (page["outlet"], page["path"]) not in by_path, page["path"]


def test_every_article_page_is_stored(demo_runs):
    db_path, *_ = demo_runs
    by_path = _articles_by_path(db_path)
    articles = [p for p in expected_pages() if p["is_article"]]
    copies = {(p["outlet"], p["path"]): (p["copy_of"]["outlet"], p["copy_of"]["path"])
              for p in articles if p.get("copy_of")}
    alone = {(p["outlet"], p["path"]) for p in articles} - set(copies) - set(copies.values())
    assert alone <= set(by_path)
    for pair in copies.items():  # whichever outlet was crawled first holds the article, the other is its URL
        assert len(set(pair) & set(by_path)) == 1, pair
    assert set(by_path) <= alone | set(copies) | set(copies.values())
    db = sqlite_utils.Database(db_path)
    addresses = {(r["source"], urlparse(r["url"]).path) for r in db.query("select url, source from article_urls")}
    assert {(p["outlet"], p["path"]) for p in articles} <= addresses  # a syndicated copy: a URL of its original


def test_a_syndicated_copy_is_one_article_with_two_urls_counted_once_in_its_event(demo_runs):
    from storage.db import open_db
    from storage.events import get_event

    db_path, *_ = demo_runs
    copy = next(p for p in expected_pages() if p.get("copy_of"))
    original = copy["copy_of"]
    db = open_db(db_path)
    try:
        ids = {db.execute("select article_id from article_urls where source = ? and url like ?",
                          [outlet, "%" + path]).fetchone()[0]
               for outlet, path in ((copy["outlet"], copy["path"]), (original["outlet"], original["path"]))}
        assert len(ids) == 1
        (article_id,) = ids
        urls = list(db.query("select url, source, published from article_urls where article_id = ?", [article_id]))
        # Two addresses (each run of the demo serves them on its own port: the path tells them apart).
        assert {(u["source"], urlparse(u["url"]).path) for u in urls} == \
            {(copy["outlet"], copy["path"]), (original["outlet"], original["path"])}
        assert all(u["published"] for u in urls)  # each address keeps its outlet's publication date
        (event_id,) = {r[0] for r in db.execute("select event_id from claims where article_id = ? and count = ?",
                                                [article_id, copy["claims"][0]["count"]])}
        event = get_event(db, event_id)
        assert event["outlet_count"] == 2 and event["independent_reports"] == 1
        assert event["summary"] == "2 outlets, 1 independent report"
        skipped = [json.loads(s or "{}") for (s,) in db.execute("select skipped from crawl_runs").fetchall()]
        assert sum(s.get("near copy of a stored article (URL and outlet kept)", 0) for s in skipped) == 1
    finally:
        db.close()


def test_seed_texts_keep_the_body_and_drop_their_boilerplate(demo_runs):
    db_path, *_ = demo_runs
    by_path = _articles_by_path(db_path)
    for page in (p for p in expected_pages() if p.get("seed")):
        text = by_path[(page["outlet"], page["path"])][0]["text"]
        for line in page["boilerplate"]:
            assert line.strip() not in text, (page["path"], line)
        for line in page["body"]:
            assert line.strip() in text, (page["path"], line)


def test_required_claims_found_in_the_right_articles(demo_runs):
    db_path, *_ = demo_runs
    db = sqlite_utils.Database(db_path)
    by_path = _articles_by_path(db_path)
    for page in (p for p in expected_pages() if p.get("seed")):
        article_id = by_path[(page["outlet"], page["path"])][0]["id"]
        counts = {row["count"] for row in db.query("select count from claims where article_id = ?", [article_id])}
        missing = REQUIRED_COUNTS[page["seed"]] - counts
        assert not missing, (page["path"], sorted(missing))


def test_off_topic_articles_yield_no_claim(demo_runs):
    db_path, *_ = demo_runs
    db = sqlite_utils.Database(db_path)
    by_path = _articles_by_path(db_path)
    off_topic = [p for p in expected_pages() if p["is_article"] and not p.get("seed") and p.get("claims", []) == []]
    assert len(off_topic) >= 3
    for page in off_topic:
        article_id = by_path[(page["outlet"], page["path"])][0]["id"]
        claims = list(db.query("select count, evidence from claims where article_id = ?", [article_id]))
        assert claims == [], (page["path"], claims)


def test_claims_are_pending_and_point_at_their_evidence(demo_runs):
    db_path, *_ = demo_runs
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select c.*, a.text from claims c join articles a on a.id = c.article_id"))
    assert rows
    for row in rows:
        assert row["status"] == "pending"
        assert row["text"][row["start"]:row["end"]] == row["evidence"]
        assert isinstance(json.loads(row["locations"]), list)


def test_summary_and_second_run_store_nothing_new(demo_runs):
    db_path, first, second, articles_after_first = demo_runs
    assert "articles stored" in first.stdout and "Claims:" in first.stdout
    assert f"articles stored: {articles_after_first} (0 new this run)" in second.stdout
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*) from articles").fetchone()[0] == articles_after_first
    runs = list(db.query("select run_id, source, new_articles from crawl_runs"))
    assert len({r["run_id"] for r in runs}) == 2


def test_the_korean_outlet_reports_join_the_english_reports_of_the_same_returns(demo_runs):
    db_path, *_ = demo_runs
    db = sqlite_utils.Database(db_path)
    korean = [p for p in expected_pages() if p["outlet"] == "demo-ko-news" and p["is_article"]]
    assert len(korean) >= 3
    rows = list(db.query("select c.count, c.language, c.event_id, a.source, a.url from claims c "
                         "join articles a on a.id = c.article_id"))
    for page in korean:
        found = {r["count"] for r in rows if r["source"] == "demo-ko-news" and urlparse(r["url"]).path == page["path"]}
        assert {c["count"] for c in page.get("claims", [])} <= found, (page["path"], sorted(found))
    ko = {r["count"]: r for r in rows if r["source"] == "demo-ko-news"}
    assert ko[500]["language"] == "ko" and ko[35]["language"] == "ko"
    # the more than 500 of 9 October 2023 (two English outlets) and the 35 of Dandong (World Wire)
    for count, outlets in ((500, {"demo-rights-monitor", "demo-ngo-blog"}), (35, {"demo-world-wire"})):
        same = {r["source"] for r in rows if r["event_id"] == ko[count]["event_id"] and r["source"] != "demo-ko-news"}
        assert same == outlets, (count, same)
