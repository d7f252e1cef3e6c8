"""Exports: CSV, JSON Lines and the labelled format, with provenance; the labelled round trip through eval."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from storage.articles import set_reviewed_at
from storage.exports import ExportError, ExportFilter, export
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
    for (article_id,) in sample_db.execute("select distinct article_id from claims where status != 'pending'"):
        set_reviewed_at(sample_db, article_id, "2026-01-05T10:00:00+00:00")  # the reviewer finished these two
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
    assert export(reviewed_db, "labelled", out) == 2  # the two articles a reviewer finished
    docs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len({d["id"] for d in docs}) == 2
    for doc in docs:
        assert FORMAT_FIELDS <= set(doc)
        assert doc["lang"] == "en" and re.fullmatch(r"(event|article)-\d+", doc["story"])
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
    for (article_id,) in db.execute("select distinct article_id from claims").fetchall():
        set_reviewed_at(db, article_id, "2026-01-05T10:00:00+00:00")
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


def test_labelled_holds_only_finished_articles_with_added_claims(reviewed_db):
    """An article a reviewer has not finished is not a label set, even with decisions; an added claim is a label."""
    rights = reviewed_db.execute("select id from articles where source = 'demo-rights-monitor'").fetchone()[0]
    text = reviewed_db.execute("select text from articles where id = ?", [rights]).fetchone()[0]
    evidence = "Similar forced returns took place in September, with 40 individuals"
    start = text.index(evidence)
    reviewed_db.execute(
        "insert into claims (article_id, count, qualifier, who, date, kind, locations, evidence, start, \"end\", "
        "status, origin, reviewed_by) values (?, 40, 'exact', 'individuals', '2023-09', 'event', '[]', ?, ?, ?, "
        "'accepted', 'reviewer', 'ana')", [rights, evidence, start, start + len(evidence)])
    reviewed_db.conn.commit()
    out = io.StringIO()
    assert export(reviewed_db, "labelled", out) == 2
    assert rights not in {int(json.loads(line)["id"].split("-")[1]) for line in out.getvalue().splitlines()}
    set_reviewed_at(reviewed_db, rights, "2026-01-06T09:00:00+00:00")
    out = io.StringIO()
    assert export(reviewed_db, "labelled", out) == 3
    docs = [json.loads(line) for line in out.getvalue().splitlines()]
    doc = next(d for d in docs if d["id"] == f"article-{rights}")
    added = [c for c in doc["claims"] if c["origin"] == "reviewer"]
    assert len(added) == 1 and added[0]["count"] == 40 and added[0]["optional"] is False
    assert added[0]["evidence"] in doc["text"]
    out = io.StringIO()
    assert export(reviewed_db, "labelled", out, flt=ExportFilter(source="demo-ngo-blog")) == 1


def _jsonl(db, **flt):
    out = io.StringIO()
    export(db, "jsonl", out, flt=ExportFilter(**flt))
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_carries_coordinates_rule_urls_and_the_counted_report(reviewed_db):
    records = _jsonl(reviewed_db)
    tally = next(r for r in records if r["machine_count"] == 60)
    assert {c["place"] for c in tally["coordinates"]} == {"Jilin", "Liaoning"}
    assert all(isinstance(c["lat"], float) and isinstance(c["lon"], float) for c in tally["coordinates"])
    for key in ("count_high", "vague", "rule", "origin", "urls", "outlets", "event_reports", "event_counted"):
        assert key in tally
    assert tally["urls"] == [{"url": "https://blog.example/2024/tally/", "outlet": "demo-ngo-blog",
                              "published": "2024-06-03"}]
    # Both reports of the October 500 accepted: one event, counted by one of its claims only.
    five_hundred = [r for r in records if r["count"] == 500]
    for r in five_hundred:
        decide(reviewed_db, r["claim_id"], "accept", "ana")
    five_hundred = [r for r in _jsonl(reviewed_db) if r["count"] == 500]
    assert len(five_hundred) == 2 and len({r["event_id"] for r in five_hundred}) == 1
    assert sorted(r["event_counted"] for r in five_hundred) == [False, True]
    assert {r["event_reports"] for r in five_hundred} == {2}
    counted = sum(r["count"] for r in _jsonl(reviewed_db, status="accepted") if r["event_counted"])
    assert counted == 500 + 410 + 80  # each accepted return once


def test_a_syndicated_copy_shows_all_its_urls_and_outlets(reviewed_db):
    tally_id = reviewed_db.execute("select id from articles where url like '%tally%'").fetchone()[0]
    reviewed_db.execute("insert into article_urls (url, article_id, source, first_seen, published) values "
                        "('https://portal.example/tally-copy/', ?, 'demo-asia-portal', '9999-01-01T00:00:00', "
                        "'2024-06-04')", [tally_id])  # seen after the original
    reviewed_db.conn.commit()
    (rec,) = [r for r in _jsonl(reviewed_db) if r["machine_count"] == 60]
    assert rec["outlets"] == ["demo-asia-portal", "demo-ngo-blog"]
    assert [u["url"] for u in rec["urls"]] == ["https://blog.example/2024/tally/", "https://portal.example/tally-copy/"]
    assert rec["event_outlets"] == 2 and rec["event_reports"] == 1
    assert {r["machine_count"] for r in _jsonl(reviewed_db, source="demo-asia-portal")} == {406, 1076, 60}


def test_filters_by_date_outlet_and_event(reviewed_db):
    assert {r["count"] for r in _jsonl(reviewed_db, since="2024")} == {410, 60}  # 1,076 "since 2020": dated 2020
    assert {r["count"] for r in _jsonl(reviewed_db, until="2023-09")} == {80, 40, 1076}
    assert {r["count"] for r in _jsonl(reviewed_db, since="2023-10", until="2023-10-31")} == {500}
    assert {r["outlet"] for r in _jsonl(reviewed_db, source="demo-world-wire")} == {"demo-world-wire"}
    event = next(r["event_id"] for r in _jsonl(reviewed_db) if r["count"] == 500)
    assert {(r["count"], r["outlet"]) for r in _jsonl(reviewed_db, event_id=event)} == \
        {(500, "demo-world-wire"), (500, "demo-rights-monitor")}
    with pytest.raises(ExportError):
        export(reviewed_db, "jsonl", io.StringIO(), flt=ExportFilter(since="last week"))


def test_export_command_filters(reviewed_db, db_path):
    result = run_newsmon("export", "--format", "jsonl", "--source", "demo-ngo-blog", "--since", "2024-01",
                         "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert sorted(json.loads(line)["count"] for line in result.stdout.splitlines()) == [60, 410]
    bad = run_newsmon("export", "--format", "jsonl", "--until", "yesterday", "--db", str(db_path))
    assert bad.returncode == 2 and "--until" in bad.stderr


def test_events_export_counts_each_return_once(reviewed_db, db_path):
    for (cid,) in reviewed_db.execute("select id from claims where count = 500").fetchall():
        decide(reviewed_db, cid, "accept", "ana")
    out = io.StringIO()
    n = export(reviewed_db, "events", out)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert n == len(events) == 3  # the October 500 (two outlets), the corrected 410, the 80
    assert sorted(e["count"] for e in events) == [80, 410, 500]
    october = next(e for e in events if e["count"] == 500)
    assert (october["outlet_count"], october["independent_reports"], october["reports"]) == (2, 2, 2)
    assert october["outlets"] == ["demo-rights-monitor", "demo-world-wire"] and len(october["urls"]) == 2
    assert october["month"] == "2023-10" and len(october["claim_ids"]) == 2
    only = io.StringIO()
    export(reviewed_db, "events", only, flt=ExportFilter(source="demo-rights-monitor"))
    assert [json.loads(line)["count"] for line in only.getvalue().splitlines()] == [500]
    since = io.StringIO()
    export(reviewed_db, "events", since, flt=ExportFilter(since="2024"))
    assert [json.loads(line)["count"] for line in since.getvalue().splitlines()] == [410]
    result = run_newsmon("export", "--format", "events", "--until", "2023-09", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["count"] for line in result.stdout.splitlines()] == [80]
