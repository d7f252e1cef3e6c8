"""The review web app: the queue page, the timeline, and a JSON API for the same operations.

Every scraped string reaches the page through Jinja2 autoescaping; the evidence
is highlighted by cutting the article text at the claim's offsets in Python and
letting the template escape each part. All database work goes through
`storage/`. Writes need a CSRF token (double-submit cookie: a form field or the
`X-CSRF-Token` header must equal the `newsmon_csrf` cookie); when the server
listens beyond loopback, every request needs the access token.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware

from extract.types import QUALIFIERS
from review.chart import timeline_chart
from review.report import report_router
from storage import claims as claims_store, events as events_store, reviews as reviews_store
from storage.db import StorageError, open_db

HERE = Path(__file__).resolve().parent
CSRF_COOKIE = "newsmon_csrf"
TOKEN_COOKIE = "newsmon_token"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# SQLite stores integers in 64 bits: a larger id or offset names no row (and cannot be bound to a query).
SQL_INT_MIN, SQL_INT_MAX = -(2**63), 2**63 - 1
QUALIFIER_WORDS = {"exact": "", "about": "about", "at_least": "at least", "more_than": "more than", "up_to": "up to",
                   "fewer_than": "fewer than"}


@dataclass
class ReviewConfig:
    db_path: Path
    reviewer: str
    token: str | None = None  # required on every request when set
    allowed_hosts: list[str] = field(default_factory=lambda: ["*"])


# --- security -----------------------------------------------------------------

def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


async def require_csrf(request: Request) -> None:
    """Every write: the CSRF cookie must be matched by the X-CSRF-Token header or the csrf_token form field.

    A page of another site can neither read the cookie nor set the header, and
    cross-site form posts do not carry the (SameSite=Strict) cookie.
    """
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get("x-csrf-token")
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf_token")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(status_code=403, detail="cross-origin write refused")
    if not _same(cookie, sent):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token: reload the page")


def _token_of(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return (request.headers.get("x-newsmon-token") or request.cookies.get(TOKEN_COOKIE)
            or request.query_params.get("token"))


# --- helpers --------------------------------------------------------------------

class Db:
    """One connection per request (SQLite connections are not shared between threads' transactions)."""

    def __init__(self, config: ReviewConfig):
        self.config = config

    def __call__(self):
        db = open_db(self.config.db_path, migrate=False)
        try:
            yield db
        finally:
            db.close()


def _row_id(value: int, what: str) -> int:
    """`value` as the id of a `what`; 404 when it is outside SQLite's integers (no row has it)."""
    if not SQL_INT_MIN <= value <= SQL_INT_MAX:
        raise HTTPException(404, f"no such {what}")
    return value


def _id_param(value: Any, what: str) -> int | None:
    """A query or form field holding the id of a `what`: None when empty or not digits; 404 when too large."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    return _row_id(int(text), what)


def _filter_from(params) -> claims_store.QueueFilter:
    status = params.get("status") or "pending"
    if status not in (*claims_store.STATUSES, "all"):
        status = "pending"
    return claims_store.QueueFilter(
        status=status,
        source=params.get("source") or None,
        date_from=_date_param(params.get("date_from")),
        date_to=_date_param(params.get("date_to")),
        q=(params.get("q") or "").strip()[:200] or None,
    )


def _date_param(value: str | None) -> str | None:
    value = (value or "").strip()
    import re

    return value if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value) else None


def _filter_query(flt: claims_store.QueueFilter, **extra: Any) -> str:
    params = {"status": flt.status, "source": flt.source, "date_from": flt.date_from, "date_to": flt.date_to,
              "q": flt.q, **extra}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _safe_href(url: str | None) -> str | None:
    """Only http(s) links to originals (a scraped `javascript:` URL never becomes a link)."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


def _highlight(text: str, start: int | None, end: int | None, evidence: str | None) -> dict[str, str]:
    """The article text cut around the evidence: {before, evidence, after} (each escaped by the template)."""
    text = text or ""
    if start is None or end is None or not (0 <= start < end <= len(text)) or \
            (evidence and text[start:end] != evidence):
        found = text.find(evidence) if evidence else -1
        if found < 0:
            return {"before": text, "evidence": "", "after": "", "found": False}
        start, end = found, found + len(evidence)
    return {"before": text[:start], "evidence": text[start:end], "after": text[end:], "found": True}


def _claim_json(claim: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "article_id", "status", "count", "qualifier", "who", "date", "date_end", "kind", "locations",
            "evidence", "start", "end", "confidence", "stale", "event_id", "machine", "corrected",
            "corrected_fields", "reviewed_by", "reviewed_at", "url", "source", "title", "published")
    return {k: claim.get(k) for k in keys}


# --- API models --------------------------------------------------------------------

class EditValues(BaseModel):
    count: int | str | None = Field(None, description="the corrected figure")
    qualifier: str | None = Field(None, description="one of " + ", ".join(QUALIFIERS))
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD (XXXX for an unknown year); '' for none")
    locations: list[str] | None = Field(None, description="place names")


class SplitRequest(BaseModel):
    claim_ids: list[int]


class MergeRequest(BaseModel):
    event_ids: list[int]


# --- the app -----------------------------------------------------------------------

def create_app(config: ReviewConfig) -> FastAPI:
    app = FastAPI(
        title="newsmon review",
        version="1",
        description="Review machine claims of people returned across borders: the queue, decisions, events, "
                    "the timeline. Writes need the `X-CSRF-Token` header (get one from `GET /api/csrf`).",
        docs_url=None, redoc_url=None,  # the schema is at /openapi.json; no page that loads scripts from a CDN
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.filters["hedge"] = lambda q: QUALIFIER_WORDS.get(q or "exact", str(q))
    get_db = Db(config)
    app.state.config = config

    @app.exception_handler(StorageError)
    async def database_unavailable(request: Request, exc: StorageError):
        """The database refused (full disk, read-only, locked too long): 503, saying why, never a traceback."""
        message = str(exc)
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": message}, status_code=503, headers={"Retry-After": "60"})
        return templates.TemplateResponse(request, "unavailable.html",
                                          {"message": message, "write": request.method == "POST"},
                                          status_code=503, headers={"Retry-After": "60"})

    if config.allowed_hosts != ["*"]:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=config.allowed_hosts)

    @app.middleware("http")
    async def security(request: Request, call_next):
        new_csrf = None
        if not request.cookies.get(CSRF_COOKIE):
            new_csrf = request.state.csrf = secrets.token_urlsafe(32)
        if config.token and not request.url.path.startswith("/static/"):
            if not _same(_token_of(request), config.token):
                if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
                    return JSONResponse({"detail": "token required"}, status_code=401)
                return templates.TemplateResponse(request, "token.html", {"csrf": ""}, status_code=401)
        response = await call_next(request)
        if config.token and request.query_params.get("token") and _same(request.query_params.get("token"),
                                                                          config.token):
            response.set_cookie(TOKEN_COOKIE, config.token, httponly=True, samesite="strict")
        if new_csrf:
            response.set_cookie(CSRF_COOKIE, new_csrf, samesite="strict", httponly=False)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'")
        return response

    def _csrf_for(request: Request) -> str:
        token = request.cookies.get(CSRF_COOKIE)
        if not token:
            token = getattr(request.state, "csrf", None) or secrets.token_urlsafe(32)
            request.state.csrf = token
        return token

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # --- pages -------------------------------------------------------------------

    def _page_context(request: Request, db, flt) -> dict[str, Any]:
        return {
            "csrf": _csrf_for(request),
            "flt": flt,
            "filter_query": _filter_query(flt),
            "statuses": claims_store.STATUSES,
            "qualifiers": QUALIFIERS,
            "counts": claims_store.count_by_status(db),
            "outlets": claims_store.sources(db),
            "reviewer": config.reviewer,
        }

    def _queue_response(request: Request, db, flt, claim_id: int | None, *, edit_errors=None, edit_values=None,
                        message: str | None = None, status_code: int = 200) -> HTMLResponse:
        ctx = _page_context(request, db, flt)
        if claim_id is None:
            claim_id = claims_store.first_in_queue(db, flt)
        claim = claims_store.get_claim(db, claim_id) if claim_id is not None else None
        queue = claims_store.list_queue(db, flt, limit=200)
        ctx.update({
            "queue": queue,
            "queue_total": claims_store.count_queue(db, flt),
            "claim": claim,
            "message": message or request.query_params.get("msg"),
            "edit_errors": edit_errors or {},
            "edit_values": edit_values or {},
            "undo_available": reviews_store.last_batch(db) is not None,
        })
        if claim is not None:
            article = claims_store.get_article(db, claim["article_id"])
            event = events_store.get_event(db, claim["event_id"]) if claim["event_id"] is not None else None
            ctx.update({
                "article": article,
                "original_href": _safe_href(article["url"]),
                "parts": _highlight(article["text"], claim["start"], claim["end"], claim["evidence"]),
                "event": event,
                "history": reviews_store.history(db, claim["id"]),
                "next_id": claims_store.neighbour(db, flt, claim["id"], 1),
                "prev_id": claims_store.neighbour(db, flt, claim["id"], -1),
                "href": {r["id"]: _safe_href(r["url"]) for r in (event["reports"] if event else [])},
                "merge_candidates": events_store.merge_candidates(db, claim["event_id"], claim["count"])
                if claim["event_id"] is not None else [],
            })
        return templates.TemplateResponse(request, "queue.html", ctx, status_code=status_code)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def queue_page(request: Request, db=Depends(get_db)):
        flt = _filter_from(request.query_params)
        return _queue_response(request, db, flt, _id_param(request.query_params.get("claim"), "claim"))

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline_page(request: Request, db=Depends(get_db)):
        rows = claims_store.accepted_per_month(db)
        ctx = _page_context(request, db, claims_store.QueueFilter())
        ctx.update({"rows": rows, "chart": timeline_chart(rows)})
        return templates.TemplateResponse(request, "timeline.html", ctx)

    pages = APIRouter(dependencies=[Depends(require_csrf)], include_in_schema=False)

    def _back(flt, claim_id: int | None, msg: str | None = None) -> RedirectResponse:
        extra = {"claim": claim_id, "msg": msg}
        return RedirectResponse("/?" + _filter_query(flt, **extra), status_code=303)

    def _after(db, flt, claim_id: int) -> int | None:
        """Where the queue goes after a decision on `claim_id`: the next claim of the filter, else the first."""
        return claims_store.neighbour(db, flt, claim_id, 1) or claims_store.first_in_queue(db, flt)

    @pages.post("/claims/{claim_id}/{action}")
    async def decide_form(request: Request, claim_id: int, action: str, db=Depends(get_db)):
        form = await request.form()
        flt = _filter_from(form)
        if action not in ("accept", "reject", "edit"):
            raise HTTPException(404, "no such action")
        _row_id(claim_id, "claim")
        values = None
        if action == "edit":
            values = {k: form.get(k, "") for k in ("count", "qualifier", "date", "locations")}
        try:
            reviews_store.decide(db, claim_id, action, config.reviewer, values)
        except reviews_store.ValidationError as exc:
            return _queue_response(request, db, flt, claim_id, edit_errors=exc.errors, edit_values=values,
                                   status_code=422)
        except reviews_store.NotFound:
            raise HTTPException(404, "no such claim") from None
        done = {"accept": "accepted", "reject": "rejected", "edit": "corrected and accepted"}[action]
        return _back(flt, _after(db, flt, claim_id), f"Claim {claim_id} {done}.")

    @pages.post("/undo")
    async def undo_form(request: Request, db=Depends(get_db)):
        form = await request.form()
        flt = _filter_from(form)
        try:
            undone = reviews_store.undo(db, config.reviewer)
        except reviews_store.ReviewError as exc:
            return _back(flt, None, f"Nothing undone: {exc}")
        if undone is None:
            return _back(flt, None, "Nothing to undo.")
        ids = undone["claim_ids"]
        return _back(flt, ids[0], f"Undone: {undone['action']} of claim{'s' if len(ids) > 1 else ''} "
                                  + ", ".join(str(i) for i in ids) + ".")

    @pages.post("/events/{event_id}/{action}")
    async def event_form(request: Request, event_id: int, action: str, db=Depends(get_db)):
        form = await request.form()
        flt = _filter_from(form)
        _row_id(event_id, "event")
        current_id = _id_param(form.get("claim_id"), "claim")
        try:
            if action in ("accept", "reject"):
                _, changed = reviews_store.decide_event(db, event_id, action, config.reviewer)
                msg = f"Event {event_id}: {changed} claim(s) {action}ed."
                target = _after(db, flt, current_id) if current_id else None
            elif action == "split":
                new_event = reviews_store.split(db, event_id, [current_id] if current_id else [], config.reviewer)
                msg, target = f"Claim {current_id} split off into event {new_event}.", current_id
            elif action == "merge":
                other = _id_param(str(form.get("other_event", "")).strip().lstrip("#"), "event")
                if other is None:
                    raise reviews_store.ValidationError({"events": "give the number of the event to merge"})
                reviews_store.merge(db, event_id, [other], config.reviewer)
                msg, target = f"Event {other} merged into event {event_id}.", current_id
            else:
                raise HTTPException(404, "no such action")
        except reviews_store.ReviewError as exc:
            return _back(flt, current_id, f"Not done: {exc}")
        return _back(flt, target, msg)

    app.include_router(pages)

    # --- the JSON API ---------------------------------------------------------------

    api_read = APIRouter(prefix="/api", tags=["read"])
    api_write = APIRouter(prefix="/api", tags=["decisions"], dependencies=[Depends(require_csrf)])

    @api_read.get("/csrf", summary="A CSRF token for writes (also set as the newsmon_csrf cookie)")
    def api_csrf(request: Request):
        return {"csrf_token": _csrf_for(request), "header": "X-CSRF-Token", "cookie": CSRF_COOKIE}

    @api_read.get("/claims", summary="The queue: claims of a filter, oldest first")
    def api_claims(request: Request, status: str = Query("pending", description="pending, accepted, rejected or all"),
                   source: str | None = None, date_from: str | None = None, date_to: str | None = None,
                   q: str | None = Query(None, description="full-text search over the articles"),
                   limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0), db=Depends(get_db)):
        if offset > SQL_INT_MAX:
            raise HTTPException(400, f"offset must be at most {SQL_INT_MAX}")
        flt = _filter_from({"status": status, "source": source, "date_from": date_from, "date_to": date_to, "q": q})
        return {"total": claims_store.count_queue(db, flt),
                "claims": [_claim_json(c) for c in claims_store.list_queue(db, flt, limit=limit, offset=offset)]}

    @api_read.get("/claims/{claim_id}", summary="One claim, its history and its event")
    def api_claim(claim_id: int, db=Depends(get_db)):
        claim = claims_store.get_claim(db, _row_id(claim_id, "claim"))
        if claim is None:
            raise HTTPException(404, "no such claim")
        event = events_store.get_event(db, claim["event_id"]) if claim["event_id"] is not None else None
        return {**_claim_json(claim), "history": reviews_store.history(db, claim_id),
                "event": _event_json(event) if event else None}

    def _event_json(event: dict[str, Any]) -> dict[str, Any]:
        return {"id": event["id"], "outlet_count": event["outlet_count"], "outlets": event["outlets"],
                "independent_reports": event["independent_reports"], "summary": event["summary"],
                "first_report": _claim_json(event["first_report"]) if event["first_report"] else None,
                "statuses": event["statuses"], "reports": [_claim_json(r) for r in event["reports"]]}

    @api_read.get("/events/{event_id}", summary="An event: every report of one return")
    def api_event(event_id: int, db=Depends(get_db)):
        event = events_store.get_event(db, _row_id(event_id, "event"))
        if event is None:
            raise HTTPException(404, "no such event")
        return _event_json(event)

    @api_read.get("/timeline", summary="Accepted figures per month and outlet")
    def api_timeline(db=Depends(get_db)):
        return {"rows": claims_store.accepted_per_month(db)}

    @api_read.get("/stats", summary="Claims per status")
    def api_stats(db=Depends(get_db)):
        return claims_store.count_by_status(db)

    def _api_decide(db, claim_id: int, action: str, values=None):
        _row_id(claim_id, "claim")
        try:
            batch = reviews_store.decide(db, claim_id, action, config.reviewer, values)
        except reviews_store.ValidationError as exc:
            raise HTTPException(422, {"errors": exc.errors}) from exc
        except reviews_store.NotFound:
            raise HTTPException(404, "no such claim") from None
        return {"batch": batch, "claim": _claim_json(claims_store.get_claim(db, claim_id))}

    @api_write.post("/claims/{claim_id}/accept", summary="Accept a claim")
    def api_accept(claim_id: int, db=Depends(get_db)):
        return _api_decide(db, claim_id, "accept")

    @api_write.post("/claims/{claim_id}/reject", summary="Reject a claim")
    def api_reject(claim_id: int, db=Depends(get_db)):
        return _api_decide(db, claim_id, "reject")

    @api_write.post("/claims/{claim_id}/edit", summary="Correct a claim's values (and accept it)")
    def api_edit(claim_id: int, values: EditValues, db=Depends(get_db)):
        return _api_decide(db, claim_id, "edit", values.model_dump(exclude_unset=True))

    @api_write.post("/undo", summary="Undo the latest decision not undone yet")
    def api_undo(db=Depends(get_db)):
        try:
            undone = reviews_store.undo(db, config.reviewer)
        except reviews_store.ReviewError as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"undone": undone}

    @api_write.post("/events/{event_id}/accept", summary="Accept every claim of an event")
    def api_event_accept(event_id: int, db=Depends(get_db)):
        return _api_event(db, event_id, "accept")

    @api_write.post("/events/{event_id}/reject", summary="Reject every claim of an event")
    def api_event_reject(event_id: int, db=Depends(get_db)):
        return _api_event(db, event_id, "reject")

    def _api_event(db, event_id: int, action: str):
        _row_id(event_id, "event")
        try:
            batch, changed = reviews_store.decide_event(db, event_id, action, config.reviewer)
        except reviews_store.NotFound:
            raise HTTPException(404, "no such event") from None
        return {"batch": batch, "changed": changed}

    @api_write.post("/events/{event_id}/split", summary="Move claims out of an event into a new one")
    def api_split(event_id: int, body: SplitRequest, db=Depends(get_db)):
        _row_id(event_id, "event")
        try:
            return {"event_id": reviews_store.split(db, event_id, body.claim_ids, config.reviewer)}
        except reviews_store.NotFound:
            raise HTTPException(404, "no such event") from None
        except reviews_store.ValidationError as exc:
            raise HTTPException(422, {"errors": exc.errors}) from exc

    @api_write.post("/events/{event_id}/merge", summary="Merge other events into this one")
    def api_merge(event_id: int, body: MergeRequest, db=Depends(get_db)):
        _row_id(event_id, "event")
        for other in body.event_ids:
            _row_id(other, "event")
        try:
            return {"event_id": reviews_store.merge(db, event_id, body.event_ids, config.reviewer)}
        except reviews_store.NotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except reviews_store.ValidationError as exc:
            raise HTTPException(422, {"errors": exc.errors}) from exc

    app.include_router(api_read)
    app.include_router(api_write)
    app.include_router(report_router(get_db, templates, config.reviewer))
    return app
