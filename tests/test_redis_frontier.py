"""The crawl past one machine: `newsmon run --redis` writes, `newsmon worker --redis` processes crawl.

A real redis-server (Debian's package, `make redis`) is started on a free
loopback port. Locally the tests skip when it is missing; with
NEWSMON_REQUIRE_REDIS=1 (CI) that is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
import sqlite_utils

from tests.helpers import PROJECT_ROOT, run_newsmon
from tests.servers import Route, SiteServer, article_html, filler, outlet_toml, rss, write_config

pytestmark = pytest.mark.slow

CLAIM = ("Chinese authorities forcibly returned at least {n} North Korean defectors across the border on Monday, "
         "according to a human rights group in Seoul that monitors the area.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        message = "no redis-server found (install Debian's redis-server, e.g. `make redis`): Redis tests skipped"
        if os.environ.get("NEWSMON_REQUIRE_REDIS") == "1":
            pytest.fail("NEWSMON_REQUIRE_REDIS=1 but " + message)
        pytest.skip(message)
    port = _free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        with contextlib.suppress(redis.ConnectionError):
            if client.ping():
                break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def test_a_lease_that_runs_out_goes_back_on_the_queue(redis_url):
    from crawler.redis_frontier import connect

    frontier = connect(redis_url)
    assert frontier.start_run("r1", [{"outlet": {"name": "a"}}, {"outlet": {"name": "b"}}], ["http://x/1/"]) == 2
    assert frontier.stored_any(["http://x/1/", "http://x/2/"]) and not frontier.stored_any(["http://x/2/"])
    token_a, job_a = frontier.lease("w1", seconds=1)
    token_b, job_b = frontier.lease("w1", seconds=30)
    assert (job_a["outlet"]["name"], job_b["outlet"]["name"]) == ("a", "b")  # in the order queued
    assert frontier.lease("w2") is None
    assert frontier.pending() == (0, 2)
    time.sleep(1.2)
    assert [j["outlet"]["name"] for j in frontier.requeue_expired()] == ["a"]  # b is still held
    assert frontier.renew([token_a, token_b]) == 1  # a's lease is gone: renewing it does nothing
    token, job = frontier.lease("w2")
    assert job["outlet"]["name"] == "a" and token != token_a
    frontier.finish(token, {"type": "outlet", "run_id": "r1", "source": "a"})
    frontier.release(token_b, job_b)
    assert frontier.pending() == (1, 0)
    assert [m["source"] for m in frontier.pop_results(timeout=1)] == ["a"]
    # A new run starts from a clean queue, with the stored URLs it is given.
    frontier.start_run("r2", [], [])
    assert frontier.pending() == (0, 0) and not frontier.stored_any(["http://x/1/"])


def _outlet_routes(name: str, n: int, *, delay: float = 0.0) -> dict[str, Route]:
    routes = {
        "/robots.txt": Route("User-agent: *\n", content_type="text/plain"),
        "/feed.xml": Route(rss([f"{{{{BASE}}}}/news/{name}-{k}/" for k in range(n)]),
                           content_type="application/rss+xml", etag=True),
    }
    for k in range(n):
        paragraphs = ([CLAIM.format(n=10 + k)] if k % 2 == 0 else []) + filler(3, f"the {name} story {k}")
        routes[f"/news/{name}-{k}/"] = Route(article_html(f"{name} story {k}", paragraphs), delay=delay)
    return routes


def _newsmon(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsmon", *args], cwd=PROJECT_ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _articles(db) -> list[str]:
    return [r["url"] for r in sqlite_utils.Database(db).query("select url from articles order by url")]


def _claims(db) -> list[tuple]:
    return [tuple(r.values()) for r in sqlite_utils.Database(db).query(
        "select a.url, c.count, c.evidence from claims c join articles a on a.id = c.article_id"
        " order by a.url, c.start")]


def _finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"timed out:\n{out}\n{err}")
    return out, err


@pytest.fixture()
def outlets():
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(SiteServer(_outlet_routes(name, 4)))
               for name in ("alpha", "beta", "gamma")}


def test_two_workers_store_every_article_once_and_find_the_claims_of_one_machine(tmp_path, redis_url, outlets):
    config = write_config(tmp_path, {name: outlet_toml(name, site.base, feeds=["/feed.xml"])
                                     for name, site in outlets.items()})
    alone, shared = tmp_path / "alone.db", tmp_path / "shared.db"
    single = run_newsmon("run", "--config", str(config), "--db", str(alone), timeout=300)
    assert single.returncode == 0, single.stdout + single.stderr

    writer = _newsmon("run", "--redis", redis_url, "--config", str(config), "--db", str(shared))
    workers = [_newsmon("worker", "--redis", redis_url, "--config", str(config)) for _ in range(2)]
    out, err = _finish(writer)
    assert writer.returncode == 0, out + err
    for worker in workers:
        w_out, w_err = _finish(worker)
        assert worker.returncode == 0, w_out + w_err
    assert "run: 3 outlet(s), 12 new article(s)" in out, out
    assert len(_articles(shared)) == len(set(_articles(shared))) == 12
    assert _articles(shared) == _articles(alone)
    assert _claims(shared) == _claims(alone) and len(_claims(shared)) == 6
    rows = list(sqlite_utils.Database(shared).query("select source, status, new_articles from crawl_runs"))
    assert sorted((r["source"], r["status"], r["new_articles"]) for r in rows) == [
        ("alpha", "ok", 4), ("beta", "ok", 4), ("gamma", "ok", 4)]

    # The next run: the feeds answer 304 (their validators went through the writer), nothing is fetched again.
    for site in outlets.values():
        site.clear()
    writer = _newsmon("run", "--redis", redis_url, "--config", str(config), "--db", str(shared))
    worker = _newsmon("worker", "--redis", redis_url, "--config", str(config))
    out, err = _finish(writer)
    _finish(worker)
    assert writer.returncode == 0 and "0 new article(s)" in out, out + err
    assert all(not any(p.startswith("/news/") for p in site.paths()) for site in outlets.values())
    assert all("If-None-Match" in "".join(str(h.headers) for h in site.hits if h.path == "/feed.xml")
               for site in outlets.values())


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path, redis_url):
    with contextlib.ExitStack() as stack:
        sites = {name: stack.enter_context(SiteServer(_outlet_routes(name, 6, delay=0.5)))
                 for name in ("alpha", "beta")}
        config = write_config(tmp_path, {name: outlet_toml(name, site.base, feeds=["/feed.xml"])
                                         for name, site in sites.items()})
        db = tmp_path / "shared.db"
        writer = _newsmon("run", "--redis", redis_url, "--config", str(config), "--db", str(db))
        doomed = _newsmon("worker", "--redis", redis_url, "--config", str(config), "--lease", "3")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and sum(
                sum(1 for p in s.paths() if p.startswith("/news/")) for s in sites.values()) < 3:
            time.sleep(0.1)
        # Mid-crawl: some articles asked for, most not; the worker and its extraction processes die at once.
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.communicate()
        fetched_before = {p for s in sites.values() for p in s.paths() if p.startswith("/news/")}
        assert 0 < len(fetched_before) < 12
        survivor = _newsmon("worker", "--redis", redis_url, "--config", str(config), "--lease", "3")
        out, err = _finish(writer)
        s_out, s_err = _finish(survivor)
    assert writer.returncode == 0, out + err
    assert survivor.returncode == 0, s_out + s_err
    urls = _articles(db)
    assert len(urls) == len(set(urls)) == 12, out
    assert "run: 2 outlet(s), 12 new article(s)" in out, out
    assert "queued again" in out + s_err  # the dead worker's outlets went back on the queue
    rows = list(sqlite_utils.Database(db).query("select source, status from crawl_runs"))
    assert sorted((r["source"], r["status"]) for r in rows) == [("alpha", "ok"), ("beta", "ok")]


def test_without_redis_nothing_needs_it_and_a_bad_url_is_one_line(tmp_path):
    config = write_config(tmp_path, {"x": outlet_toml("x", "http://127.0.0.1:9", feeds=["/feed.xml"])})
    port = _free_port()  # nothing listens there
    result = run_newsmon("run", "--redis", f"redis://127.0.0.1:{port}/0", "--config", str(config),
                         "--db", str(tmp_path / "x.db"), timeout=120)
    assert result.returncode == 1
    assert "Redis at redis://127.0.0.1" in result.stderr and "Traceback" not in result.stderr
    worker = run_newsmon("worker", "--redis", f"redis://127.0.0.1:{port}/0", "--config", str(config), timeout=120)
    assert worker.returncode == 1 and "Traceback" not in worker.stderr
