"""The report page in a real headless Chromium: decisions taken in the queue show in the per-outlet and per-rule
tables. Screenshots at 1280 and 390 px wide: artifacts/screenshots/report-1280.png, report-390.png."""

from __future__ import annotations

import pytest

from review.server import BackgroundServer
from storage.db import open_db
from storage.reviews import decide
from tests.conftest import fill_sample
from tests.test_browser_review import SCREENSHOTS, browser  # noqa: F401 - the shared Chromium fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def server(db_path):
    db = open_db(db_path)
    fill_sample(db)
    db.execute("update claims set rule = case when count in (500, 80) then 'clause' else 'list' end")
    db.conn.commit()
    ids = {count: cid for cid, count in db.execute("select id, count from claims").fetchall()}
    decide(db, ids[80], "accept", "ana")
    decide(db, ids[40], "reject", "ana")
    decide(db, ids[406], "edit", "ana", {"count": 410})
    db.close()
    with BackgroundServer(db_path, reviewer="ana") as srv:
        yield srv


@pytest.mark.parametrize("width", [1280, 390])
def test_report_page_shows_the_decisions(browser, server, width):  # noqa: F811 - the fixture imported above
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    try:
        page.goto(server.url + "report")
        rules = page.locator("#report-rules tbody tr")
        assert rules.count() == 2
        text = page.locator("#report-rules").inner_text()
        assert "clause" in text and "list" in text
        outlets = page.locator("#report-outlets").inner_text()
        assert "demo-ngo-blog" in outlets and "demo-rights-monitor" in outlets
        assert "count (1)" in page.locator("#report-outlets").inner_text()  # the corrected field
        assert page.locator("nav a[aria-current='page']").inner_text() == "Report"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"report-{width}.png"), full_page=True)
    finally:
        page.close()
