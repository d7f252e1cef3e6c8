"""The review page in headless Chromium: add a missed claim from a selection, edit every field, the article list,
and the layout defects fixed (key bar, phone width, errors beside their field, fonts, favicon, timeline).

Screenshots of every view at 1280 and 390 px wide are written to build/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from review.server import BackgroundServer
from storage.db import open_db
from storage.reviews import decide
from tests.conftest import add_article, claim_at, fill_sample
from tests.test_browser_review import browser, press  # noqa: F401 - the shared Chromium fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
WIDTHS = {"1280": (1280, 900), "390": (390, 844)}

# An emoji before the selection (the page counts UTF-16 units, the database code points) and a CR LF
# (the page shows one LF).
QUIET_TEXT = ("Quiet week at the border \U0001F54A\r\n\nOfficials said on Tuesday that 27 North Koreans were sent back "
              "from Dandong in May 2024, according to a church group.\n\nNo other figure was given.")
QUIET_PHRASE = "27 North Koreans were sent back from Dandong in May 2024"
LONG_OUTLET = "a-very-long-outlet-name-of-a-regional-news-portal"
LONG_TEXT = "Returns in spring\n\nIn March 2024, 45 people were deported to North Korea from Liaoning."


@pytest.fixture
def server(db_path):
    db = open_db(db_path)
    fill_sample(db)
    add_article(db, url="https://quiet.example/week/", source="demo-quiet-news", title="Quiet week at the border",
                text=QUIET_TEXT, published="2024-06-01", claims=[])
    add_article(db, url="https://long.example/spring/", source=LONG_OUTLET, title="Returns in spring",
                text=LONG_TEXT, published="2024-03-20",
                claims=[claim_at(LONG_TEXT, "In March 2024, 45 people were deported to North Korea from Liaoning",
                                 45, date="2024-03", locations=["Liaoning"], who="people")])
    for (claim_id,) in db.execute("select id from claims where count in (500, 40, 60, 45)").fetchall():
        decide(db, claim_id, "accept", "ana")
    db.close()
    with BackgroundServer(db_path, reviewer="ana") as srv:
        yield srv


@pytest.fixture
def page(browser, server):  # noqa: F811 - the fixture imported above
    page = browser.new_page()
    page.failed = []
    page.on("response", lambda r: page.failed.append(r.url) if r.status >= 400 else None)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()


def shoot(page, name: str, width: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=full_page)


def load(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")


def one(db_path, sql, params=()):
    db = open_db(db_path)
    try:
        return db.execute(sql, list(params)).fetchone()
    finally:
        db.close()


def select_in_text(page, phrase: str) -> None:
    """Select `phrase` in the article text as a reader's mouse would (it may span several elements)."""
    page.evaluate("""(phrase) => {
        const box = document.getElementById('article-text');
        const full = box.textContent, at = full.indexOf(phrase);
        if (at < 0) throw new Error('phrase not in the text');
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let seen = 0, node, range = document.createRange(), started = false;
        while ((node = walker.nextNode())) {
            const len = node.textContent.length;
            if (!started && at < seen + len) { range.setStart(node, at - seen); started = true; }
            if (started && at + phrase.length <= seen + len) { range.setEnd(node, at + phrase.length - seen); break; }
            seen += len;
        }
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    }""", phrase)


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] - 0.5 and inner["y"] >= outer["y"] - 0.5
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5)


def test_select_press_n_and_save_stores_a_reviewer_claim_with_its_offsets(page, server, db_path):
    load(page, server.url + "articles?no_claim=1")
    assert page.locator("#articles-table tbody tr").count() == 1
    shoot(page, "articles", "1280")
    with page.expect_navigation():
        page.click("#articles-table a")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#no-claims").is_visible()
    page.keyboard.press("n")  # nothing selected: a hint, no form
    assert "Select the words" in page.locator("#add-hint").inner_text()
    assert page.locator("#add-form").is_hidden()

    select_in_text(page, QUIET_PHRASE)
    page.keyboard.press("n")
    page.wait_for_selector("#add-form[data-prefilled='claim']")
    assert page.locator("#add-selection").inner_text() == QUIET_PHRASE
    assert page.input_value("#add-count") == "27"
    assert page.input_value("#add-date") == "2024-05"
    assert "Dandong" in page.input_value("#add-locations")
    assert page.locator("#add-count").evaluate("el => el === document.activeElement")
    assert not overlap(box(page, "#add-form"), box(page, "footer.keys"))
    page.fill("#add-note", "the extractor missed this one")
    shoot(page, "add-claim", "1280")
    with page.expect_navigation():
        page.press("#add-count", "Enter")
    page.wait_for_selector("body[data-ready='1']")
    assert "added" in page.locator("#message").inner_text()

    claim_id, origin, status, start, end, evidence = one(
        db_path, "select id, origin, status, start, end, evidence from claims where article_id = "
                 "(select id from articles where source = 'demo-quiet-news')")
    expected = QUIET_TEXT.index(QUIET_PHRASE)
    assert (origin, status, start, end) == ("reviewer", "accepted", expected, expected + len(QUIET_PHRASE))
    assert evidence == QUIET_PHRASE == QUIET_TEXT[start:end]
    assert one(db_path, "select action, reviewer, note from reviews where claim_id = ?", [claim_id]) == \
        ("add", "ana", "the extractor missed this one")
    assert page.locator(f"mark.claim-mark[data-claim='{claim_id}']").inner_text() == QUIET_PHRASE

    press(page, "m")  # mark the article reviewed
    assert one(db_path, "select reviewed_at from articles where source = 'demo-quiet-news'")[0]
    assert page.locator("#reviewed-badge").is_visible()
    shoot(page, "article-added", "1280")
    assert page.failed == [] and page.dialogs == []


def test_add_a_claim_from_the_queue_across_the_highlighted_evidence(page, server, db_path):
    (claim_id,) = one(db_path, "select id from claims where count = 406")
    load(page, f"{server.url}?claim={claim_id}")
    phrase = "figure of 406 brings the total number of documented repatriations since 2020 to at least 1,076"
    select_in_text(page, phrase)  # starts inside the <mark> of the claim, ends after it
    page.click("#add-button")
    page.wait_for_selector("#add-form:not([data-prefilled=''])[data-prefilled]")
    page.fill("#add-count", "1076")
    page.select_option("#add-qualifier", "at_least")
    page.select_option("#add-kind", "cumulative")
    page.fill("#add-date", "2020")
    with page.expect_navigation():
        page.click("#add-save")
    row = one(db_path, "select count, qualifier, kind, start, end, evidence, origin from claims "
                       "where origin = 'reviewer'")
    text = one(db_path, "select text from articles where source = 'demo-ngo-blog'")[0]
    assert row[:3] == (1076, "at_least", "cumulative") and row[6] == "reviewer"
    assert text[row[3]:row[4]] == row[5] == phrase


def test_edit_every_field_with_a_note_and_errors_beside_their_field(page, server, db_path):
    (claim_id,) = one(db_path, "select id from claims where count = 80")
    load(page, f"{server.url}?claim={claim_id}")
    page.keyboard.press("e")
    page.fill("#edit-count_high", "5")  # under the figure
    page.fill("#edit-date_end", "2023-13")
    with page.expect_navigation():
        page.press("#edit-who", "Enter")
    page.wait_for_selector("body[data-ready='1']")
    assert "larger than the figure" in page.locator("#error-count_high").inner_text()
    assert "month" in page.locator("#error-date_end").inner_text()
    for name in ("count_high", "date_end"):  # each error inside its own field, under its input
        assert inside(box(page, f"#error-{name}"), box(page, f"#field-{name}"))
        field_input = box(page, f"#edit-{name}")
        assert box(page, f"#error-{name}")["y"] >= field_input["y"] + field_input["height"] - 1
    assert page.locator("#edit-count_high").get_attribute("aria-invalid") == "true"
    assert not overlap(box(page, "#edit-form"), box(page, "footer.keys"))
    shoot(page, "edit-errors", "1280")
    assert one(db_path, "select count(*) from reviews where claim_id = ?", [claim_id]) == (0,)

    page.fill("#edit-count_high", "95")
    page.fill("#edit-date_end", "2023-09-02")
    page.fill("#edit-who", "deportees from Dandong")
    page.select_option("#edit-kind", "cumulative")
    page.fill("#edit-note", "a range; the deportees are named later")
    with page.expect_navigation():
        page.press("#edit-who", "Enter")
    row = one(db_path, "select corrected_who, corrected_kind, corrected_date_end, corrected_count_high, status, who, "
                       "kind from claims where id = ?", [claim_id])
    assert row == ("deportees from Dandong", "cumulative", "2023-09-02", 95, "accepted", "people", "event")
    assert one(db_path, "select action, note from reviews where claim_id = ?", [claim_id]) == \
        ("edit", "a range; the deportees are named later")

    (other,) = one(db_path, "select id from claims where count = 406")
    load(page, f"{server.url}?claim={other}")
    page.fill("#decision-note", "a running total")
    page.locator("#decision-note").blur()
    press(page, "r")
    assert one(db_path, "select action, note from reviews where claim_id = ?", [other]) == ("reject", "a running total")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_layout_and_screenshots(page, server, db_path, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    w = WIDTHS[width][0]
    load(page, server.url)
    shoot(page, "queue", width)
    claim = box(page, "main.claim")
    assert claim["x"] >= 0 and claim["x"] + claim["width"] <= w + 0.5  # the claim pane is on screen
    assert claim["y"] < WIDTHS[width][1]  # and starts within the first screen
    assert page.evaluate("document.documentElement.scrollWidth") <= w  # nothing runs off to the side
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.locator("#article-text").evaluate("el => getComputedStyle(el).fontFamily") == body_font
    assert page.locator("#edit-count").evaluate("el => getComputedStyle(el).fontFamily") == body_font
    assert page.locator("footer.keys").evaluate("el => getComputedStyle(el).position") != "fixed"

    page.keyboard.press("e")
    form = box(page, "#edit-form")
    assert form["x"] + form["width"] <= w + 0.5
    for _ in range(3):  # wherever the page is scrolled, the key bar never lies over the form
        assert not overlap(box(page, "#edit-form"), box(page, "footer.keys"))
        page.mouse.wheel(0, 400)
    page.locator("#edit-form").scroll_into_view_if_needed()
    shoot(page, "claim", width)
    page.keyboard.press("Escape")

    select_in_text(page, page.locator("mark#evidence").inner_text())
    page.keyboard.press("n")
    page.wait_for_selector("#add-form:not([data-prefilled=''])[data-prefilled]")
    add = box(page, "#add-form")
    assert add["x"] >= 0 and add["x"] + add["width"] <= w + 0.5
    assert not overlap(add, box(page, "footer.keys"))
    shoot(page, "add-claim", width)

    load(page, server.url + "articles")
    assert page.locator("#articles-table tbody tr").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= w
    shoot(page, "articles", width)
    with page.expect_navigation():
        page.click("#articles-table a >> nth=0")
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("document.documentElement.scrollWidth") <= w
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.locator("#article-text").evaluate("el => getComputedStyle(el).fontFamily") == body_font
    shoot(page, "article", width)

    load(page, server.url + "timeline")
    page.wait_for_selector("#timeline-chart")
    labels = page.locator("#timeline-chart text.month-label").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return {x: r.x, width: r.width}; })")
    assert len(labels) >= 3
    for a, b in zip(labels, labels[1:], strict=False):
        assert a["x"] + a["width"] <= b["x"], (a, b)  # month labels never collide
    items = page.locator("#timeline-chart g.legend-item").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "return {x: r.x, y: r.y, width: r.width, height: r.height}; })")
    assert len(items) == 4
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            assert not overlap(a, b), (a, b)  # the long outlet name does not run into the next
    slots = page.locator("#timeline-chart").evaluate("""svg => {
        const bars = [...svg.querySelectorAll('g.bars rect')].map(r => r.getBBox());
        return bars.map(b => b.x + b.width / 2);
    }""")
    ticks = page.locator("#timeline-chart text.month-label").evaluate_all(
        "els => els.map(e => parseFloat(e.getAttribute('x')))")
    assert any(abs(c - t) < 12 for c in slots for t in ticks)  # a bar sits under the middle of its month
    shoot(page, "timeline", width, full_page=True)
    assert page.failed == [], page.failed  # no 404: the favicon is there
    icon = page.request.get(server.url + "favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg")
