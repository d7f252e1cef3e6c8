"""Reviewer-added claims, corrections of every field with a note, finished articles, the article list (storage)."""

from __future__ import annotations

import json

import pytest

from review.prefill import prefill
from storage import article_list
from storage.claims import get_claim, replace_machine_claims
from storage.reviews import NotFound, ValidationError, add_claim, decide, mark_article_reviewed, undo
from tests.conftest import HRW_TEXT, TALLY_TEXT, add_article, claim_at

QUIET_TEXT = ("Quiet week at the border\n\nOfficials said on Tuesday that 27 North Koreans were sent back "
              "from Dandong in May 2024, according to a church group.\n\nNo other figure was given.")


@pytest.fixture
def db(sample_db):
    add_article(sample_db, url="https://quiet.example/week/", source="demo-quiet-news", title="Quiet week",
                text=QUIET_TEXT, published="2024-06-01", claims=[])
    return sample_db


def quiet_id(db) -> int:
    return db.execute("select id from articles where source = 'demo-quiet-news'").fetchone()[0]


def reviews_of(db, claim_id):
    return db.execute("select action, reviewer, note from reviews where claim_id = ? order by id",
                      [claim_id]).fetchall()


def test_an_added_claim_is_accepted_with_its_offsets_origin_and_a_review_row(db):
    article = quiet_id(db)
    phrase = "27 North Koreans were sent back from Dandong in May 2024"
    start = QUIET_TEXT.index(phrase)
    # the selection took the space before the words: the stored offsets hold the words alone
    claim_id = add_claim(db, article, {"count": "27", "qualifier": "exact", "date": "2024-05",
                                       "locations": "Dandong, China", "who": "North Koreans",
                                       "start": start - 1, "end": start + len(phrase),
                                       "evidence": " " + phrase}, "ana", note="missed: church source")
    claim = get_claim(db, claim_id)
    assert (claim["origin"], claim["status"], claim["count"], claim["reviewed_by"]) == ("reviewer", "accepted", 27,
                                                                                        "ana")
    assert (claim["start"], claim["end"], claim["evidence"]) == (start, start + len(phrase), phrase)
    assert QUIET_TEXT[claim["start"]:claim["end"]] == claim["evidence"]
    assert claim["locations"] == ["Dandong", "China"] and claim["date"] == "2024-05"
    assert claim["event_id"] is not None and claim["extractor_version"] == "reviewer"
    assert reviews_of(db, claim_id) == [("add", "ana", "missed: church source")]


@pytest.mark.parametrize("values, field", [
    ({"count": "many", "start": 0, "end": 5}, "count"),
    ({"count": 0, "start": 0, "end": 5}, "count"),
    ({"count": -3, "start": 0, "end": 5}, "count"),
    ({"count": 2.5, "start": 0, "end": 5}, "count"),
    ({"start": 0, "end": 5}, "count"),
    ({"count": 5, "start": 0, "end": 10_000}, "start"),
    ({"count": 5, "start": 8, "end": 3}, "start"),
    ({"count": 5, "start": "a", "end": 3}, "start"),
    ({"count": 5, "start": 24, "end": 26}, "start"),  # only white space
    ({"count": 5, "start": 0, "end": 5, "evidence": "something else"}, "evidence"),
    ({"count": 5, "count_high": 4, "start": 0, "end": 5}, "count_high"),
    ({"count": 5, "kind": "sometimes", "start": 0, "end": 5}, "kind"),
    ({"count": 5, "qualifier": "roughly", "start": 0, "end": 5}, "qualifier"),
    ({"count": 5, "date": "2024-05", "date_end": "2024-02", "start": 0, "end": 5}, "date_end"),
    ({"count": 5, "date": "May", "start": 0, "end": 5}, "date"),
])
def test_an_addition_with_a_bad_field_is_refused_naming_it(db, values, field):
    article = quiet_id(db)
    before = db.execute("select count(*) from claims").fetchone()[0], db.execute(
        "select count(*) from reviews").fetchone()[0]
    with pytest.raises(ValidationError) as caught:
        add_claim(db, article, values, "ana")
    assert field in caught.value.errors, caught.value.errors
    after = db.execute("select count(*) from claims").fetchone()[0], db.execute(
        "select count(*) from reviews").fetchone()[0]
    assert after == before


def test_an_addition_to_no_article_is_not_found(db):
    with pytest.raises(NotFound):
        add_claim(db, 99_999, {"count": 3, "start": 0, "end": 2}, "ana")


def test_undoing_an_addition_rejects_the_added_claim(db):
    article = quiet_id(db)
    claim_id = add_claim(db, article, {"count": 27, "start": 10, "end": 40}, "ana")
    assert undo(db, "ana")["claim_ids"] == [claim_id]
    assert get_claim(db, claim_id)["status"] == "rejected"
    assert [a for a, _, _ in reviews_of(db, claim_id)] == ["add", "undo"]


def test_re_extraction_leaves_an_added_claim_alone_and_does_not_queue_its_machine_copy(db):
    article = quiet_id(db)
    phrase = "27 North Koreans were sent back from Dandong in May 2024"
    start = QUIET_TEXT.index(phrase)
    claim_id = add_claim(db, article, {"count": 27, "start": start, "end": start + len(phrase)}, "ana")
    machine = claim_at(QUIET_TEXT, "Officials said on Tuesday that 27 North Koreans were sent back", 27)
    other = claim_at(QUIET_TEXT, "Quiet week", 3)
    replace_machine_claims(db, article, [machine, other], "test-2")
    rows = db.execute("select id, count, origin, status, stale from claims where article_id = ? order by id",
                      [article]).fetchall()
    assert rows[0] == (claim_id, 27, "reviewer", "accepted", 0)
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [(3, "machine", "pending")]


def test_every_field_can_be_corrected_with_a_note(db):
    (claim_id,) = db.execute("select id from claims where count = 80").fetchone()
    decide(db, claim_id, "edit", "ana", {"count_high": "90", "who": "  escapees  from  Hoeryong ",
                                         "date": "2023-08-29", "date_end": "2023-08-31", "kind": "cumulative"},
           note="a range, in the second paragraph")
    claim = get_claim(db, claim_id)
    assert (claim["count_high"], claim["who"], claim["date_end"], claim["kind"]) == \
        (90, "escapees from Hoeryong", "2023-08-31", "cumulative")
    assert claim["machine"]["who"] == "people" and claim["machine"]["kind"] == "event"
    assert set(claim["corrected_fields"]) == {"count_high", "who", "date_end", "kind"}
    assert reviews_of(db, claim_id) == [("edit", "ana", "a range, in the second paragraph")]
    after = json.loads(db.execute("select after from reviews where claim_id = ?", [claim_id]).fetchone()[0])
    assert after["corrected_kind"] == "cumulative"
    # back to the machine's value clears the correction; an empty top of range means "none"
    decide(db, claim_id, "edit", "ana", {"kind": "event", "count_high": "", "date_end": ""})
    claim = get_claim(db, claim_id)
    assert claim["kind"] == "event" and claim["count_high"] is None and claim["date_end"] is None
    assert claim["corrected_fields"] == ["who"]
    undo(db, "ana")
    assert get_claim(db, claim_id)["kind"] == "cumulative"


@pytest.mark.parametrize("values, field", [
    ({"kind": "often"}, "kind"), ({"count_high": "70"}, "count_high"), ({"count_high": "lots"}, "count_high"),
    ({"date_end": "2023-08-01"}, "date_end"), ({"who": "a\x00b"}, "who"), ({"date_end": "2023-02-30"}, "date_end"),
])
def test_a_bad_correction_names_its_field_and_changes_nothing(db, values, field):
    (claim_id,) = db.execute("select id from claims where count = 80").fetchone()
    with pytest.raises(ValidationError) as caught:
        decide(db, claim_id, "edit", "ana", values)
    assert list(caught.value.errors) == [field]
    assert get_claim(db, claim_id)["status"] == "pending" and reviews_of(db, claim_id) == []


def test_a_note_on_accept_and_reject_is_kept_and_checked(db):
    (first,) = db.execute("select id from claims where count = 406").fetchone()
    decide(db, first, "reject", "ana", note="a running total, not a return")
    assert reviews_of(db, first) == [("reject", "ana", "a running total, not a return")]
    with pytest.raises(ValidationError) as caught:
        decide(db, first, "accept", "ana", note="x" * 2001)
    assert "note" in caught.value.errors


def test_an_article_is_marked_reviewed_and_cleared(db):
    article = quiet_id(db)
    mark_article_reviewed(db, article)
    stamp = db.execute("select reviewed_at from articles where id = ?", [article]).fetchone()[0]
    assert stamp and stamp.endswith("+00:00")
    mark_article_reviewed(db, article, done=False)
    assert db.execute("select reviewed_at from articles where id = ?", [article]).fetchone()[0] is None
    with pytest.raises(NotFound):
        mark_article_reviewed(db, 99_999)


def test_the_article_list_filters_by_outlet_date_words_and_no_claim(db):
    def titles(**kw):
        return [a["title"] for a in article_list.list_articles(db, article_list.ArticleFilter(**kw))]

    assert titles() == ["A grim tally", "Quiet week", "Escapees sent back",
                        "China Forcibly Returns More than 500 to North Korea"]
    assert titles(no_claim=True) == ["Quiet week"]
    assert titles(source="demo-ngo-blog") == ["A grim tally"]
    assert titles(q="Dandong") == ["Quiet week"]
    assert titles(date_from="2024-01-01") == ["A grim tally", "Quiet week"]
    assert titles(date_to="2023-10") == ["Escapees sent back", "China Forcibly Returns More than 500 to North Korea"]
    page2 = article_list.list_articles(db, article_list.ArticleFilter(), limit=3, offset=3)
    assert [a["title"] for a in page2] == ["China Forcibly Returns More than 500 to North Korea"]
    assert article_list.count_articles(db, article_list.ArticleFilter(no_claim=True)) == 1
    tally = article_list.list_articles(db, article_list.ArticleFilter(source="demo-ngo-blog"))[0]
    assert (tally["claims"], tally["pending"], tally["added"]) == (3, 3, 0)
    assert "demo-quiet-news" in article_list.article_sources(db)


def test_the_form_is_prefilled_by_the_extractor_from_the_selection():
    values = prefill("27 North Koreans were sent back from Dandong in May 2024", "2024-06-01")
    assert (values["count"], values["date"], values["found"]) == (27, "2024-05", "claim")
    assert "Dandong" in values["locations"]
    # no claim for the extractor's decision, but the figure and its hedge are read
    tally = prefill(TALLY_TEXT[TALLY_TEXT.index("to at least"):TALLY_TEXT.index("1,076") + 5])
    assert (tally["count"], tally["qualifier"]) == (1076, "at_least")
    assert prefill("nearly 50 of them")["qualifier"] == "about"
    assert prefill("no figure at all")["count"] is None and prefill("")["found"] is None
    assert prefill(HRW_TEXT[:10])["count"] is None


def test_a_note_on_event_decisions_split_and_merge(db):
    from storage.reviews import decide_event, merge, split

    (first, event_id) = db.execute("select id, event_id from claims where count = 500 order by id").fetchone()
    new_event = split(db, event_id, [first], "ana", note="another return")
    assert db.execute("select note from reviews where claim_id = ? and action = 'split'", [first]).fetchone() == \
        ("another return",)
    merge(db, event_id, [new_event], "ana", note="the same after all")
    assert ("the same after all",) in db.execute("select note from reviews where action = 'merge'").fetchall()
    decide_event(db, event_id, "accept", "ana", note="both outlets")
    assert {n for (n,) in db.execute("select note from reviews where action = 'accept'")} == {"both outlets"}
