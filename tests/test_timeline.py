"""The timeline sums each accepted event once, with its best-supported figure, not each report."""

from __future__ import annotations

from storage.claims import accepted_per_month
from storage.reviews import decide, merge
from storage.timeline import accepted_events, claim_month
from tests.conftest import add_article, claim_at

THIRD_TEXT = ("More than 500 sent back\n\nMore than 500 North Koreans were sent back by China in October, "
              "a monitoring group said.")


def _ids(db, count):
    return [i for (i,) in db.execute("select id from claims where count = ? order by id", [count]).fetchall()]


def test_an_event_reported_by_two_outlets_counts_once(sample_db):
    wire, rights = _ids(sample_db, 500)
    assert sample_db.execute("select count(distinct event_id) from claims where id in (?, ?)",
                             [wire, rights]).fetchone()[0] == 1
    decide(sample_db, wire, "accept", "ana")
    decide(sample_db, rights, "accept", "ana")
    rows = [r for r in accepted_per_month(sample_db) if r["month"] == "2023-10"]
    assert rows == [{"month": "2023-10", "source": "demo-world-wire", "total": 500, "claims": 1, "cumulative": 0,
                     "reports": 2}]  # the first report's outlet; not 1,000


def test_the_best_supported_figure_wins(sample_db):
    third = add_article(sample_db, url="https://third.example/500/", source="demo-asia-portal",
                        title="More than 500 sent back", text=THIRD_TEXT, published="2023-10-21",
                        claims=[claim_at(THIRD_TEXT, "More than 500 North Koreans were sent back by China in October",
                                         500, "more_than", date="2023-10", locations=["China"])])
    wire, rights, portal = _ids(sample_db, 500)
    assert sample_db.execute("select article_id from claims where id = ?", [portal]).fetchone()[0] == third
    assert len({sample_db.execute("select event_id from claims where id = ?", [i]).fetchone()[0]
                for i in (wire, rights, portal)}) == 1
    decide(sample_db, wire, "edit", "ana", {"count": 520})  # the first report, corrected to a figure no other gives
    event_of = {i: sample_db.execute("select event_id from claims where id = ?", [i]).fetchone()[0]
                for i in (wire, rights)}
    assert event_of[wire] != event_of[rights]  # another figure: regrouped apart ...
    merge(sample_db, event_of[rights], [event_of[wire]], "ana")  # ... until a reviewer judges it the same return
    decide(sample_db, rights, "accept", "ana")
    decide(sample_db, portal, "accept", "ana")
    (event,) = [e for e in accepted_events(sample_db) if e["month"] == "2023-10"]
    assert (event["count"], event["reports"], event["supporting"]) == (500, 3, 2)
    assert event["source"] == "demo-rights-monitor"  # the first report that gives the best-supported figure
    (row,) = [r for r in accepted_per_month(sample_db) if r["month"] == "2023-10"]
    assert row["total"] == 500


def test_rejected_and_pending_reports_do_not_count(sample_db):
    wire, rights = _ids(sample_db, 500)
    decide(sample_db, wire, "reject", "ana")
    assert [r for r in accepted_per_month(sample_db) if r["month"] == "2023-10"] == []
    decide(sample_db, rights, "accept", "ana")
    (row,) = [r for r in accepted_per_month(sample_db) if r["month"] == "2023-10"]
    assert (row["source"], row["total"], row["reports"]) == ("demo-rights-monitor", 500, 1)


def test_claim_month():
    assert claim_month("2023-10-09", "2023-10-17") == "2023-10"
    assert claim_month("XXXX-08", "2024-01-02") == "2024-08"
    assert claim_month("2020", "2024-06-03") == "2020"
    assert claim_month("2024", "2024-06-03") == "2024-06"
    assert claim_month(None, "2024-06-03") == "2024-06"
    assert claim_month(None, None) is None
