"""The review server over HTTP: add a claim, mark an article reviewed, the article list and page, notes, edits."""

from __future__ import annotations

import httpx
import pytest

from review.server import BackgroundServer
from storage.db import open_db
from tests.conftest import add_article, fill_sample

MISSED_TEXT = ("Families wait for news\n\nA pastor said 14 defectors <b>were</b> handed back at Tumen last week."
               "\n\nThe church keeps a list.")


@pytest.fixture
def server(db_path):
    db = open_db(db_path)
    fill_sample(db)
    add_article(db, url="https://church.example/wait/", source="demo-church-news",
                title="Families <i>wait</i>", text=MISSED_TEXT, published="2024-04-02", claims=[])
    db.close()
    with BackgroundServer(db_path, reviewer="ana") as srv:
        yield srv


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["csrf_token"]
        yield c


def missed_article(db_path) -> int:
    db = open_db(db_path)
    try:
        return db.execute("select id from articles where source = 'demo-church-news'").fetchone()[0]
    finally:
        db.close()


def rows(db_path, sql, params=()):
    db = open_db(db_path)
    try:
        return db.execute(sql, list(params)).fetchall()
    finally:
        db.close()


def test_add_a_claim_by_the_api(client, db_path):
    article = missed_article(db_path)
    phrase = "14 defectors <b>were</b> handed back at Tumen"
    start = MISSED_TEXT.index(phrase)
    r = client.post(f"/api/articles/{article}/claims", json={
        "count": 14, "qualifier": "exact", "date": "2024-03", "locations": ["Tumen"], "who": "defectors",
        "kind": "event", "start": start, "end": start + len(phrase), "note": "missed"})
    assert r.status_code == 201, r.text
    claim = r.json()["claim"]
    assert (claim["origin"], claim["status"], claim["start"], claim["evidence"]) == \
        ("reviewer", "accepted", start, phrase)
    assert rows(db_path, "select origin, status, start, end, evidence from claims where id = ?", [claim["id"]]) == \
        [("reviewer", "accepted", start, start + len(phrase), phrase)]
    assert rows(db_path, "select action, reviewer, note from reviews where claim_id = ?", [claim["id"]]) == \
        [("add", "ana", "missed")]


@pytest.mark.parametrize("body, field", [
    ({"count": 14, "start": 0, "end": 100_000}, "start"),
    ({"count": 14, "start": -1, "end": 4}, "start"),
    ({"count": "fourteen", "start": 0, "end": 4}, "count"),
    ({"count": 0, "start": 0, "end": 4}, "count"),
    ({"count": True, "start": 0, "end": 4}, "count"),
    ({"count": 14, "start": "0", "end": 4.5}, "start"),
    ({"count": 14, "start": 0, "end": 4, "locations": 7}, "locations"),
    ({"count": 14, "start": 0, "end": 4, "kind": "sometimes"}, "kind"),
    ({"count": 14, "start": 0, "end": 4, "note": ["x"]}, "note"),
])
def test_a_bad_addition_is_422_naming_the_field(client, db_path, body, field):
    article = missed_article(db_path)
    r = client.post(f"/api/articles/{article}/claims", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert field in detail["errors"] and field in detail["message"]
    assert rows(db_path, "select count(*) from claims where origin = 'reviewer'") == [(0,)]


def test_additions_need_csrf_and_an_article(server, client, db_path):
    article = missed_article(db_path)
    with httpx.Client(base_url=server.url) as bare:
        assert bare.post(f"/api/articles/{article}/claims", json={"count": 1, "start": 0, "end": 4}).status_code == 403
        assert bare.post(f"/api/articles/{article}/reviewed", json={"done": True}).status_code == 403
    assert client.post("/api/articles/99999/claims", json={"count": 1, "start": 0, "end": 4}).status_code == 404
    assert client.post(f"/api/articles/{2**70}/claims", json={"count": 1, "start": 0, "end": 4}).status_code == 404


def test_mark_reviewed_by_the_api(client, db_path):
    article = missed_article(db_path)
    r = client.post(f"/api/articles/{article}/reviewed", json={"done": True})
    assert r.status_code == 200 and r.json()["reviewed_at"]
    assert rows(db_path, "select reviewed_at from articles where id = ?", [article])[0][0] == r.json()["reviewed_at"]
    assert client.post(f"/api/articles/{article}/reviewed", json={"done": False}).json()["reviewed_at"] is None
    assert client.post("/api/articles/99999/reviewed", json={"done": True}).status_code == 404


def test_the_article_list_and_the_prefill(client, db_path):
    article = missed_article(db_path)
    listed = client.get("/api/articles", params={"no_claim": True}).json()
    assert listed["total"] == 1 and listed["articles"][0]["id"] == article
    assert client.get("/api/articles", params={"source": "demo-ngo-blog"}).json()["total"] == 1
    start = MISSED_TEXT.index("14 defectors")
    values = client.get(f"/api/articles/{article}/prefill",
                        params={"start": start, "end": MISSED_TEXT.index(" last week")}).json()
    assert values["count"] == 14
    assert client.get(f"/api/articles/{article}/prefill", params={"start": 5, "end": 10**6}).status_code == 422
    page = client.get("/articles", params={"no_claim": "1"})
    assert page.status_code == 200 and "Families &lt;i&gt;wait&lt;/i&gt;" in page.text
    assert "A grim tally" not in page.text
    view = client.get(f"/articles/{article}")
    assert view.status_code == 200 and "14 defectors &lt;b&gt;were&lt;/b&gt;" in view.text
    assert "<b>were" not in view.text
    assert 'id="add-form"' in view.text and client.get("/articles/99999").status_code == 404


def test_add_a_claim_by_the_page_form_and_see_it_marked(client, db_path):
    article = missed_article(db_path)
    token = client.cookies["newsmon_csrf"]
    start = MISSED_TEXT.index("14 defectors")
    bad = client.post(f"/articles/{article}/claims", data={"csrf_token": token, "count": "x", "start": str(start),
                                                           "end": str(start + 12), "qualifier": "exact",
                                                           "kind": "event"})
    assert bad.status_code == 422 and 'id="add-error-count"' in bad.text
    ok = client.post(f"/articles/{article}/claims", data={"csrf_token": token, "count": "14", "start": str(start),
                                                          "end": str(start + 12), "qualifier": "exact",
                                                          "kind": "event", "who": "", "date": ""},
                     follow_redirects=True)
    assert ok.status_code == 200 and "added." in ok.text and 'class="claim-mark accepted"' in ok.text
    marked = client.post(f"/articles/{article}/reviewed", data={"csrf_token": token, "done": "1"},
                         follow_redirects=True)
    assert 'id="reviewed-badge"' in marked.text


def test_edit_every_field_and_notes_by_the_api(client, db_path):
    (claim_id,) = rows(db_path, "select id from claims where count = 80")[0]
    r = client.post(f"/api/claims/{claim_id}/edit", json={"who": "deportees", "kind": "cumulative",
                                                          "date_end": "2023-09-02", "count_high": 95,
                                                          "note": "range"})
    assert r.status_code == 200, r.text
    claim = r.json()["claim"]
    assert (claim["who"], claim["kind"], claim["date_end"], claim["count_high"]) == \
        ("deportees", "cumulative", "2023-09-02", 95)
    bad = client.post(f"/api/claims/{claim_id}/edit", json={"count_high": 10})
    assert bad.status_code == 422 and list(bad.json()["detail"]["errors"]) == ["count_high"]
    (other,) = rows(db_path, "select id from claims where count = 40")[0]
    assert client.post(f"/api/claims/{other}/reject", json={"note": "not a return"}).status_code == 200
    assert client.post(f"/api/claims/{other - 1}/accept").status_code == 200  # no body: no note
    assert rows(db_path, "select note from reviews where claim_id in (?, ?) order by claim_id",
                [claim_id, other]) == [("range",), ("not a return",)]


def test_favicon_and_the_page_icon_are_served(client):
    assert client.get("/favicon.ico").status_code == 200
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").text


def test_page_offsets_map_through_cr_lf():
    from review.app import page_offsets

    text = "Title\r\n\r\nA pastor said 14 defectors\rwere sent back."
    shown = text.replace("\r\n", "\n").replace("\r", "\n")
    for phrase in ("14 defectors", "were sent back", "Title"):
        start = shown.index(phrase)
        mapped = page_offsets(text, start, start + len(phrase))
        assert text[mapped[0]:mapped[1]] == phrase
    assert page_offsets("no carriage return", 3, 7) == (3, 7)
    assert page_offsets(text, 0, 10_000)[1] > len(text)  # beyond the text stays beyond it (and is refused)
