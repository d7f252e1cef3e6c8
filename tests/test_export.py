"""Exports: CSV, JSON Lines and the labelled format, with provenance; the labelled round trip through eval."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from storage.exports import ExportError, export
from storage.reviews import decide
from tests.helpers import run_newsmon

FORMAT_FIELDS = {"id", "url", "published", "title", "text", "claims"}
CLAIM_FIELDS = {"count", "qualifier", "who", "date", "date_end", "kind", "locations", "evidence", "optional"}
QUALIFIERS = {"exact", "about", "at_least", "more_than", "up_to", "fewer_than"}


def ids_by_count(db):
    return {count: cid for cid, count in db.execute("select id, count from claims").fetchall()}


@pytest.fixture
def reviewed_db(sample_db):
    ids = ids_by_count(sample_db)
    decide(sample_db, ids[406], "edit", "ana", {"count": 410, "qualifier": "exact"})
    decide(sample_db, ids[1076], "reject", "ben")
    decide(sample_db, ids[80], "accept", "ana")
    return sample_db


def test_csv_has_provenance_and_corrected_values_win(reviewed_db):
    out = io.StringIO()
    assert export(reviewed_db, "csv", out) == 7
    rows = {int(r["claim_id"]): r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    corrected = next(r for r in rows.values() if r["machine_count"] == "406")
    assert (corrected["count"], corrected["qualifier"], corrected["status"], corrected["reviewer"]) == \
        ("410", "exact", "accepted", "ana")
    assert corrected["url"] == "https://blog.example/2024/tally/" and corrected["outlet"] == "demo-ngo-blog"
    assert corrected["evidence"] == "The current figure of 406"
    assert set(corrected["corrected_fields"].split()) == {"count", "qualifier"}
    five_hundred = [r for r in rows.values() if r["count"] == "500"]
    assert {r["event_outlets"] for r in five_hundred} == {"2"}


def test_jsonl_filtered_by_status(reviewed_db):
    out = io.StringIO()
    assert export(reviewed_db, "jsonl", out, status="rejected") == 1
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert record["count"] == 1076 and record["status"] == "rejected" and record["reviewer"] == "ben"
    assert record["locations"] == [] and record["outlet"] == "demo-ngo-blog"


def test_labelled_follows_the_format_field_by_field(reviewed_db):
    out = io.StringIO()
    assert export(reviewed_db, "labelled", out) == 2  # the two articles with a reviewed claim
    docs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len({d["id"] for d in docs}) == 2
    for doc in docs:
        assert FORMAT_FIELDS <= set(doc)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["published"])
        for claim in doc["claims"]:
            assert CLAIM_FIELDS <= set(claim)
            assert isinstance(claim["count"], int) and claim["qualifier"] in QUALIFIERS
            assert claim["date"] is None or re.fullmatch(r"(\d{4}|XXXX)(-\d{2}(-\d{2})?)?", claim["date"])
            assert claim["kind"] in {"event", "cumulative"}
            assert isinstance(claim["locations"], list) and isinstance(claim["optional"], bool)
            assert claim["evidence"] in doc["text"]
    tally = next(d for d in docs if d["url"].endswith("/tally/"))
    by_count = {c["count"]: c for c in tally["claims"]}
    assert set(by_count) == {410, 60}  # the rejected 1,076 is not a label; corrected 406 -> 410
    assert by_count[410]["qualifier"] == "exact" and by_count[410]["optional"] is False
    assert by_count[60]["optional"] is True  # still pending: neither way in scoring
    with pytest.raises(ExportError):
        export(reviewed_db, "labelled", io.StringIO(), status="pending")


def test_export_command_writes_a_file(reviewed_db, db_path, tmp_path):
    target = tmp_path / "claims.csv"
    result = run_newsmon("export", "--format", "csv", "--status", "accepted", "-o", str(target), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert sorted(int(r["count"]) for r in rows) == [80, 410]
    to_stdout = run_newsmon("export", "--format", "jsonl", "--db", str(db_path))
    assert len(to_stdout.stdout.splitlines()) == 7
    bad = run_newsmon("export", "--format", "xml", "--db", str(db_path))
    assert bad.returncode != 0


def test_labelled_round_trip_through_eval(demo_db_path, tmp_path):
    """Reviewed demo claims, exported as labelled, read back by `newsmon eval`: the decisions are the labels."""
    from storage.db import open_db

    db = open_db(demo_db_path)
    claims = db.execute("select id, count from claims where not vague order by id").fetchall()
    assert len(claims) >= 6
    for (claim_id,) in db.execute("select id from claims").fetchall():
        decide(db, claim_id, "accept", "ana")
    target = tmp_path / "gold.jsonl"
    result = run_newsmon("export", "--format", "labelled", "-o", str(target), "--db", str(demo_db_path))
    assert result.returncode == 0, result.stderr
    scored = run_newsmon("eval", str(target), "--json")
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    n_docs = db.execute("select count(distinct article_id) from claims").fetchone()[0]
    assert report["documents"] == n_docs
    exact = db.execute("select count(*) from claims where not vague").fetchone()[0]  # vague ones are never scored
    assert report["count"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": exact, "fp": 0, "fn": 0}

    # A reviewer rejects one claim and corrects the figure of another: the extractor is now wrong twice.
    decide(db, claims[0][0], "reject", "ana")
    decide(db, claims[1][0], "edit", "ana", {"count": claims[1][1] + 1})
    db.close()
    result = run_newsmon("export", "--format", "labelled", "-o", str(target), "--db", str(demo_db_path))
    report = json.loads(run_newsmon("eval", str(target), "--json").stdout)
    assert (report["count"]["tp"], report["count"]["fp"], report["count"]["fn"]) == (exact - 2, 2, 1)


def test_csv_cells_never_start_a_formula(db_path):
    from storage.db import open_db
    from tests.conftest import add_article, claim_at

    db = open_db(db_path)
    text = "=HYPERLINK(\"http://evil.example\") Police deported 35 people to China."
    add_article(db, url="https://portal.example/x/", source="demo-asia-portal", title="@SUM(A1:A9)", text=text,
                published="2024-03-05", claims=[claim_at(text, text, 35, who="-people")])
    out = io.StringIO()
    export(db, "csv", out)
    db.close()
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["evidence"] == "'" + text and row["title"] == "'@SUM(A1:A9)" and row["who"] == "'-people"
    assert row["count"] == "35"
