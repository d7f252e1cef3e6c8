"""The `crawl_runs` table: one row per outlet per run."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database


def record_run(db: Database, row: dict[str, Any]) -> None:
    values = dict(row)
    if isinstance(values.get("skipped"), dict):
        values["skipped"] = json.dumps(values["skipped"], sort_keys=True)
    db["crawl_runs"].insert(values)


def recent_runs(db: Database, source: str, limit: int = 5) -> list[dict]:
    return list(db.query(
        "select * from crawl_runs where source = ? order by started_at desc, id desc limit ?",
        [source, limit],
    ))
