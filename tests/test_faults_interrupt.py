"""`newsmon run` interrupted: SIGTERM, Ctrl-C (SIGINT to the whole process group), SIGKILL; and
`newsmon extract` interrupted.

Real signals sent to the real command while it crawls a slow local outlet.
An interrupted run says so (status `interrupted`, exit 128 + signal) and
keeps no feed or sitemap validators that would hide the articles it did not
fetch; a killed one leaves no process behind. Either way the next normal run
fetches exactly what was left and ends with every article stored once with
its claim.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
import sqlite_utils

from tests.faults import (
    article_path,
    articles_requested,
    assert_every_article_stored_once_with_its_claim,
    descendants,
    fault_env,
    outlet_config,
    outlet_routes,
    start_newsmon,
    still_alive,
    triggered,
    wait_for,
)
from tests.helpers import run_newsmon
from tests.servers import SiteServer

pytestmark = pytest.mark.slow

N = 24


def _stored_paths(db, site) -> set[str]:
    urls = {url for (url,) in sqlite_utils.Database(db).execute("select url from articles")}
    return {article_path(i) for i in range(N) if site.url(article_path(i)) in urls}


def _end(proc: subprocess.Popen, children=()) -> None:
    """Whatever a failed test left running: the run and its children, by pid."""
    for pid in {*children, *descendants(proc.pid), proc.pid}:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.communicate(timeout=30)


def _resumes_with_what_was_left(config, db, site) -> None:
    left = {article_path(i) for i in range(N)} - _stored_paths(db, site)
    site.clear()
    again = run_newsmon("run", "--config", str(config), "--db", str(db), timeout=240)
    assert again.returncode == 0, again.stderr
    assert f"new {len(left):>4}" in again.stdout, again.stdout
    fetched = [path for path in site.paths() if path.startswith("/news/")]
    assert sorted(fetched) == sorted(left)  # each article not stored before, once; none stored before
    assert_every_article_stored_once_with_its_claim(db, site, N)


@pytest.mark.parametrize("signum, to_group", [(signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["SIGTERM", "ctrl-c"])
def test_an_interrupted_run_says_so_keeps_no_validators_and_the_next_run_resumes(tmp_path, signum, to_group):
    with SiteServer(outlet_routes(N, delay=0.5)) as site:
        config, db = outlet_config(tmp_path, site, concurrency=2), tmp_path / "newsmon.db"
        proc = start_newsmon("run", "--config", str(config), "--db", str(db), new_session=to_group)
        try:
            wait_for(lambda: articles_requested(site, N) >= 4, 90, "the crawl to fetch articles")
            if to_group:  # as a terminal's Ctrl-C does: the workers get it too
                os.killpg(proc.pid, signum)
            else:
                proc.send_signal(signum)
            out, err = proc.communicate(timeout=90)
        except BaseException:
            _end(proc)
            raise
        name = signal.Signals(signum).name
        assert proc.returncode == 128 + signum, err
        line = next(line for line in out.splitlines() if line.startswith("local "))
        assert " interrupted " in line and f"(interrupted by {name}: " in line, out
        summary = out.splitlines()[-1]
        assert summary.startswith(f"run: interrupted by {name}: 1 outlet(s), ") and \
            summary.endswith("the next run does what was left"), out
        stored = _stored_paths(db, site)
        assert 0 < len(stored) < N, stored  # it stopped mid-crawl, keeping what it had fetched
        assert_claims_of(db, site, stored)
        rows = sqlite_utils.Database(db)
        assert [r["status"] for r in rows.query("select status from crawl_runs")] == ["interrupted"]
        validators = list(rows.query("select url, etag, last_modified from feed_state"))
        assert {r["url"] for r in validators} == {site.url("/feed.xml"), site.url("/sitemap.xml")}
        assert all(r["etag"] is None and r["last_modified"] is None for r in validators), validators

        _resumes_with_what_was_left(config, db, site)
        # All stored now: the feed and sitemap keep their validators, and the next run asks only them.
        site.clear()
        third = run_newsmon("run", "--config", str(config), "--db", str(db), timeout=240)
        assert third.returncode == 0, third.stderr
        assert sorted(site.paths()) == ["/feed.xml", "/robots.txt", "/sitemap.xml"], site.paths()
        assert "local                    ok " in third.stdout
        assert all(r["etag"] for r in rows.query("select etag from feed_state"))


def assert_claims_of(db, site, paths) -> None:
    """Each page the interrupted run stored has its text and claims (the pages in flight were finished)."""
    database = sqlite_utils.Database(db)
    for path in paths:
        row = next(database.query("select id, text, extractor_version from articles where url = ?",
                                  [site.url(path)]))
        assert row["text"] and row["extractor_version"], (path, row)


def test_kill_9_leaves_no_process_behind_and_the_next_run_fetches_everything_left(tmp_path):
    with SiteServer(outlet_routes(N, delay=0.5)) as site:
        config, db = outlet_config(tmp_path, site, concurrency=2), tmp_path / "newsmon.db"
        proc = start_newsmon("run", "--config", str(config), "--db", str(db))
        children: dict[int, int] = {}
        try:
            wait_for(lambda: articles_requested(site, N) >= 4, 90, "the crawl to fetch articles")
            # the resource tracker, the cleaning workers and the claims worker
            children = wait_for(lambda: (found := descendants(proc.pid)) and len(found) >= 3 and found, 90,
                                "the worker processes to start")
            proc.send_signal(signal.SIGKILL)
            # The pipes of the run reach their end only when no process holds them any more.
            proc.communicate(timeout=30)
            wait_for(lambda: not still_alive(children), 20, f"the children {sorted(children)} to exit")
        except BaseException:
            _end(proc, children)
            raise
        assert proc.returncode == -signal.SIGKILL
        assert articles_requested(site, N) < N  # it was killed mid-crawl
        _resumes_with_what_was_left(config, db, site)


def test_an_interrupted_extraction_writes_the_batch_it_waited_for_and_leaves_the_rest_to_the_next_run(tmp_path):
    n = 40  # three batches of the extractor: 16, 16 and 8 articles
    with SiteServer(outlet_routes(n, faults={i: "slow-claims" for i in range(n)})) as site:
        config, db = outlet_config(tmp_path, site), tmp_path / "newsmon.db"
        crawl = run_newsmon("crawl", "--config", str(config), "--db", str(db), timeout=240)
        assert crawl.returncode == 0, crawl.stderr
        faults = tmp_path / "faults"
        # The first batch whose claims are read waits: the signal comes while no batch is written yet.
        proc = start_newsmon("extract", "--config", str(config), "--db", str(db),
                             env=fault_env(faults, slow_claims=1))
        try:
            wait_for(lambda: triggered(faults), 120, "the claims of a batch to be read")
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=90)
        except BaseException:
            _end(proc)
            raise
        assert proc.returncode == 143, err
        assert out.splitlines()[-1] == "extract: interrupted by SIGTERM: extracted 16 article(s): 16 claim(s) queued"
        database = sqlite_utils.Database(db)
        assert database.execute("select count(*) from articles where extractor_version is not null").fetchone()[0] == 16
        assert database.execute("select count(*) from claims").fetchone()[0] == 16

        again = run_newsmon("run", "--config", str(config), "--db", str(db), timeout=240)
        assert again.returncode == 0, again.stderr
        assert "run: 1 outlet(s), 0 new article(s), 24 extracted, 24 claim(s) queued" in again.stdout
        assert_every_article_stored_once_with_its_claim(db, site, n)
