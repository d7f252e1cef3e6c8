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
