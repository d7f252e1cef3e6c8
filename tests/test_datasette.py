"""config/datasette.json opens a real newsmon database in Datasette: descriptions, and canned queries that
give rows (figures per month counting each event once, events with their sources)."""

from __future__ import annotations

import asyncio
import json

import pytest
from datasette.app import Datasette

from storage.claims import accepted_per_month
from storage.reviews import decide
from tests.helpers import PROJECT_ROOT

METADATA = json.loads((PROJECT_ROOT / "config" / "datasette.json").read_text(encoding="utf-8"))


def _get(db_path, *paths: str) -> list:
    async def fetch():
        ds = Datasette(files=[str(db_path)], metadata=METADATA)
        await ds.invoke_startup()
        return [await ds.client.get(p) for p in paths]
    return asyncio.run(fetch())


@pytest.fixture
def decided(sample_db, db_path):
    ids = {count: cid for cid, count in sample_db.execute("select id, count from claims").fetchall()}
    for cid, count in sample_db.execute("select id, count from claims").fetchall():
        if count == 500:
            decide(sample_db, cid, "accept", "ana")  # one event, two outlets: counted once
    decide(sample_db, ids[80], "accept", "ana")
    decide(sample_db, ids[406], "edit", "ana", {"count": 410})
    decide(sample_db, ids[40], "reject", "ana")
    sample_db.conn.commit()
    return sample_db


def test_every_table_described_is_a_table_and_columns_exist(sample_db):
    tables = METADATA["databases"]["newsmon"]["tables"]
    for name, meta in tables.items():
        assert name in sample_db.table_names(), name
        assert meta["description"]
        columns = set(sample_db[name].columns_dict)
        assert set(meta.get("columns", {})) <= columns, (name, set(meta.get("columns", {})) - columns)
    assert set(sample_db["claims"].columns_dict) - {"id"} <= set(tables["claims"]["columns"])


def test_canned_queries_return_rows(decided, db_path):
    per_month, events, rules, table = _get(
        db_path, "/newsmon/figures_per_month.json?_shape=array",
        "/newsmon/events_with_sources.json?_shape=array&outlet=", "/newsmon/decisions_per_rule.json?_shape=array",
        "/newsmon/claims")
    assert per_month.status_code == 200, per_month.text
    months = {r["month"]: r for r in per_month.json()}
    assert months["2023-10"]["returned"] == 500 and months["2023-10"]["accepted_reports"] == 2  # not 1,000
    expected: dict[str, int] = {}
    for r in accepted_per_month(decided):
        expected[r["month"]] = expected.get(r["month"], 0) + r["total"]
    assert {m: r["returned"] for m, r in months.items()} == expected  # the same sums as the timeline

    assert events.status_code == 200, events.text
    rows = events.json()
    assert rows
    october = next(r for r in rows if r["figures"] == "500")
    assert (october["outlets"], october["independent_reports"], october["accepted"]) == (2, 2, 2)
    assert october["outlet_names"] == "demo-rights-monitor, demo-world-wire" and "https://" in october["urls"]
    assert rules.status_code == 200 and rules.json()
    assert table.status_code == 200 and "The figure, as the extractor read it" in table.text


def test_events_filtered_by_outlet(decided, db_path):
    (resp,) = _get(db_path, "/newsmon/events_with_sources.json?_shape=array&outlet=demo-ngo-blog")
    assert resp.status_code == 200
    assert resp.json() and all("demo-ngo-blog" in r["outlet_names"] for r in resp.json())
