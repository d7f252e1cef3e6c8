"""`newsmon run` for cron: the lock, exit statuses, crawl_runs rows, progress output, and `newsmon sources try`."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest
import sqlite_utils

from newsmon.lock import AlreadyRunning, RunLock
from tests.helpers import PROJECT_ROOT, run_newsmon
from tests.servers import Route, SiteServer, article_html, filler, listing_html, outlet_toml, rss, write_config

pytestmark = pytest.mark.slow

CLAIM_TEXT = [
    "Chinese authorities forcibly returned at least 60 North Korean defectors across the border on Monday, "
    "according to a human rights group in Seoul that monitors the area.",
    *filler(3, "the border situation"),
]


def _routes() -> dict[str, Route]:
    return {
        "/robots.txt": Route("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/feed.xml": Route(rss(["{{BASE}}/news/returned/", "{{BASE}}/news/council/", "{{BASE}}/tag/x/",
                                "{{BASE}}/files/report.pdf", "https://elsewhere.example.net/news/x/"]),
                           content_type="application/rss+xml", etag=True),
        "/": Route(listing_html(["/news/returned/", "/news/market/", "/about/"])),
        "/news/returned/": Route(article_html("Defectors sent back", CLAIM_TEXT)),
        "/news/council/": Route(article_html("Council budget", filler(4, "the council budget"))),
        "/news/market/": Route(article_html("Market day", filler(4, "the market"))),
    }


@pytest.fixture()
def site():
    with SiteServer(_routes()) as server:
        yield server


@pytest.fixture()
def config(tmp_path, site):
    return write_config(tmp_path, {"local": outlet_toml("local", site.base, feeds=["/feed.xml"], start_urls=["/"],
                                                        article_pattern=r"/news/[^/]+/$")})


def test_run_crawls_extracts_records_and_prints_a_line_per_outlet(tmp_path, config, site):
    db = tmp_path / "newsmon.db"
    result = run_newsmon("run", "--config", str(config), "--db", str(db), timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("local ") and " ok " in line and "new    3" in line for line in lines), result.stdout
    assert any(line.startswith("run: 1 outlet(s), 3 new article(s), 3 extracted") for line in lines), result.stdout
    # Not a terminal: plain, time-stamped progress lines.
    assert "local: crawl started" in result.stderr and "local: crawl finished" in result.stderr
    assert "\r" not in result.stderr
    rows = list(sqlite_utils.Database(db).query("select * from crawl_runs"))
    assert len(rows) == 1
    row = rows[0]
    for column in ("run_id", "source", "started_at", "finished_at", "requests", "new_articles", "errors", "status"):
        assert row[column] not in (None, ""), column
    assert row["new_articles"] == 3 and row["errors"] == 0 and row["status"] == "ok"
    texts = [r[0] for r in sqlite_utils.Database(db).execute("select text from articles where url like '%returned%'")]
    assert texts and "at least 60" in texts[0]


def test_second_concurrent_run_exits_at_once(tmp_path, config):
    db = tmp_path / "newsmon.db"
    with RunLock(db):
        # The lock is held until the command returns: had it waited for the lock, it would never return.
        result = run_newsmon("run", "--config", str(config), "--db", str(db), timeout=60)
    assert result.returncode == 75
    assert "another newsmon run" in result.stderr and "stops without doing anything" in result.stderr
    assert result.stdout == ""
    assert not db.exists() or not list(sqlite_utils.Database(db).query("select * from crawl_runs"))
    crawl = run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=60)
    assert crawl.returncode == 0  # the lock is free again


def test_the_same_database_through_a_symlink_takes_the_same_lock(tmp_path, config):
    real = tmp_path / "data" / "newsmon.db"
    real.parent.mkdir()
    (tmp_path / "data-link").symlink_to(real.parent, target_is_directory=True)
    (tmp_path / "newsmon-link.db").symlink_to(real)
    aliases = [tmp_path / "newsmon-link.db", tmp_path / "data-link" / "newsmon.db",
               tmp_path / "data" / ".." / "data" / "newsmon.db"]
    with RunLock(real):
        for alias in aliases:
            with pytest.raises(AlreadyRunning):
                with RunLock(alias):
                    pass
        result = run_newsmon("run", "--config", str(config), "--db", str(aliases[0]), timeout=120)
    assert result.returncode == 75, result.stdout + result.stderr
    assert "another newsmon run" in result.stderr and result.stdout == ""
    assert not (tmp_path / "newsmon-link.db.lock").exists() and not (tmp_path / "data-link.lock").exists()
    assert (tmp_path / "data" / "newsmon.db.lock").exists()


def test_nothing_could_run_exits_1(tmp_path, site):
    bad = write_config(tmp_path / "bad", {"broken": 'name = "broken"\n'})
    result = run_newsmon("run", "--config", str(bad), "--db", str(tmp_path / "x.db"), timeout=60)
    assert result.returncode == 1
    assert "config error:" in result.stdout and "no valid outlet" in result.stderr
    good = write_config(tmp_path / "good", {"local": outlet_toml("local", site.base, feeds=["/feed.xml"])})
    not_a_db = tmp_path / "not-a-db"
    not_a_db.write_bytes(b"this is not an SQLite database" * 100)
    result = run_newsmon("run", "--config", str(good), "--db", str(not_a_db), timeout=60)
    assert result.returncode == 1 and "cannot use database" in result.stderr
    assert site.requested("/feed.xml") == 0  # nothing was fetched for nothing


def test_progress_on_a_terminal(tmp_path, config):
    """With stderr on a terminal, the crawl redraws a status line per outlet."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsmon", "crawl", "--config", str(config), "--db", str(tmp_path / "t.db")],
        stdout=subprocess.PIPE, stderr=slave, cwd=PROJECT_ROOT,
    )
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(master)
    tty_output = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "crawling: local" in tty_output and "\r" in tty_output


def test_sources_try_lists_fetches_and_skips_and_shows_text_and_claims(tmp_path, config, site):
    result = run_newsmon("sources", "try", "local", "--config", str(config), "--db", str(tmp_path / "none.db"),
                         "--samples", "1", timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "feed     " in out and "/feed.xml" in out
    assert "Would fetch as articles (3):" in out
    assert "denied by deny_url_patterns (1):" in out  # the /tag/ link
    assert "off-site (1):" in out and "elsewhere.example.net" in out
    assert "a file, not a page (by its extension) (1):" in out
    # Only the first new article was fetched; nothing was stored.
    assert sum(site.requested(p) for p in ("/news/returned/", "/news/council/", "/news/market/")) == 1
    assert not (tmp_path / "none.db").exists()
    assert "--- " in out and "text (" in out
    assert "claim" in out  # "claims: none", a claim line, or why claims are not available


def test_sources_try_says_what_is_already_stored(tmp_path, config, site):
    db = tmp_path / "newsmon.db"
    assert run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=120).returncode == 0
    result = run_newsmon("sources", "try", "local", "--config", str(config), "--db", str(db), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Would fetch as articles (0):" in result.stdout
    assert "already stored (3):" in result.stdout
