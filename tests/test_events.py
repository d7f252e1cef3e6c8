"""Events: the same return reported by several outlets is one event; reviewers split and merge events."""

from __future__ import annotations

import pytest

from storage.claims import get_claim
from storage.events import dates_compatible, get_event, same_return
from storage.reviews import ValidationError, decide_event, history, merge, split, undo
from tests.conftest import add_article, claim_at


def claim_by(db, count, source):
    row = db.execute("select claims.id from claims join articles on articles.id = claims.article_id "
                     "where claims.count = ? and articles.source = ?", [count, source]).fetchone()
    return get_claim(db, row[0])


def test_more_than_500_of_october_is_one_event_on_two_outlets(sample_db):
    wire = claim_by(sample_db, 500, "demo-world-wire")
    rights = claim_by(sample_db, 500, "demo-rights-monitor")
    assert wire["event_id"] == rights["event_id"]
    event = get_event(sample_db, wire["event_id"])
    assert event["outlet_count"] == 2 and event["outlets"] == ["demo-rights-monitor", "demo-world-wire"]
    assert event["first_report"]["id"] == wire["id"]  # published 2023-10-17, before 2023-10-20
    # other figures stay alone in events of their own
    for count, source in [(80, "demo-world-wire"), (40, "demo-rights-monitor"), (406, "demo-ngo-blog")]:
        assert get_event(sample_db, claim_by(sample_db, count, source)["event_id"])["claims"] == 1


def test_every_claim_has_an_event(sample_db):
    assert sample_db.execute("select count(*) from claims where event_id is null").fetchone()[0] == 0


def test_a_third_outlet_joins_and_a_contradicting_report_does_not(sample_db):
    text = "Over 500 North Koreans were forcibly returned by China in October 2023, activists said."
    add_article(sample_db, url="https://portal.example/a/", source="demo-asia-portal", title="Returned",
                text=text, published="2023-11-02",
                claims=[claim_at(text, text[:-1], 500, "more_than", date="2023-10", locations=["China"])])
    other = "In March 2019, 500 Eritreans were deported from Sudan."
    add_article(sample_db, url="https://portal.example/b/", source="demo-asia-portal", title="Deported",
                text=other, published="2019-03-20",
                claims=[claim_at(other, other[:-1], 500, date="2019-03", locations=["Sudan"], who="Eritreans")])
    wire = claim_by(sample_db, 500, "demo-world-wire")
    event = get_event(sample_db, wire["event_id"])
    assert event["outlet_count"] == 3 and event["claims"] == 3
    eritrea = sample_db.execute("select event_id from claims where who = 'Eritreans'").fetchone()[0]
    assert eritrea != wire["event_id"]


@pytest.mark.parametrize("a, pa, b, pb, ok", [
    ("2023-10-09", None, "2023-10", None, True),
    ("XXXX-10-09", "2023-10-17", "2023-10", None, True),
    ("2023-10", None, "2023-08", None, False),
    ("2023-10-09", None, "2023-10-20", None, True),  # within the slack
    ("2022", None, "2024-01", None, False),
    (None, "2023-10-17", "2023-10", "2023-10-20", True),
    (None, "2023-10-17", None, "2019-01-01", False),
])
def test_dates_compatible(a, pa, b, pb, ok):
    assert dates_compatible(a, pa, b, pb) is ok


def test_places_and_people_must_not_contradict():
    base = {"count": 500, "article_id": 1, "date": "2023-10", "published": None,
            "locations": ["China"], "who": "North Koreans"}
    assert same_return(base, {**base, "article_id": 2, "locations": []})
    assert not same_return(base, {**base, "article_id": 2, "locations": ["Sudan"]})
    assert not same_return(base, {**base, "article_id": 2, "who": "Eritreans"})
    assert not same_return(base, {**base, "article_id": 2, "count": 501})
    assert not same_return(base, base)  # one article never reports the same return twice


def test_accept_a_whole_event_at_once_and_undo_it(sample_db):
    event_id = claim_by(sample_db, 500, "demo-world-wire")["event_id"]
    batch, changed = decide_event(sample_db, event_id, "accept", "ana")
    assert changed == 2
    assert {r["status"] for r in get_event(sample_db, event_id)["reports"]} == {"accepted"}
    assert undo(sample_db, "ana")["batch"] == batch
    assert {r["status"] for r in get_event(sample_db, event_id)["reports"]} == {"pending"}


def test_split_and_merge(sample_db):
    wire = claim_by(sample_db, 500, "demo-world-wire")
    rights = claim_by(sample_db, 500, "demo-rights-monitor")
    event_id = wire["event_id"]
    new_event = split(sample_db, event_id, [rights["id"]], "ana")
    assert get_claim(sample_db, rights["id"])["event_id"] == new_event
    assert get_event(sample_db, event_id)["outlet_count"] == 1
    assert history(sample_db, rights["id"])[-1]["action"] == "split"
    with pytest.raises(ValidationError):
        split(sample_db, event_id, [wire["id"]], "ana")  # would leave the event empty
    merge(sample_db, event_id, [new_event], "ana")
    assert get_claim(sample_db, rights["id"])["event_id"] == event_id
    assert get_event(sample_db, new_event) is None  # the emptied event is gone
    undo(sample_db, "ana")  # undo the merge: the split-off event comes back
    assert get_claim(sample_db, rights["id"])["event_id"] == new_event
    undo(sample_db, "ana")  # undo the split
    assert get_claim(sample_db, rights["id"])["event_id"] == event_id
    assert get_event(sample_db, event_id)["outlet_count"] == 2


def test_a_split_claim_stays_apart_when_re_extracted(sample_db):
    from storage.claims import replace_machine_claims
    from tests.conftest import RIGHTS_TEXT

    rights = claim_by(sample_db, 500, "demo-rights-monitor")
    wire = claim_by(sample_db, 500, "demo-world-wire")
    split(sample_db, wire["event_id"], [rights["id"]], "ana")
    replace_machine_claims(sample_db, rights["article_id"], [
        claim_at(RIGHTS_TEXT, rights["evidence"], 500, "more_than", date="2023-10")], "test-2")
    assert get_claim(sample_db, rights["id"])["event_id"] != get_claim(sample_db, wire["id"])["event_id"]


def test_demo_outlets_more_than_500_of_october_is_one_event(demo_db_path):
    """On the demo outlets (crawled and extracted for real), the October "more than 500" is one event."""
    from storage.db import open_db

    db_path = demo_db_path
    db = open_db(db_path)
    try:
        rows = db.execute(
            "select claims.event_id, articles.source from claims join articles on articles.id = claims.article_id "
            "where claims.count = 500 and claims.qualifier = 'more_than'").fetchall()
        events = {e for e, _ in rows}
        assert len(rows) >= 2 and len(events) == 1, rows
        event = get_event(db, events.pop())
        assert event["outlet_count"] >= 2
        first = event["first_report"]
        assert first["published"] == min(r["published"] for r in event["reports"])
        assert all(r["date"] is None or r["date"].startswith(("2023-10", "XXXX-10")) for r in event["reports"])
        # an unrelated figure is not pulled in
        assert {r["count"] for r in event["reports"]} == {500}
    finally:
        db.close()


def test_a_corrected_figure_leaves_its_event_and_undo_brings_it_back(sample_db):
    from storage.reviews import decide

    wire = claim_by(sample_db, 500, "demo-world-wire")
    rights = claim_by(sample_db, 500, "demo-rights-monitor")
    decide(sample_db, rights["id"], "edit", "ana", {"count": 520})
    moved = get_claim(sample_db, rights["id"])
    assert moved["event_id"] != wire["event_id"] and get_event(sample_db, moved["event_id"])["claims"] == 1
    undo(sample_db, "ana")
    back = get_claim(sample_db, rights["id"])
    assert back["event_id"] == wire["event_id"] and back["count"] == 500
    assert get_event(sample_db, moved["event_id"]) is None
