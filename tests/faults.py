"""Shared by the fault tests: a local outlet whose every article holds one claim, the fault
injection switch (tests/faultinject), child processes of a run, and the check that nothing was lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import sqlite_utils

from tests.helpers import PROJECT_ROOT
from tests.servers import Route, SiteServer, article_html, filler, outlet_toml, rss, sitemap, write_config

FAULT_INJECTION = Path(__file__).resolve().parent / "faultinject"
B = "{{BASE}}"


def figure(i: int) -> int:
    """The number of people returned in article `i`: each article has its own."""
    return 101 + i


def article_path(i: int) -> str:
    return f"/news/story-{i}/"


def outlet_routes(n: int, *, delay: float = 0.0, faults: dict[int, str] | None = None) -> dict[str, Route]:
    """A feed and a sitemap (both answering 304 to their validators) listing `n` articles.

    Article `i` says that `figure(i)` defectors were returned; `faults` adds the
    marker of a fault action (see tests/faultinject) to some articles.
    """
    paths = [article_path(i) for i in range(n)]
    routes = {
        "/feed.xml": Route(rss([B + p for p in paths]), content_type="application/rss+xml", etag=True),
        "/sitemap.xml": Route(sitemap([B + p for p in paths]), content_type="application/xml", etag=True),
    }
    for i, path in enumerate(paths):
        paragraphs = [f"Chinese authorities forcibly returned at least {figure(i)} North Korean defectors across the "
                      f"border on Monday, according to a human rights group in Seoul that monitors the area.",
                      *filler(3, f"story {i}")]
        if faults and i in faults:
            paragraphs.append(f"Editor's note FAULT:{faults[i]} kept for the record of this story.")
        routes[path] = Route(article_html(f"Story {i}", paragraphs), delay=delay)
    return routes


def outlet_config(root: Path, site: SiteServer, *, concurrency: int = 4) -> Path:
    toml = outlet_toml("local", site.base, feeds=["/feed.xml"], sitemaps=["/sitemap.xml"])
    toml = toml.replace("concurrency = 4", f"concurrency = {concurrency}")
    return write_config(root, {"local": toml})


def fault_env(folder: Path, **counts: int) -> dict[str, str]:
    """The environment that arms the faults: `counts` maps an action (die_cleaning, ...) to how many times."""
    folder.mkdir(parents=True, exist_ok=True)
    for action, count in counts.items():
        (folder / action.replace("_", "-")).write_text(str(count), encoding="ascii")
    path = os.pathsep.join(filter(None, [str(FAULT_INJECTION), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": path, "NEWSMON_FAULTS": str(folder)}


def triggered(folder: Path) -> list[str]:
    """The fault actions done so far, one entry per worker process that did one."""
    log = folder / "triggered"
    return [line.split()[0] for line in log.read_text(encoding="ascii").splitlines()] if log.exists() else []


def start_newsmon(*args: str, env: dict[str, str] | None = None, new_session: bool = False) -> subprocess.Popen:
    """`newsmon ARGS…` started in the background, its output piped."""
    return subprocess.Popen([sys.executable, "-m", "newsmon", *args], cwd=PROJECT_ROOT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=new_session)


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def articles_requested(site: SiteServer, n: int) -> int:
    return sum(site.requested(article_path(i)) for i in range(n))


# -- processes ---------------------------------------------------------------
def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """pid -> start time of every living process below `root`."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        if stat is not None and stat[1] != "Z":
            children.setdefault(stat[0], []).append(int(entry.name))
            starts[int(entry.name)] = stat[2]
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found[child] = starts[child]
                todo.append(child)
    return found


def still_alive(processes: dict[int, int]) -> list[int]:
    """Those of `processes` (pid -> start time) that still run (a zombie has ended)."""
    alive = []
    for pid, start in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[2] == start and stat[1] != "Z":
            alive.append(pid)
    return alive


# -- what must hold after every fault ------------------------------------------
def assert_every_article_stored_once_with_its_claim(db_path: Path, site: SiteServer, n: int) -> None:
    """Each of the `n` articles is stored once, with its clean text, read by the claim rules,
    and its one claim (its own figure)."""
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select id, url, text, extractor_version from articles order by id"))
    by_url = {row["url"]: row for row in rows}
    assert len(rows) == n == len(by_url), [row["url"] for row in rows]
    for i in range(n):
        row = by_url.get(site.url(article_path(i)))
        assert row is not None, f"article {i} not stored"
        assert row["text"] and f"at least {figure(i)} North Korean" in row["text"], row
        assert row["extractor_version"], f"article {i} never read for claims"
        counts = [c for (c,) in db.execute("select count from claims where article_id = ?", [row["id"]])]
        assert counts == [figure(i)], (i, counts)
