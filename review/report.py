"""The report page and its API: precision and recall of the extractor from reviewers' decisions.

A router of its own, registered by `review.app.create_app`; its numbers come from `storage.report`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from storage import claims as claims_store
from storage.report import decisions_report


def report_router(get_db: Any, templates: Jinja2Templates, reviewer: str) -> APIRouter:
    """GET /report (the page) and GET /api/report (the same numbers as JSON)."""
    router = APIRouter()

    @router.get("/report", response_class=HTMLResponse, include_in_schema=False)
    def report_page(request: Request, db=Depends(get_db)):
        ctx = {"report": decisions_report(db), "counts": claims_store.count_by_status(db), "reviewer": reviewer}
        return templates.TemplateResponse(request, "report.html", ctx)

    @router.get("/api/report", tags=["read"],
                summary="Decisions and precision per candidate rule, outlet and extractor version; recall from added "
                        "claims")
    def api_report(db=Depends(get_db)):
        return decisions_report(db)

    return router
