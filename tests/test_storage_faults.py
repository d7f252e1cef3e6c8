"""Storage faults, produced for real: a full disk, a read-only file system or file, a write lock held too long.

Each fault must give one line naming the database and the cause, a non-zero
exit (a 503 that says why, for the review server), stop the crawl rather than
fetch pages it cannot store, and leave nothing that hides the loss: no feed or
sitemap validator saved for articles not stored, no `crawl_runs` row saying
"ok". Once the fault is gone, a normal run stores every article of the outlet
exactly once with its claim.

The full disk is a tmpfs of a few megabytes and the read-only file system that
tmpfs remounted read-only (tests/disk_faults.py), which stops root too; the
read-only file is made immutable (`chattr +i`) as root, where chmod would not
stop a write, and chmod-ed otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from review.server import BackgroundServer
from storage.db import open_db
from tests.conftest import fill_sample
from tests.disk_faults import SmallDisk, WriteLockHolder
from tests.helpers import PROJECT_ROOT, run_newsmon
from tests.servers import Route, SiteServer, article_html, filler, outlet_toml, rss, sitemap, write_config

pytestmark = pytest.mark.slow

NO_SMALL_DISK = SmallDisk.unavailable()


@pytest.fixture
def small_disk(tmp_path):
    if NO_SMALL_DISK is not None:
        message = f"a full or read-only disk cannot be made here: {NO_SMALL_DISK}"
        if os.environ.get("NEWSMON_REQUIRE_FAULTS") == "1":
            pytest.fail("NEWSMON_REQUIRE_FAULTS=1 but " + message)
        pytest.skip(message)
    with SmallDisk(tmp_path / "disk", 16 * 1024 * 1024) as disk:
        yield disk


# --- a local outlet -------------------------------------------------------------------

CLAIMED = 100  # article i says that CLAIMED + i people were returned


def story_path(i: int) -> str:
    return f"/news/story-{i}/"


class Outlet:
    """A local outlet whose articles are found only through its RSS feed (even ones) and sitemap (odd ones).

    Both answer a matching If-None-Match with 304 and there is no listing page:
    a validator saved for a feed some of whose articles were not stored hides
    them from every later run.
    """

    def __init__(self, site: SiteServer):
        self.site = site
        self.count = 0

    def publish(self, total: int, *, delay: float = 0.0) -> None:
        for i in range(self.count, total):
            text = [f"Chinese authorities forcibly returned at least {CLAIMED + i} North Korean defectors across "
                    f"the border on Monday, according to a human rights group in Seoul that monitors the area.",
                    *filler(3, f"story number {i}")]
            self.site.routes[story_path(i)] = Route(article_html(f"Story {i}", text), delay=delay)
        self.count = total
        links = ["{{BASE}}" + story_path(i) for i in range(total)]
        self.site.routes["/feed.xml"] = Route(rss(links[0::2]), content_type="application/rss+xml", etag=True)
        self.site.routes["/sitemap.xml"] = Route(sitemap(links[1::2]), content_type="application/xml", etag=True)

    def slow(self, seconds: float) -> None:
        for i in range(self.count):
            self.site.routes[story_path(i)].delay = seconds

    def article_hits(self) -> int:
        return sum(1 for path in self.site.paths() if path.startswith("/news/"))

    def config(self, root: Path) -> Path:
        toml = outlet_toml("local", self.site.base, feeds=["/feed.xml"], sitemaps=["/sitemap.xml"])
        return write_config(root, {"local": toml.replace("concurrency = 4", "concurrency = 2")})


@pytest.fixture
def site():
    with SiteServer({"/robots.txt": Route("User-agent: *\n", content_type="text/plain")}) as server:
        yield server


# --- what the database holds ------------------------------------------------------------

def assert_every_article_stored_once_with_its_claim(db_file: Path, outlet: Outlet) -> None:
    conn = sqlite3.connect(db_file)
    try:
        rows = conn.execute(
            "select a.url, a.extractor_version, group_concat(c.count), count(c.id) from articles a "
            "left join claims c on c.article_id = a.id group by a.id").fetchall()
        urls = [url for (url,) in conn.execute("select url from articles")]
    finally:
        conn.close()
    assert len(urls) == len(set(urls)) == outlet.count, sorted(urls)
    expected = {outlet.site.url(story_path(i)): (str(CLAIMED + i), 1) for i in range(outlet.count)}
    assert {url: (counts, n) for url, _version, counts, n in rows} == expected
    assert all(version for _url, version, _counts, _n in rows)


def feed_validators(db_file: Path) -> list[tuple]:
    conn = sqlite3.connect(db_file)
    try:
        return conn.execute("select url, etag from feed_state order by url").fetchall()
    finally:
        conn.close()


def run_statuses(db_file: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_file)
    try:
        return conn.execute("select status, message from crawl_runs order by id").fetchall()
    finally:
        conn.close()


PROGRESS_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+: crawl (started|finished)\b")


def the_one_line(stderr: str, command: str, db: Path, *phrases: str) -> str:
    """The single line of stderr about the database: it names the file and says why; no other noise."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip() and not PROGRESS_LINE.match(line)]
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith(f"newsmon {command}: {db}: "), line
    for phrase in phrases:
        assert phrase in line, line
    return line


# --- a full disk --------------------------------------------------------------------------

def test_a_full_disk_stops_the_run_with_one_line_and_the_next_run_stores_everything(tmp_path, site, small_disk):
    outlet = Outlet(site)
    outlet.publish(4)
    config = outlet.config(tmp_path)
    db = small_disk.folder / "newsmon.db"
    first = small_disk.newsmon("run", "--db", str(db), "--config", str(config))
    assert first.returncode == 0, first.stderr
    validators = feed_validators(small_disk.copy_database("newsmon.db", tmp_path / "first.db"))
    assert len(validators) == 2 and all(etag for _url, etag in validators)

    # 60 new articles, served slowly (a crawl of 30 s unless it stops), on a disk with 200 kB left.
    outlet.publish(64, delay=1.0)
    small_disk.fill(leave_bytes=200_000)
    site.clear()
    full = small_disk.newsmon("run", "--db", str(db), "--config", str(config))
    assert full.returncode == 1, full.stdout + full.stderr
    the_one_line(full.stderr, "run", db, "cannot write: the disk is full (database or disk is full)",
                 "the crawl stopped", "fetched article(s) not stored (the next run fetches them again)")
    assert re.search(r"^local +failed .*stopped: the database took no more writes", full.stdout, re.M), full.stdout
    assert outlet.article_hits() < 60, "the crawl went on fetching pages it could not store"
    after = small_disk.copy_database("newsmon.db", tmp_path / "full.db")
    assert feed_validators(after) == validators, "validators saved for articles that were not stored"
    statuses = run_statuses(after)
    assert statuses[0][0] == "ok" and all(status == "failed" and "disk is full" in message
                                          for status, message in statuses[1:]), statuses

    small_disk.free()
    outlet.slow(0)
    again = small_disk.newsmon("run", "--db", str(db), "--config", str(config))
    assert again.returncode == 0, again.stderr
    assert_every_article_stored_once_with_its_claim(small_disk.copy_database("newsmon.db", tmp_path / "again.db"),
                                                    outlet)


def test_a_full_disk_stops_extract_with_one_line_and_the_next_extract_reads_everything(tmp_path, site,
                                                                                        small_disk):
    outlet = Outlet(site)
    outlet.publish(40)
    config = outlet.config(tmp_path)
    db = small_disk.folder / "newsmon.db"
    crawled = small_disk.newsmon("crawl", "--db", str(db), "--config", str(config))  # clean text, no claims yet
    assert crawled.returncode == 0, crawled.stderr
    small_disk.fill(leave_bytes=100_000)  # room to open the database and write a little, not 40 articles' claims
    full = small_disk.newsmon("extract", "--db", str(db), "--config", str(config))
    assert full.returncode == 1, full.stdout + full.stderr
    the_one_line(full.stderr, "extract", db, "cannot write: the disk is full (database or disk is full)",
                 "run the same command again once the database takes writes")
    small_disk.free()
    again = small_disk.newsmon("extract", "--db", str(db), "--config", str(config))
    assert again.returncode == 0, again.stderr
    assert_every_article_stored_once_with_its_claim(small_disk.copy_database("newsmon.db", tmp_path / "again.db"),
                                                    outlet)


# --- read-only ------------------------------------------------------------------------------

def test_a_read_only_file_system_stops_run_and_extract_with_one_line_and_loses_nothing(tmp_path, site,
                                                                                        small_disk):
    outlet = Outlet(site)
    outlet.publish(4)
    config = outlet.config(tmp_path)
    db = small_disk.folder / "newsmon.db"
    first = small_disk.newsmon("run", "--db", str(db), "--config", str(config))
    assert first.returncode == 0, first.stderr

    outlet.publish(12)
    small_disk.read_only()
    site.clear()
    stopped = small_disk.newsmon("run", "--db", str(db), "--config", str(config))
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    the_one_line(stopped.stderr, "run", db, "its file system is mounted read-only")
    assert site.paths() == [], "pages fetched for a database that cannot store them"
    extract = small_disk.newsmon("extract", "--all", "--db", str(db), "--config", str(config))
    assert extract.returncode == 1, extract.stdout + extract.stderr
    the_one_line(extract.stderr, "extract", db, "its file system is mounted read-only")

    small_disk.read_only(False)
    again = small_disk.newsmon("run", "--db", str(db), "--config", str(config))
    assert again.returncode == 0, again.stderr
    assert_every_article_stored_once_with_its_claim(small_disk.copy_database("newsmon.db", tmp_path / "again.db"),
                                                    outlet)


def make_read_only(path: Path) -> None:
    """A file no write reaches, root or not: immutable as root (chmod does not stop root), else chmod-ed."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: a read-only file cannot be made (chmod does not stop root)")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"running as root, and chattr +i is refused here: {done.stderr.strip()}")


def make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    else:
        path.chmod(0o644)


def test_a_read_only_database_file_stops_run_and_extract_with_one_line_and_loses_nothing(tmp_path, site):
    outlet = Outlet(site)
    outlet.publish(4)
    config = outlet.config(tmp_path)
    db = tmp_path / "newsmon.db"
    first = run_newsmon("run", "--db", str(db), "--config", str(config))
    assert first.returncode == 0, first.stderr

    outlet.publish(12)
    site.clear()
    make_read_only(db)
    try:
        stopped = run_newsmon("run", "--db", str(db), "--config", str(config))
        extract = run_newsmon("extract", "--all", "--db", str(db), "--config", str(config))
    finally:
        make_writable(db)
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    the_one_line(stopped.stderr, "run", db, "cannot write: the database is read-only: the file is not writable")
    assert site.paths() == [], "pages fetched for a database that cannot store them"
    assert extract.returncode == 1, extract.stdout + extract.stderr
    the_one_line(extract.stderr, "extract", db, "cannot write: the database is read-only")

    again = run_newsmon("run", "--db", str(db), "--config", str(config))
    assert again.returncode == 0, again.stderr
    assert_every_article_stored_once_with_its_claim(db, outlet)


# --- a write lock held too long ---------------------------------------------------------

def test_a_write_lock_held_too_long_stops_the_run_with_one_line_and_loses_nothing(tmp_path, site):
    outlet = Outlet(site)
    outlet.publish(4)
    config = outlet.config(tmp_path)
    db = tmp_path / "newsmon.db"
    first = run_newsmon("run", "--db", str(db), "--config", str(config))
    assert first.returncode == 0, first.stderr
    validators = feed_validators(db)
    waits_1s = {"NEWSMON_BUSY_TIMEOUT": "1"}
    lock_message = "cannot write: the database is locked: another process held its write lock for more than 1 s"

    # Locked before the run starts: nothing is fetched. (60 new articles, served slowly: a crawl of 30 s.)
    outlet.publish(64, delay=1.0)
    site.clear()
    with WriteLockHolder(db):
        before = run_newsmon("run", "--db", str(db), "--config", str(config), env=waits_1s)
    assert before.returncode == 1, before.stdout + before.stderr
    the_one_line(before.stderr, "run", db, lock_message)
    assert site.paths() == []

    # Locked once the crawl is under way: it stops instead of fetching on.
    proc = subprocess.Popen([sys.executable, "-m", "newsmon", "run", "--db", str(db), "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
                            env={**os.environ, **waits_1s})
    holder = WriteLockHolder(db)
    try:
        deadline = time.monotonic() + 120
        while outlet.article_hits() == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        holder.take()
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
        holder.release()
    assert proc.returncode == 1, out + err
    the_one_line(err, "run", db, lock_message, "the crawl stopped", "this run's crawl_runs rows not written")
    assert outlet.article_hits() < 60, "the crawl went on fetching pages it could not store"
    assert feed_validators(db) == validators
    assert [status for status, _message in run_statuses(db)] == ["ok"]

    outlet.slow(0)
    again = run_newsmon("run", "--db", str(db), "--config", str(config))
    assert again.returncode == 0, again.stderr
    assert_every_article_stored_once_with_its_claim(db, outlet)


# --- the review server ----------------------------------------------------------------------

def _first_pending(client: httpx.Client) -> int:
    return client.get("/api/claims").json()["claims"][0]["id"]


def _assert_503_saying_why(client: httpx.Client, claim_id: int, db: Path, cause: str) -> None:
    api = client.post(f"/api/claims/{claim_id}/accept")
    assert api.status_code == 503, api.text
    assert api.json()["detail"].startswith(f"{db}: ") and cause in api.json()["detail"]
    page = client.post(f"/claims/{claim_id}/accept", data={"csrf_token": client.headers["X-CSRF-Token"]})
    assert page.status_code == 503 and "text/html" in page.headers["content-type"]
    assert cause in page.text and "not saved" in page.text


def _reviews_of(db_file: Path, claim_id: int) -> int:
    conn = sqlite3.connect(db_file)
    try:
        return conn.execute("select count(*) from reviews where claim_id = ?", [claim_id]).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("fault, cause", [
    ("full", "cannot write: the disk is full"),
    ("read-only", "its file system is mounted read-only"),
])
def test_serve_answers_503_saying_why_and_takes_the_decision_once_the_fault_is_gone(tmp_path, small_disk, fault,
                                                                                   cause):
    db = small_disk.folder / "newsmon.db"
    small_disk.python("import sys\nfrom storage.db import open_db\nfrom tests.conftest import fill_sample\n"
                      "db = open_db(sys.argv[1])\nfill_sample(db)\ndb.close()\n", str(db))
    server = small_disk.popen([sys.executable, "-m", "newsmon", "serve", "--db", str(db), "--port", "0"],
                              env={"NEWSMON_TOKEN": ""})
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline()).group(0)
        with httpx.Client(base_url=url, timeout=30) as client:
            client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["csrf_token"]
            claim_id = _first_pending(client)
            if fault == "full":
                small_disk.fill(leave_bytes=0)
            else:
                small_disk.read_only()
            _assert_503_saying_why(client, claim_id, db, cause)
            if fault == "full":
                small_disk.free()
            else:
                small_disk.read_only(False)
            accepted = client.post(f"/api/claims/{claim_id}/accept")
            assert accepted.status_code == 200 and accepted.json()["claim"]["status"] == "accepted"
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    assert "Traceback" not in err, err
    assert _reviews_of(small_disk.copy_database("newsmon.db", tmp_path / "served.db"), claim_id) == 1


def test_serve_answers_503_while_another_process_holds_the_write_lock(db_path, monkeypatch):
    monkeypatch.setenv("NEWSMON_BUSY_TIMEOUT", "1")
    db = open_db(db_path)
    fill_sample(db)
    db.close()
    with BackgroundServer(db_path, reviewer="ana") as server, httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["csrf_token"]
        claim_id = _first_pending(client)
        with WriteLockHolder(db_path):
            _assert_503_saying_why(client, claim_id, db_path, "cannot write: the database is locked: another "
                                                              "process held its write lock for more than 1 s")
            assert client.get("/").status_code == 200  # reading goes on
        accepted = client.post(f"/api/claims/{claim_id}/accept")
        assert accepted.status_code == 200 and accepted.json()["claim"]["status"] == "accepted"
    assert _reviews_of(db_path, claim_id) == 1
