"""Many outlets in one run: at most `concurrent_outlets` crawled at once, and a hanging or failing one holds up none."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
import sqlite_utils

from tests.helpers import run_newsmon
from tests.servers import (
    FAST_SETTINGS,
    Route,
    SilentServer,
    SiteServer,
    article_html,
    closed_port,
    filler,
    outlet_toml,
    rss,
    write_config,
)

pytestmark = pytest.mark.slow


class InFlight:
    """Counts the outlets whose feed is being answered right now, across servers; keeps the most seen."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0

    def feed(self, items: list[str]):
        def handler(req) -> None:
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                time.sleep(0.4)  # long enough for the other outlets' feeds to be asked for meanwhile
                body = rss(items).replace("{{BASE}}", f"http://{req.headers['Host']}").encode()
                req.send_response(200)
                req.send_header("Content-Type", "application/rss+xml")
                req.send_header("Content-Length", str(len(body)))
                req.end_headers()
                req.wfile.write(body)
            finally:
                with self._lock:
                    self.now -= 1
        return handler


def _site(name: str, in_flight: InFlight) -> SiteServer:
    return SiteServer({
        "/robots.txt": Route("User-agent: *\n", content_type="text/plain"),
        "/feed.xml": Route(handler=in_flight.feed([f"{{{{BASE}}}}/news/{name}-story/"])),
        f"/news/{name}-story/": Route(article_html(f"The {name} story", filler(4, f"the {name} council"))),
    })


def _settings(concurrent: int) -> str:
    return FAST_SETTINGS + f"concurrent_outlets = {concurrent}\n"


def _rows(db) -> dict[str, dict]:
    return {r["source"]: r for r in sqlite_utils.Database(db).query("select * from crawl_runs")}


def test_outlets_beyond_the_limit_wait_their_turn_and_all_are_crawled(tmp_path):
    in_flight = InFlight()
    names = [f"outlet-{i}" for i in range(5)]
    with contextlib.ExitStack() as stack:
        sites = {name: stack.enter_context(_site(name, in_flight)) for name in names}
        config = write_config(tmp_path, {name: outlet_toml(name, site.base, feeds=["/feed.xml"])
                                         for name, site in sites.items()}, settings=_settings(2))
        db = tmp_path / "newsmon.db"
        result = run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _rows(db)
    assert sorted(rows) == names
    assert all(r["status"] == "ok" and r["new_articles"] == 1 for r in rows.values()), rows
    assert 1 <= in_flight.most <= 2  # never more outlets at once than the limit


def test_a_hanging_and_a_refusing_outlet_hold_up_no_other(tmp_path):
    in_flight = InFlight()
    with contextlib.ExitStack() as stack:
        good = {f"good-{i}": stack.enter_context(_site(f"good-{i}", in_flight)) for i in range(3)}
        silent = stack.enter_context(SilentServer())
        sources = {name: outlet_toml(name, site.base, feeds=["/feed.xml"]) for name, site in good.items()}
        sources["a-hanging"] = outlet_toml("a-hanging", silent.base, feeds=["/feed.xml"])
        sources["a-refusing"] = outlet_toml("a-refusing", closed_port(), feeds=["/feed.xml"])
        # The two bad outlets come first (by name) and take both places: the good ones must still be crawled.
        config = write_config(tmp_path, sources, settings=_settings(2))
        db = tmp_path / "newsmon.db"
        result = run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _rows(db)
    assert rows["a-hanging"]["status"] == "failed" and rows["a-refusing"]["status"] == "failed", rows
    assert all(rows[name]["status"] == "ok" and rows[name]["new_articles"] == 1 for name in good), rows


def test_concurrent_outlets_must_be_a_whole_number_above_zero(tmp_path):
    config = write_config(tmp_path, {}, settings=_settings(0))
    result = run_newsmon("sources", "check", "--config", str(config), timeout=120)
    assert result.returncode != 0
    assert "concurrent_outlets" in result.stdout + result.stderr
