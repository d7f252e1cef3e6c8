"""Storage of review decisions: history, corrected values, undo, re-extraction safety, queue filters, FTS."""

from __future__ import annotations

import json
import threading

import pytest

from storage.claims import (
    QueueFilter,
    count_by_status,
    first_in_queue,
    get_claim,
    list_queue,
    neighbour,
    replace_machine_claims,
    replace_machine_claims_detailed,
)
from storage.db import open_db
from storage.reviews import ReviewError, ValidationError, decide, history, undo, validate_values
from storage.search import search_articles
from tests.conftest import HRW_TEXT, TALLY_TEXT, add_article, claim_at


def claim_ids(db, **where):
    conditions = " where " + " and ".join(f"{k} = ?" for k in where) if where else ""
    sql = "select id from claims" + conditions  # noqa: S608 - column names from the test itself, values as "?"
    return [i for (i,) in db.execute(sql + " order by id", list(where.values())).fetchall()]


def test_migrations_create_the_tables_and_keep_wal(sample_db):
    names = set(sample_db.table_names())
    assert {"articles", "claims", "reviews", "events", "crawl_runs", "articles_fts"} <= names
    assert sample_db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert {"corrected_count", "corrected_qualifier", "corrected_date", "corrected_locations", "stale",
            "event_id", "reviewed_by"} <= set(sample_db["claims"].columns_dict)


def test_accept_and_reject_are_recorded_with_before_and_after(sample_db):
    first, second = claim_ids(sample_db)[:2]
    decide(sample_db, first, "accept", "ana")
    decide(sample_db, second, "reject", "ben")
    assert get_claim(sample_db, first)["status"] == "accepted"
    assert get_claim(sample_db, second)["status"] == "rejected"
    (row,) = history(sample_db, first)
    assert row["action"] == "accept" and row["reviewer"] == "ana" and row["at"]
    assert row["before"]["status"] == "pending" and row["after"]["status"] == "accepted"
    assert get_claim(sample_db, second)["reviewed_by"] == "ben"


def test_corrections_are_stored_beside_the_machine_values(sample_db):
    cid = claim_ids(sample_db)[0]
    decide(sample_db, cid, "edit", "ana", {"count": "520", "qualifier": "about", "date": "2023-10",
                                           "locations": "China, North Korea"})
    row = sample_db.execute("select count, qualifier, date, locations, corrected_count, corrected_qualifier, "
                            "corrected_date, corrected_locations, status from claims where id = ?", [cid]).fetchone()
    assert row[:4] == (500, "more_than", "2023-10-09", '["North Korea"]')  # the machine's values, untouched
    assert row[4:] == (520, "about", "2023-10", '["China", "North Korea"]', "accepted")
    claim = get_claim(sample_db, cid)
    assert (claim["count"], claim["qualifier"], claim["machine"]["count"]) == (520, "about", 500)
    assert set(claim["corrected_fields"]) == {"count", "qualifier", "date", "locations"}


@pytest.mark.parametrize("values, field", [
    ({"count": "five"}, "count"), ({"count": "0"}, "count"), ({"count": "-3"}, "count"),
    ({"qualifier": "lots"}, "qualifier"), ({"date": "2023-13"}, "date"), ({"date": "2023-02-30"}, "date"),
    ({"date": "October"}, "date"), ({"date": "XXXX"}, "date"), ({"locations": ["x" * 101]}, "locations"),
    ({"status": "accepted"}, "status"),
])
def test_invalid_edits_are_refused_and_change_nothing(sample_db, values, field):
    cid = claim_ids(sample_db)[0]
    with pytest.raises(ValidationError) as exc:
        decide(sample_db, cid, "edit", "ana", values)
    assert field in exc.value.errors
    assert get_claim(sample_db, cid)["status"] == "pending"
    assert history(sample_db, cid) == []


def test_valid_values_are_normalised():
    assert validate_values({"count": "1,076", "date": " XXXX-10-09 ", "locations": "China, , China, Jilin"}) == \
        {"count": 1076, "date": "XXXX-10-09", "locations": ["China", "Jilin"]}
    assert validate_values({"date": ""}) == {"date": ""}


def test_undo_reverts_the_last_decision_and_is_itself_recorded(sample_db):
    first, second = claim_ids(sample_db)[:2]
    decide(sample_db, first, "accept", "ana")
    decide(sample_db, second, "edit", "ana", {"count": 81})
    undone = undo(sample_db, "ana")
    assert undone["action"] == "edit" and undone["claim_ids"] == [second]
    claim = get_claim(sample_db, second)
    assert claim["status"] == "pending" and claim["count"] == 80 and claim["corrected_count"] is None
    assert get_claim(sample_db, first)["status"] == "accepted"
    assert [r["action"] for r in history(sample_db, second)] == ["edit", "undo"]
    undo(sample_db, "ana")
    assert get_claim(sample_db, first)["status"] == "pending"
    assert undo(sample_db, "ana") is None  # nothing left to undo


def test_undo_refuses_to_clobber_a_later_change_by_someone_else(sample_db):
    cid = claim_ids(sample_db)[0]
    decide(sample_db, cid, "accept", "ana")
    decide(sample_db, cid, "reject", "ben")
    with pytest.raises(ReviewError):
        undo(sample_db, "ana", only_own=True)
    assert get_claim(sample_db, cid)["status"] == "rejected"


def test_reextraction_replaces_unreviewed_claims_only(sample_db):
    article_id = sample_db.execute("select id from articles where source = 'demo-ngo-blog'").fetchone()[0]
    tally, total, jilin = claim_ids(sample_db, article_id=article_id)
    decide(sample_db, tally, "edit", "ana", {"count": 410})  # reviewed, corrected
    decide(sample_db, total, "reject", "ana")  # reviewed, and the new rules will no longer find it
    # New rules: the 406 again (a different cut of the sentence), the 60 again, and a new claim; no 1,076.
    new = [
        claim_at(TALLY_TEXT, "The current figure of 406 brings the total number of documented repatriations", 406,
                 "exact", date="2024"),
        claim_at(TALLY_TEXT, "In April 2024, 60 individuals were repatriated", 60, date="2024-04", locations=["Jilin"]),
        claim_at(TALLY_TEXT, "repatriations since 2020", 2020, "exact"),
    ]
    result = replace_machine_claims_detailed(sample_db, article_id, new, "test-2")
    assert (result.kept_reviewed, result.flagged_stale, result.stored) == (1, 1, 2)
    kept = get_claim(sample_db, tally)
    assert (kept["status"], kept["count"], kept["qualifier"], kept["machine"]["count"]) == \
        ("accepted", 410, "at_least", 406)  # decision and values kept
    assert kept["extractor_version"] == "test-1" and not kept["stale"]
    gone = get_claim(sample_db, total)
    assert gone is not None and gone["status"] == "rejected" and gone["stale"] == 1  # flagged, not deleted
    refreshed = get_claim(sample_db, jilin)  # unreviewed, found again: same id, new values
    assert refreshed["locations"] == ["Jilin"] and refreshed["extractor_version"] == "test-2"
    statuses = [r for (r,) in sample_db.execute("select status from claims where article_id = ?", [article_id])]
    assert sorted(statuses) == ["accepted", "pending", "pending", "rejected"]
    assert [h["action"] for h in history(sample_db, tally)] == ["edit"]  # history untouched
    # Run again with the old rules: the stale claim is found again and loses its flag.
    again = [claim_at(TALLY_TEXT, "to at least 1,076", 1076, "at_least", date="2020")]
    replace_machine_claims(sample_db, article_id, again, "test-3")
    assert get_claim(sample_db, total)["stale"] == 0
    assert get_claim(sample_db, tally)["stale"] == 1


def test_a_claim_with_review_history_counts_as_reviewed_even_after_undo(sample_db):
    article_id = sample_db.execute("select id from articles where source = 'demo-ngo-blog'").fetchone()[0]
    cid = claim_ids(sample_db, article_id=article_id)[0]
    decide(sample_db, cid, "accept", "ana")
    undo(sample_db, "ana")
    replace_machine_claims(sample_db, article_id, [], "test-2")
    assert get_claim(sample_db, cid)["stale"] == 1
    assert len(claim_ids(sample_db, article_id=article_id)) == 1


def test_queue_opens_on_the_oldest_pending_claim_and_filters(sample_db):
    ids = claim_ids(sample_db)
    assert first_in_queue(sample_db, QueueFilter()) == ids[0]
    decide(sample_db, ids[0], "accept", "ana")
    assert first_in_queue(sample_db, QueueFilter()) == ids[1]
    assert neighbour(sample_db, QueueFilter(), ids[1], 1) == ids[2]
    assert neighbour(sample_db, QueueFilter(), ids[1], -1) is None
    by_outlet = list_queue(sample_db, QueueFilter(source="demo-ngo-blog"))
    assert {c["source"] for c in by_outlet} == {"demo-ngo-blog"} and len(by_outlet) == 3
    assert [c["id"] for c in list_queue(sample_db, QueueFilter(status="accepted"))] == [ids[0]]
    assert len(list_queue(sample_db, QueueFilter(status="all"))) == 7
    october = list_queue(sample_db, QueueFilter(status="all", date_from="2023-10-01", date_to="2023-10-31"))
    assert sorted(c["count"] for c in october) == [500, 500]
    in_2024 = list_queue(sample_db, QueueFilter(status="all", date_from="2024-01-01", date_to="2024-12-31"))
    assert sorted(c["count"] for c in in_2024) == [60, 406]


def test_full_text_search_over_articles(sample_db):
    hits = search_articles(sample_db, "escaped")
    assert [h["source"] for h in hits] == ["demo-rights-monitor"]
    found = list_queue(sample_db, QueueFilter(status="all", q="Jilin"))
    assert {c["count"] for c in found} == {406, 1076, 60}
    assert list_queue(sample_db, QueueFilter(status="all", q='"; drop table claims; --')) == []
    assert {c["count"] for c in list_queue(sample_db, QueueFilter(status="all", q="Jil*"))} == {406, 1076, 60}
    assert {c["source"] for c in list_queue(sample_db, QueueFilter(status="all", q="repatriating"))} == \
        {"demo-rights-monitor", "demo-ngo-blog"}  # stemmed: repatriated, repatriations
    assert sample_db.execute("select count(*) from claims").fetchone()[0] == 7
    # the index follows re-extraction of an article's text
    article_id = sample_db.execute("select id from articles where source = 'demo-ngo-blog'").fetchone()[0]
    sample_db["articles"].update(article_id, {"text": "nothing left"})
    assert list_queue(sample_db, QueueFilter(status="all", q="Jilin")) == []


def _run_together(*jobs):
    errors: list = []

    def guard(name, job):
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append((name, repr(exc)))

    threads = [threading.Thread(target=guard, args=(name, job)) for name, job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _reviewer_job(db_path, ids, rounds=10):
    def job():
        db = open_db(db_path)
        try:
            for round_ in range(rounds):
                for cid in ids:
                    decide(db, cid, "accept" if round_ % 2 else "reject", "ana")
        finally:
            db.close()
    return job


def test_extraction_and_review_write_at_the_same_time(db_path, sample_db):
    """The extraction stage of a run (clean text, then claims, article after article) beside a reviewer."""
    from storage.articles import save_extraction

    ids = claim_ids(sample_db)
    for i in range(40):
        add_article(sample_db, url=f"https://wire.example/more/{i}/", source="demo-world-wire", title=f"More {i}",
                    text=HRW_TEXT, published="2023-10-18")
    new_ids = [i for (i,) in sample_db.execute("select id from articles where url like '%/more/%'")]

    def extractor():
        db = open_db(db_path)
        try:
            for round_ in range(3):
                for article_id in new_ids:
                    save_extraction(db, article_id, {"title": "More", "text": HRW_TEXT, "published": "2023-10-18"},
                                    f"test-{round_}")
                    replace_machine_claims(db, article_id, [claim_at(
                        HRW_TEXT, "80 people were sent back from China on August 29", 80, date="2023-08-29",
                        locations=["China"], confidence=0.5 + round_ / 10)], f"test-{round_}")
        finally:
            db.close()

    errors = _run_together(("extractor", extractor), ("reviewer", _reviewer_job(db_path, ids)))
    assert errors == []
    assert sample_db.execute("select count(*) from reviews").fetchone()[0] == 70
    assert count_by_status(sample_db)["accepted"] == 7
    assert sample_db.execute("select count(*) from claims where article_id in (select id from articles "
                             "where url like '%/more/%')").fetchone()[0] == 40


def test_crawl_storage_and_review_write_at_the_same_time(db_path, sample_db):
    """A crawl-like writer (store each fetched page, extract it) beside a reviewer: nobody sees 'database is locked'."""
    ids = claim_ids(sample_db)

    def crawler():
        db = open_db(db_path)
        try:
            for i in range(80):
                add_article(db, url=f"https://wire.example/more/{i}/", source="demo-world-wire", title=f"More {i}",
                            text=HRW_TEXT, published="2023-10-18",
                            claims=[claim_at(HRW_TEXT, "80 people were sent back from China on August 29", 80,
                                             date="2023-08-29", locations=["China"])])
        finally:
            db.close()

    errors = _run_together(("crawler", crawler), ("reviewer", _reviewer_job(db_path, ids, rounds=16)))
    assert errors == []
    assert sample_db.execute("select count(*) from articles").fetchone()[0] == 83
    assert sample_db.execute("select count(*) from reviews").fetchone()[0] == 16 * 7


def test_reviews_store_json_that_reads_back(sample_db):
    cid = claim_ids(sample_db)[0]
    decide(sample_db, cid, "edit", "ana", {"locations": ["Sinŭiju", "China"]})
    before, after = sample_db.execute("select before, after from reviews").fetchone()
    assert json.loads(after)["corrected_locations"] == '["Sinŭiju", "China"]'
    assert json.loads(before)["status"] == "pending"


def test_accepted_per_month(sample_db):
    from storage.claims import accepted_per_month

    ids: dict[int, int] = {}
    for cid, count in sample_db.execute("select id, count from claims order by id").fetchall():
        ids.setdefault(count, cid)  # the first 500 is demo-world-wire's
    for count in (500, 80, 406, 1076):
        decide(sample_db, ids[count], "accept", "ana")
    decide(sample_db, ids[60], "edit", "ana", {"count": 61})
    rows = {(r["month"], r["source"]): r for r in accepted_per_month(sample_db)}
    assert rows[("2023-10", "demo-world-wire")]["total"] == 500
    assert rows[("2023-08", "demo-world-wire")]["total"] == 80
    assert rows[("2024-04", "demo-ngo-blog")]["total"] == 61  # the corrected figure
    assert rows[("2024-06", "demo-ngo-blog")]["total"] == 406  # a year alone, the year of publication
    assert rows[("2020", "demo-ngo-blog")]["cumulative"] == 1  # a running total: counted apart, not added
    assert rows[("2020", "demo-ngo-blog")]["total"] == 0
