"""The review page in a real headless Chromium (Debian's), driven by Playwright, against a real server and database.

Locally these tests skip when no chromium is found; with NEWSMON_REQUIRE_BROWSER=1 (CI) that is a failure.
Screenshots of the queue, a claim and the timeline are saved under artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from review.server import BackgroundServer
from storage.claims import get_claim
from storage.db import open_db
from tests.conftest import add_article, claim_at, fill_sample

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

XSS_TITLE = 'Deportations <script>window.__xss = 1; alert("title")</script> continue'
XSS_TEXT = ('Deportations <script>window.__xss = 1; alert("title")</script> continue\n\n'
            'Border police deported 35 people <img src=x onerror=alert(1)> to North Korea on 3 March 2024, '
            'a witness said.\n\nMore <svg onload=alert(2)> text <a href="javascript:alert(3)">here</a>.')
XSS_EVIDENCE = "Border police deported 35 people <img src=x onerror=alert(1)> to North Korea on 3 March 2024"


def find_chromium() -> str | None:
    for candidate in (os.environ.get("NEWSMON_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        message = "no chromium found (install Debian's chromium, e.g. `make browser`): browser tests skipped"
        if os.environ.get("NEWSMON_REQUIRE_BROWSER") == "1":
            pytest.fail("NEWSMON_REQUIRE_BROWSER=1 but " + message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright  # a test dependency: missing, the tests fail loudly
    profile = tempfile.mkdtemp(prefix="newsmon-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=executable, headless=True,
                                                       args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def server(db_path):
    db = open_db(db_path)
    fill_sample(db)
    add_article(db, url="https://portal.example/2024/03/xss/", source="demo-asia-portal", title=XSS_TITLE,
                text=XSS_TEXT, published="2024-03-05",
                claims=[claim_at(XSS_TEXT, XSS_EVIDENCE, 35, date="2024-03-03", locations=["North Korea"],
                                 who="people <b onmouseover=alert(4)>")])
    db.close()
    with BackgroundServer(db_path, reviewer="ana") as srv:
        yield srv


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    page.close()


def state(db_path, claim_id):
    db = open_db(db_path)
    try:
        claim = get_claim(db, claim_id)
        reviews = db.execute("select action, reviewer from reviews where claim_id = ? order by id",
                             [claim_id]).fetchall()
    finally:
        db.close()
    return claim, reviews


def shown_claim(page) -> int:
    return int(page.locator(".claim-head").get_attribute("data-claim-id"))


def queue_claim_ids(page) -> list[str]:
    """The claim ids of the queue's links, in the order shown."""
    return page.locator("aside.queue a[data-claim]").evaluate_all("els => els.map(e => e.dataset.claim)")


def press(page, key):
    """Press a key that makes the page post a decision or move, and wait for the next page to load."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_selector("body[data-ready='1']")


def test_review_flow_by_keyboard(page, server, db_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(server.url)
    page.wait_for_selector("body[data-ready='1']")
    ids = [int(x) for x in queue_claim_ids(page)]
    assert shown_claim(page) == ids[0] == min(ids)  # opens on the oldest pending claim
    assert page.locator("mark#evidence").inner_text() == get_claim(open_db(db_path), ids[0])["evidence"]
    page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=False)

    press(page, "a")  # accept
    claim, reviews = state(db_path, ids[0])
    assert claim["status"] == "accepted" and reviews == [("accept", "ana")]
    assert shown_claim(page) == ids[1]

    press(page, "r")  # reject
    claim, reviews = state(db_path, ids[1])
    assert claim["status"] == "rejected" and reviews == [("reject", "ana")]
    assert shown_claim(page) == ids[2]

    page.keyboard.press("e")  # edit the count
    count = page.locator("#edit-count")
    assert count.is_visible() and count.evaluate("el => el === document.activeElement")
    count.fill("510")
    with page.expect_navigation():
        count.press("Enter")
    claim, reviews = state(db_path, ids[2])
    assert (claim["status"], claim["count"], claim["machine"]["count"], claim["corrected_count"]) == \
        ("accepted", 510, 500, 510)
    assert reviews == [("edit", "ana")]
    page.wait_for_selector("body[data-ready='1']")

    press(page, "u")  # undo the edit
    claim, reviews = state(db_path, ids[2])
    assert (claim["status"], claim["count"], claim["corrected_count"]) == ("pending", 500, None)
    assert reviews == [("edit", "ana"), ("undo", "ana")]
    assert shown_claim(page) == ids[2]
    assert "Undone" in page.locator("#message").inner_text()

    press(page, "j")  # next
    assert shown_claim(page) == ids[3]
    press(page, "k")  # previous
    assert shown_claim(page) == ids[2]
    page.screenshot(path=str(SCREENSHOTS / "claim.png"), full_page=True)

    with page.expect_navigation():  # filter by outlet
        page.select_option("#filter-source", "demo-ngo-blog")
    page.wait_for_selector("body[data-ready='1']")
    listed = {int(x) for x in queue_claim_ids(page)}
    db = open_db(db_path)
    expected = {i for (i,) in db.execute(
        "select claims.id from claims join articles on articles.id = claims.article_id "
        "where articles.source = 'demo-ngo-blog' and claims.status = 'pending'")}
    db.close()
    assert listed == expected and len(expected) == 3
    assert shown_claim(page) == min(expected)
    assert "source=demo-ngo-blog" in page.url
    press(page, "a")  # a decision keeps the filter
    assert "source=demo-ngo-blog" in page.url
    assert state(db_path, min(expected))[0]["status"] == "accepted"

    page.goto(server.url + "timeline")
    page.wait_for_selector("#timeline-chart")
    assert page.locator("#timeline-chart rect").count() >= 2
    page.screenshot(path=str(SCREENSHOTS / "timeline.png"), full_page=True)
    assert page.dialogs == []


def test_edit_validation_in_the_page(page, server, db_path):
    page.goto(server.url)
    page.wait_for_selector("body[data-ready='1']")
    first = shown_claim(page)
    page.keyboard.press("e")
    page.fill("#edit-count", "many")
    page.fill("#edit-date", "2023-13")
    with page.expect_navigation():
        page.press("#edit-count", "Enter")
    assert "whole number" in page.locator("#error-count").inner_text()
    assert "month" in page.locator("#error-date").inner_text()
    assert page.locator("#edit-form").is_visible()
    claim, reviews = state(db_path, first)
    assert claim["status"] == "pending" and claim["corrected_count"] is None and reviews == []


def test_accept_a_whole_event(page, server, db_path):
    page.goto(server.url)
    page.wait_for_selector("body[data-ready='1']")
    first = shown_claim(page)
    assert "2 outlets, 2 independent reports" in page.locator("#event h2").inner_text()
    assert page.locator("#event tbody tr").count() == 2
    with page.expect_navigation():
        page.click("#form-event-accept button")
    db = open_db(db_path)
    event_id = get_claim(db, first)["event_id"]
    statuses = [s for (s,) in db.execute("select status from claims where event_id = ?", [event_id])]
    db.close()
    assert statuses == ["accepted", "accepted"]


def test_scraped_payloads_are_shown_as_text_and_never_run(page, server, db_path):
    db = open_db(db_path)
    (xss_id,) = db.execute("select id from claims where count = 35").fetchone()
    db.close()
    page.goto(f"{server.url}?status=all&claim={xss_id}")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("mark#evidence").inner_text() == XSS_EVIDENCE  # the payload, as text
    assert "<script>window.__xss = 1;" in page.locator(".article-title").inner_text()
    assert "<b onmouseover=alert(4)>" in page.locator("table.values").inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#claim-view img, #claim-view svg, #claim-view script, #claim-view b").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.hover("table.values")
    press(page, "a")  # a decision on it works and nothing fires either
    assert state(db_path, xss_id)[0]["status"] == "accepted"
    page.goto(server.url + "timeline")
    page.wait_for_selector("#timeline-chart")
    page.goto(f"{server.url}?status=all&q=deported&claim={xss_id}")
    page.wait_for_selector("body[data-ready='1']")
    assert page.dialogs == []
    assert page.evaluate("window.__xss") is None


def test_demo_hostile_article_is_shown_escaped(browser, demo_db_path):
    """The demo outlet's article with <script> and onerror= payloads, crawled and extracted for real."""
    db = open_db(demo_db_path)
    row = db.execute("select claims.id, articles.title, claims.evidence from claims join articles "
                     "on articles.id = claims.article_id where articles.title like '%<script>%'").fetchone()
    db.close()
    assert row is not None, "the demo's hostile article yields a claim"
    claim_id, title, evidence = row
    assert "onerror=" in evidence
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with BackgroundServer(demo_db_path, reviewer="ana") as srv:
        page.goto(f"{srv.url}?claim={claim_id}")
        page.wait_for_selector("body[data-ready='1']")
        assert page.locator(".article-title").inner_text() == title
        assert page.locator("mark#evidence").inner_text() == evidence
        assert "<script>alert(\"body\")</script>" in page.locator("#article-text").inner_text()
        assert page.locator("#claim-view script, #claim-view img, #claim-view svg").count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "claim-hostile.png"), full_page=True)
        press(page, "a")
        db = open_db(demo_db_path)
        assert db.execute("select status from claims where id = ?", [claim_id]).fetchone()[0] == "accepted"
        others = [i for (i,) in db.execute("select id from claims where status = 'pending'")]
        db.close()
        for other in others:  # accept the rest, for a timeline of the whole demo
            page.goto(f"{srv.url}?claim={other}")
            page.wait_for_selector("body[data-ready='1']")
            press(page, "a")
        page.goto(srv.url)
        page.wait_for_selector("body[data-ready='1']")
        assert "Nothing to review" in page.locator("#claim-view h1").inner_text()
        page.goto(srv.url + "timeline")
        page.wait_for_selector("#timeline-chart")
        page.screenshot(path=str(SCREENSHOTS / "timeline-demo.png"), full_page=True)
        page.goto(f"{srv.url}?status=accepted")
        page.wait_for_selector("body[data-ready='1']")
        page.screenshot(path=str(SCREENSHOTS / "queue-demo-accepted.png"), full_page=False)
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    page.close()
