"""`newsmon status`: per-outlet health from crawl_runs, with warnings for bad streaks."""

from __future__ import annotations

import json

from click.testing import CliRunner

from newsmon.cli import cli
from storage.db import open_db
from storage.runs import record_run, source_health
from tests.servers import write_config


def _run(db, n: int, source: str, status: str, new: int = 0, errors: int = 0, message: str = "") -> None:
    record_run(db, {"run_id": f"r{n}", "source": source, "started_at": f"2026-05-0{n}T09:00:00+00:00",
                    "finished_at": f"2026-05-0{n}T09:01:00+00:00", "requests": 5, "new_articles": new,
                    "errors": errors, "status": status, "skipped": {"already stored": 3}, "message": message})


def _fill(db_path):
    db = open_db(db_path)
    with db.conn:
        for n in range(1, 5):
            _run(db, n, "steady", "ok", new=2)
            _run(db, n, "broken", "ok" if n == 1 else "failed", new=1 if n == 1 else 0, errors=0 if n == 1 else 2,
                 message="" if n == 1 else "no feed, sitemap or listing page could be read")
            _run(db, n, "moved", "ok" if n == 1 else "empty", new=1 if n == 1 else 0,
                 message="no article link found: has the site changed its layout?")
            _run(db, n, "quiet", "ok", new=1 if n == 1 else 0)
            _run(db, n, "blip", "failed" if n == 4 else "ok", new=1, errors=1 if n == 4 else 0)
    return db


def test_health_and_streak_warnings(tmp_path):
    db = _fill(tmp_path / "n.db")
    health = {name: source_health(db, name) for name in ("steady", "broken", "moved", "quiet", "blip")}
    assert health["steady"]["warnings"] == [] and health["steady"]["new_articles"] == 8
    assert health["steady"]["last_run"] == "2026-05-04T09:01:00+00:00"
    assert health["broken"]["warnings"][0].startswith("failing 3 runs in a row")
    assert health["broken"]["errors"] == 6
    assert health["moved"]["warnings"][0].startswith("no article link found 3 runs in a row")
    assert health["quiet"]["warnings"] == ["no new article 3 runs in a row"]
    assert health["blip"]["warnings"][0].startswith("failed in the last run")
    assert source_health(db, "steady", window=2)["new_articles"] == 4


def test_status_command(tmp_path):
    _fill(tmp_path / "n.db").close()
    config = write_config(tmp_path, {"never": 'name = "never"\nfeeds = ["https://never.example.org/feed"]\n'})
    runner = CliRunner()
    result = runner.invoke(cli, ["status", "--db", str(tmp_path / "n.db"), "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("broken ") and "failed" in line for line in lines)
    assert "WARNING broken: failing 3 runs in a row" in result.output
    assert "WARNING moved: no article link found 3 runs in a row" in result.output
    assert "WARNING never: never crawled" in result.output
    assert not any(line.startswith("WARNING steady") for line in lines)
    result = runner.invoke(cli, ["status", "--json", "--streak", "5", "--db", str(tmp_path / "n.db"),
                                 "--config", str(config)])
    rows = {json.loads(line)["source"]: json.loads(line) for line in result.output.splitlines()}
    assert rows["broken"]["warnings"] == ["failed in the last run: no feed, sitemap or listing page could be read"]
    assert rows["steady"]["config"] == "missing" and rows["never"]["config"] == "enabled"


# ----------------------------------------------------------------------------- why it failed, what was skipped


def test_skipped_counts_only_article_links_left_aside():
    from storage.runs import failure_reasons, reason_kind, skipped_links

    counts = {"already stored": 3, "off-site": 1, "forbidden by robots.txt": 2,
              "canonical ignored: off-site": 5, "canonical ignored: the site's front page": 1,
              "feed not modified (304)": 1, "pagination stopped: no unseen article on the page": 1,
              "robots http 404": 1, "http 404": 2, "timeout": 1, "feed http 503": 1}
    assert skipped_links(counts) == 6
    assert skipped_links(json.dumps(counts)) == 6  # as stored in crawl_runs
    assert failure_reasons(counts) == {"http 404": 2, "forbidden by robots.txt": 2, "feed http 503": 1, "timeout": 1}
    assert reason_kind("canonical ignored: off-site") == "note"
    assert reason_kind("feed forbidden by robots.txt") == "failure"
    assert skipped_links(None) == 0 and skipped_links("not json") == 0


def test_status_says_why_an_outlet_failed(tmp_path):
    db = open_db(tmp_path / "n.db")
    with db.conn:
        for n in range(1, 4):
            record_run(db, {"run_id": f"r{n}", "source": "refused", "started_at": f"2026-05-0{n}T09:00:00+00:00",
                            "status": "failed", "errors": 0, "new_articles": 0, "requests": 1,
                            "message": "no feed, sitemap or listing page could be read",
                            "skipped": {"feed forbidden by robots.txt": 1}})
            record_run(db, {"run_id": f"r{n}", "source": "gone", "started_at": f"2026-05-0{n}T09:00:00+00:00",
                            "status": "failed" if n == 3 else "ok", "errors": 2, "new_articles": 0, "requests": 2,
                            "message": "no feed, sitemap or listing page could be read",
                            "skipped": {"feed http 404": 1, "sitemap http 404": 1}})
            record_run(db, {"run_id": f"r{n}", "source": "slow", "started_at": f"2026-05-0{n}T09:00:00+00:00",
                            "status": "ok", "errors": 3, "new_articles": 1, "requests": 9,
                            "message": "3 request(s) failed",
                            "skipped": {"timeout": 3, "already stored": 2, "canonical ignored: off-site": 4}})
    db.close()
    config = write_config(tmp_path, {})
    result = CliRunner().invoke(cli, ["status", "--db", str(tmp_path / "n.db"), "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "skipped" in lines[0]
    slow = lines.index(next(line for line in lines if line.startswith("slow ")))
    assert lines[slow].split()[-3] == "6"  # 2 already stored × 3 runs (ignored canonical links are no skip)
    assert lines[slow + 1].strip() == "why (last run): timeout ×3"
    refused = lines.index(next(line for line in lines if line.startswith("refused ")))
    assert lines[refused + 1].strip() == "why (last run): feed forbidden by robots.txt ×1"
    assert ("WARNING refused: failing 3 runs in a row: no feed, sitemap or listing page could be read "
            "(feed forbidden by robots.txt ×1)") in result.output
    assert "WARNING gone: failed in the last run: no feed, sitemap or listing page could be read " \
           "(feed http 404 ×1, sitemap http 404 ×1)" in result.output
    result = CliRunner().invoke(cli, ["status", "--json", "--db", str(tmp_path / "n.db"), "--config", str(config)])
    rows = {json.loads(line)["source"]: json.loads(line) for line in result.output.splitlines()}
    assert rows["gone"]["reasons"] == {"feed http 404": 1, "sitemap http 404": 1}
    assert rows["slow"]["skipped"] == 6


def test_a_real_crawl_records_why_and_what_was_really_skipped(tmp_path):
    from tests.helpers import run_newsmon
    from tests.servers import Route, SiteServer, article_html, filler, outlet_toml, rss

    routes = {
        "/feed.xml": Route(rss(["{{BASE}}/news/one/", "{{BASE}}/news/two/", "https://elsewhere.example.net/news/x/"]),
                           content_type="application/rss+xml"),
        # its canonical link names another site: the page is stored under its own URL, nothing skipped
        "/news/one/": Route(article_html("One", filler(4, "the harbour"),
                                         canonical="https://syndication.example.net/news/one/")),
        "/news/two/": Route(article_html("Two", filler(4, "the school board"))),
    }
    with SiteServer(routes) as up, SiteServer({}) as down:
        config = write_config(tmp_path, {
            "up": outlet_toml("up", up.base, feeds=["/feed.xml"]),
            "down": outlet_toml("down", down.base, feeds=["/feed.xml"]),
        })
        db = tmp_path / "n.db"
        run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=300)
        result = run_newsmon("status", "--json", "--config", str(config), "--db", str(db), timeout=120)
    rows = {json.loads(line)["source"]: json.loads(line) for line in result.stdout.splitlines()}
    assert rows["up"]["new_articles"] == 2
    assert rows["up"]["skipped"] == 1  # the off-site feed link, not the off-site canonical
    assert rows["down"]["last_status"] == "failed"
    assert rows["down"]["reasons"] == {"feed http 404": 1}
    assert "(feed http 404 ×1)" in rows["down"]["last_message"]
