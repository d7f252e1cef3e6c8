"""A worker process dies (SIGKILL, as the OOM killer sends) or one page makes the claim rules raise.

The faults are real: tests/faultinject makes the worker process that handles
a marked page kill itself with SIGKILL, or raise, in the real `newsmon run`.
Nothing may be lost: the worker is started again, the pages it held are done
again, a page on which it dies twice is given up and counted, and the next
normal run ends with every article stored once with its claim.
"""

from __future__ import annotations

import pytest
import sqlite_utils

from tests.faults import (
    article_path,
    assert_every_article_stored_once_with_its_claim,
    fault_env,
    outlet_config,
    outlet_routes,
    triggered,
)
from tests.helpers import run_newsmon
from tests.servers import SiteServer

pytestmark = pytest.mark.slow

N = 12


def _run(config, db, env=None, *args):
    # A run that hangs fails the test (TimeoutExpired) instead of holding up the suite.
    return run_newsmon(*args or ("run",), "--config", str(config), "--db", str(db), env=env, timeout=150)


def _outlet_line(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("local "))


@pytest.mark.parametrize("action, concurrency, delay", [
    ("die-claims", 4, 0.0),
    # One page at a time: each page after the death reaches the workers on its own, from a timer.
    ("die-cleaning", 1, 0.1),
])
def test_a_killed_worker_is_started_again_and_its_pages_done_again(tmp_path, action, concurrency, delay):
    with SiteServer(outlet_routes(N, faults={5: action}, delay=delay)) as site:
        config, db = outlet_config(tmp_path, site, concurrency=concurrency), tmp_path / "newsmon.db"
        faults = tmp_path / "faults"
        result = _run(config, db, fault_env(faults, **{action.replace("-", "_"): 1}))
        assert triggered(faults) == [action]  # the worker really died, once
        assert result.returncode == 0, result.stderr
        line = _outlet_line(result.stdout)
        assert " ok " in line and "new   12" in line and "errors   0" in line, result.stdout
        assert "run: 1 outlet(s), 12 new article(s), 12 extracted, 12 claim(s) queued, 1 worker restart(s)" \
            in result.stdout
        assert "extract error" not in result.stdout
        assert_every_article_stored_once_with_its_claim(db, site, N)

        again = _run(config, db)
        assert again.returncode == 0, again.stderr
        assert_every_article_stored_once_with_its_claim(db, site, N)


def test_a_page_that_kills_its_worker_twice_is_given_up_counted_and_done_by_the_next_run(tmp_path):
    """A page on which a worker dies in its batch and again alone is an error of the run, not retried for ever."""
    with SiteServer(outlet_routes(N, faults={3: "die-cleaning", 8: "die-claims"})) as site:
        config, db = outlet_config(tmp_path, site), tmp_path / "newsmon.db"
        faults = tmp_path / "faults"
        result = _run(config, db, fault_env(faults, die_cleaning=99, die_claims=99))
        assert result.returncode == 0, result.stderr
        assert sorted(triggered(faults)) == ["die-claims"] * 2 + ["die-cleaning"] * 2
        line = _outlet_line(result.stdout)
        assert "new   12" in line and "errors   2" in line, result.stdout
        assert "2 page(s) stored without their clean text or claims" in line
        errors = [out for out in result.stdout.splitlines() if out.startswith("extract error: ")]
        assert len(errors) == 2, result.stdout
        cleaning = next(e for e in errors if site.url(article_path(3)) in e)
        claims = next(e for e in errors if site.url(article_path(8)) in e)
        assert "cleaning: the cleaning worker process died" in cleaning and "retried alone" in cleaning
        assert "claims: the claims worker process died" in claims and "retried alone" in claims
        assert "10 extracted, 10 claim(s) queued, 2 extraction(s) failed, 4 worker restart(s)" in result.stdout
        rows = {r["url"]: r for r in sqlite_utils.Database(db).query(
            "select a.url, a.text, a.html is not null as has_html, count(c.id) as claims from articles a "
            "left join claims c on c.article_id = a.id group by a.id")}
        assert len(rows) == N
        assert rows[site.url(article_path(3))]["text"] is None and rows[site.url(article_path(3))]["has_html"]
        assert "at least 109 North Korean" in rows[site.url(article_path(8))]["text"]
        assert rows[site.url(article_path(8))]["claims"] == 0
        assert sum(r["claims"] for r in rows.values()) == N - 2  # every other page has its claim

        again = _run(config, db)
        assert again.returncode == 0, again.stderr
        assert "run: 1 outlet(s), 0 new article(s), 2 extracted, 2 claim(s) queued" in again.stdout
        assert_every_article_stored_once_with_its_claim(db, site, N)


def test_one_page_whose_claims_raise_costs_no_other_page_of_its_batch_its_claims(tmp_path):
    with SiteServer(outlet_routes(N, faults={4: "raise-claims"})) as site:
        config, db = outlet_config(tmp_path, site), tmp_path / "newsmon.db"
        crawl = _run(config, db, None, "crawl")  # stored with clean text, claims not read yet
        assert crawl.returncode == 0, crawl.stderr
        faults = tmp_path / "faults"
        # All twelve pages are read in one batch of the extractor.
        result = _run(config, db, fault_env(faults, raise_claims=99), "extract")
        assert result.returncode == 0, result.stderr
        errors = [out for out in result.stdout.splitlines() if out.startswith("extract error: ")]
        assert len(errors) == 1, result.stdout
        assert "claims: RuntimeError: injected fault while reading claims" in errors[0]
        assert "extracted 11 article(s): 11 claim(s) queued, 1 failed" in result.stdout
        db_ = sqlite_utils.Database(db)
        bad = next(db_.query("select id, text, extractor_version from articles where url = ?",
                             [site.url(article_path(4))]))
        assert f"article {bad['id']}:" in errors[0]
        assert "at least 105 North Korean" in bad["text"] and bad["extractor_version"] is None
        assert db_.execute("select count(*) from claims").fetchone()[0] == N - 1

        again = _run(config, db)
        assert again.returncode == 0, again.stderr
        assert_every_article_stored_once_with_its_claim(db, site, N)
