"""`newsmon report`: per rule, outlet and extractor version, the decisions and the precision and recall they give."""

from __future__ import annotations

import json

import pytest

from storage.articles import set_reviewed_at
from storage.db import open_db
from storage.report import decisions_report
from storage.reviews import decide
from tests.conftest import add_article, claim_at
from tests.helpers import run_newsmon

WIRE = ("Deportations\n\nPakistan deported 120 Afghans on Monday, police said. Iran sent back 300 Afghans on "
        "Tuesday. A further 45 Afghans were returned from Turkey on Wednesday. 12 officers escorted the buses.")
BLOG = ("Returns\n\nThailand deported 40 Uyghurs to China in February. Another 9 people were sent back in March. "
        "Malaysia returned 114 Myanmar nationals in April.")


def _claim(text, evidence, count, rule, **kw):
    return {**claim_at(text, evidence, count, **kw), "rule": rule}


@pytest.fixture
def decided(db_path):
    """Two outlets, two rules, two extractor versions; decisions of every kind; one finished article."""
    db = open_db(db_path)
    wire = add_article(db, url="https://wire.example/1", source="wire", title="Deportations", text=WIRE,
                       published="2025-06-12", version="v2", claims=[
                           _claim(WIRE, "Pakistan deported 120 Afghans on Monday", 120, "clause"),
                           _claim(WIRE, "Iran sent back 300 Afghans on Tuesday", 300, "clause"),
                           _claim(WIRE, "12 officers escorted the buses", 12, "list"),
                       ])
    blog = add_article(db, url="https://blog.example/1", source="blog", title="Returns", text=BLOG,
                       published="2025-05-02", version="v1", claims=[
                           _claim(BLOG, "Thailand deported 40 Uyghurs to China in February", 40, "clause"),
                           _claim(BLOG, "Another 9 people were sent back in March", 9, "list"),
                           _claim(BLOG, "Malaysia returned 114 Myanmar nationals in April", 114, "clause"),
                       ])
    ids = {count: cid for cid, count in db.execute("select id, count from claims").fetchall()}
    decide(db, ids[120], "accept", "ana")
    decide(db, ids[300], "edit", "ana", {"qualifier": "about", "date": "2025-06-10"})  # corrected: two fields
    decide(db, ids[12], "reject", "ana")  # officers: no claim
    decide(db, ids[40], "edit", "ben", {"date": "2025-02"})
    decide(db, ids[9], "reject", "ben")
    # 114 stays pending. On the wire article a reviewer adds the 45 the extractor missed and finishes it.
    evidence = "A further 45 Afghans were returned from Turkey on Wednesday"
    start = WIRE.index(evidence)
    db.execute("insert into claims (article_id, count, qualifier, evidence, start, \"end\", status, origin) "
               "values (?, 45, 'exact', ?, ?, ?, 'accepted', 'reviewer')",
               [wire, evidence, start, start + len(evidence)])
    db.conn.commit()
    set_reviewed_at(db, wire, "2026-01-05T10:00:00+00:00")
    yield db, {"wire": wire, "blog": blog}
    db.close()


def _by(rows, key):
    return {r[key]: r for r in rows}


def test_per_rule_precision_and_corrected_fields(decided):
    db, _ = decided
    rules = _by(decisions_report(db)["by_rule"], "rule")
    clause, listed = rules["clause"], rules["list"]
    assert (clause["accepted"], clause["corrected"], clause["rejected"], clause["pending"]) == (1, 2, 0, 1)
    assert clause["precision"] == 1.0 and clause["exact_precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert clause["corrected_fields"][0] == {"field": "date", "count": 2}
    assert {"field": "qualifier", "count": 1} in clause["corrected_fields"]
    assert (listed["accepted"], listed["rejected"], listed["precision"]) == (0, 2, 0.0)
    assert "recall" not in listed  # a rule adds no claim: no recall to measure
    assert list(rules) == ["list", "clause"]  # worst precision first


def test_per_outlet_precision_and_recall_from_added_claims(decided):
    db, _ = decided
    outlets = _by(decisions_report(db)["by_outlet"], "outlet")
    wire, blog = outlets["wire"], outlets["blog"]
    assert (wire["accepted"], wire["corrected"], wire["rejected"], wire["pending"]) == (1, 1, 1, 0)
    assert wire["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert (wire["reviewed_articles"], wire["added"], wire["found"]) == (1, 1, 2)
    assert wire["added_per_reviewed_article"] == 1.0 and wire["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert blog["precision"] == 0.5 and blog["reviewed_articles"] == 0 and blog["recall"] is None
    versions = _by(decisions_report(db)["by_version"], "version")
    assert versions["v2"]["precision"] == wire["precision"] and versions["v1"]["pending"] == 1


def test_report_command_json_matches_the_decisions(decided, db_path):
    result = run_newsmon("report", "--json", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    total = report["total"]
    assert (total["accepted"], total["corrected"], total["rejected"], total["pending"]) == (1, 2, 2, 1)
    assert total["precision"] == 0.6 and total["added"] == 1
    assert _by(report["by_outlet"], "outlet")["wire"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    text = run_newsmon("report", "--db", str(db_path))
    assert text.returncode == 0 and "By candidate rule" in text.stdout and "wire" in text.stdout


def test_report_page_and_api(decided, db_path):
    from fastapi.testclient import TestClient

    from review.app import ReviewConfig, create_app

    client = TestClient(create_app(ReviewConfig(db_path=db_path, reviewer="ana")))
    page = client.get("/report")
    assert page.status_code == 200
    assert "By candidate rule" in page.text and "clause" in page.text and "67%" in page.text
    api = client.get("/api/report").json()
    assert _by(api["by_rule"], "rule")["list"]["precision"] == 0.0
