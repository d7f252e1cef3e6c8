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
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware

from extract.types import KINDS, QUALIFIERS
from review.chart import timeline_chart
from review.prefill import prefill
from review.report import report_router
from storage import article_list, claims as claims_store, events as events_store, reviews as reviews_store
from storage.db import StorageError, open_db

HERE = Path(__file__).resolve().parent
CSRF_COOKIE = "newsmon_csrf"
TOKEN_COOKIE = "newsmon_token"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# SQLite stores integers in 64 bits: a larger id or offset names no row (and cannot be bound to a query).
SQL_INT_MIN, SQL_INT_MAX = -(2**63), 2**63 - 1
EDIT_FORM_FIELDS = ("count", "count_high", "qualifier", "who", "date", "date_end", "locations", "kind")
ARTICLES_PER_PAGE = 50
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


def _segments(text: str, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The article text cut at its claims' offsets: [{text, claim}] (claim None between claims).

    A claim whose offsets do not hold its evidence, or that overlaps an earlier one, is not marked.
    """
    text = text or ""
    out: list[dict[str, Any]] = []
    at = 0
    for claim in sorted(claims, key=lambda c: (c["start"] if c["start"] is not None else -1, c["id"])):
        start, end = claim["start"], claim["end"]
        if start is None or end is None or not (at <= start < end <= len(text)) or \
                text[start:end] != (claim["evidence"] or ""):
            continue
        if start > at:
            out.append({"text": text[at:start], "claim": None})
        out.append({"text": text[start:end], "claim": claim})
        at = end
    if at < len(text) or not out:
        out.append({"text": text[at:], "claim": None})
    return out


def page_offsets(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets into the text as a browser shows it mapped to offsets into `text`.

    HTML parsing turns CR LF and a lone CR into LF, so each CR LF is one character
    fewer on the page; offsets after it shift by one. Without CR they are the same.
    """
    if "\r" not in text:
        return start, end
    positions: list[int] = []  # the index in `text` of each character of the page
    i = 0
    while i < len(text):
        positions.append(i)
        i += 2 if text.startswith("\r\n", i) else 1
    positions.append(len(text))

    def at(k: int) -> int:
        return positions[k] if 0 <= k < len(positions) else len(text) + 1 + k  # beyond the text stays beyond it

    return at(start), at(end)


def _article_filter_from(params) -> article_list.ArticleFilter:
    return article_list.ArticleFilter(
        source=params.get("source") or None,
        date_from=_date_param(params.get("date_from")),
        date_to=_date_param(params.get("date_to")),
        q=(params.get("q") or "").strip()[:200] or None,
        no_claim=params.get("no_claim") in ("1", "on", "true"),
    )


def _article_query(flt: article_list.ArticleFilter, **extra: Any) -> str:
    params = {"source": flt.source, "date_from": flt.date_from, "date_to": flt.date_to, "q": flt.q,
              "no_claim": "1" if flt.no_claim else None, **extra}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _claim_json(claim: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "article_id", "status", "count", "count_high", "qualifier", "who", "date", "date_end", "kind",
            "locations", "evidence", "start", "end", "confidence", "stale", "event_id", "machine", "corrected",
            "corrected_fields", "reviewed_by", "reviewed_at", "url", "source", "title", "published", "origin")
    return {k: claim.get(k) for k in keys}


# --- API models --------------------------------------------------------------------

class EditValues(BaseModel):
    count: int | str | None = Field(None, description="the corrected figure")
    qualifier: str | None = Field(None, description="one of " + ", ".join(QUALIFIERS))
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD (XXXX for an unknown year); '' for none")
    locations: list[str] | None = Field(None, description="place names")
    count_high: int | str | None = Field(None, description="the top of a range ('' for none)")
    who: str | None = Field(None, description="who was returned ('' for nobody named)")
    date_end: str | None = Field(None, description="the end of a period, as `date` ('' for none)")
    kind: str | None = Field(None, description="one of " + ", ".join(KINDS))
    note: str | None = Field(None, description="a free-text note kept with the decision")


class Decision(BaseModel):
    note: str | None = Field(None, description="a free-text note kept with the decision")


class NewClaim(BaseModel):
    """A claim the extractor missed. Types are checked by the store, so every error names its field."""

    count: Any = Field(None, description="the figure (a positive whole number)")
    qualifier: Any = Field(None, description="one of " + ", ".join(QUALIFIERS) + " (default exact)")
    date: Any = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    date_end: Any = Field(None, description="the end of a period")
    locations: Any = Field(None, description="place names")
    who: Any = Field(None, description="who was returned")
    kind: Any = Field(None, description="one of " + ", ".join(KINDS) + " (default event)")
    count_high: Any = Field(None, description="the top of a range")
    start: Any = Field(None, description="offset of the first selected character in the article's clean text")
    end: Any = Field(None, description="offset after the last selected character")
    evidence: Any = Field(None, description="the selected text, checked against the offsets when given")
    note: Any = Field(None, description="a free-text note kept with the addition")


class Finished(BaseModel):
    done: bool = Field(True, description="true: mark the article reviewed; false: clear the mark")


class SplitRequest(BaseModel):
    claim_ids: list[int]
    note: str | None = Field(None, description="a free-text note kept with the decision")


class MergeRequest(BaseModel):
    event_ids: list[int]
    note: str | None = Field(None, description="a free-text note kept with the decision")


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
            "kinds": KINDS,
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

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(request: Request, db=Depends(get_db)):
        aflt = _article_filter_from(request.query_params)
        page = _id_param(request.query_params.get("page"), "page") or 1
        total = article_list.count_articles(db, aflt)
        pages_total = max(1, -(-total // ARTICLES_PER_PAGE))
        page = min(page, pages_total)
        ctx = _page_context(request, db, claims_store.QueueFilter())
        ctx.update({
            "aflt": aflt, "article_sources": article_list.article_sources(db),
            "articles": article_list.list_articles(db, aflt, limit=ARTICLES_PER_PAGE,
                                                   offset=(page - 1) * ARTICLES_PER_PAGE),
            "total": total, "page": page, "pages_total": pages_total,
            "prev_href": "/articles?" + _article_query(aflt, page=page - 1) if page > 1 else None,
            "next_href": "/articles?" + _article_query(aflt, page=page + 1) if page < pages_total else None,
            "article_query": _article_query(aflt),
        })
        return templates.TemplateResponse(request, "articles.html", ctx)

    def _article_response(request: Request, db, article_id: int, *, add_errors=None, add_values=None,
                          message: str | None = None, status_code: int = 200) -> HTMLResponse:
        article = claims_store.get_article(db, _row_id(article_id, "article"))
        if article is None:
            raise HTTPException(404, "no such article")
        claims = claims_store.claims_of_article(db, article_id)
        reviewed_at = db.execute("select reviewed_at from articles where id = ?", [article_id]).fetchone()[0]
        ctx = _page_context(request, db, claims_store.QueueFilter(status="all"))
        ctx.update({
            "article": article, "claims": claims, "segments": _segments(article["text"], claims),
            "original_href": _safe_href(article["url"]), "reviewed_at": reviewed_at,
            "message": message or request.query_params.get("msg"),
            "add_errors": add_errors or {}, "add_values": add_values or {},
            "back_query": str(request.query_params.get("back") or "")[:500],
        })
        return templates.TemplateResponse(request, "article.html", ctx, status_code=status_code)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: int, db=Depends(get_db)):
        return _article_response(request, db, article_id)

    pages = APIRouter(dependencies=[Depends(require_csrf)], include_in_schema=False)

    def _new_claim_values(raw: dict[str, Any]) -> dict[str, Any]:
        """Form or JSON fields as `add_claim` takes them: offsets as integers when they are digits."""
        values = {k: raw.get(k) for k in ("count", "count_high", "qualifier", "who", "date", "date_end",
                                          "locations", "kind", "start", "end", "evidence") if k in raw}
        for key in ("start", "end"):
            if isinstance(values.get(key), str):
                text = values[key].strip()
                values[key] = int(text) if text.isascii() and text.isdigit() and len(text) < 19 else values[key]
        for key in ("count_high", "who", "date", "date_end"):
            if values.get(key) == "":
                values[key] = None
        return values

    @pages.post("/articles/{article_id}/claims")
    async def add_claim_form(request: Request, article_id: int, db=Depends(get_db)):
        form = await request.form()
        _row_id(article_id, "article")
        values = _new_claim_values({k: str(v) for k, v in form.items()})
        article = claims_store.get_article(db, article_id)
        if article is not None and isinstance(values.get("start"), int) and isinstance(values.get("end"), int):
            values["start"], values["end"] = page_offsets(article["text"] or "", values["start"], values["end"])
        note = str(form.get("note") or "")
        try:
            claim_id = reviews_store.add_claim(db, article_id, values, config.reviewer, note=note)
        except reviews_store.NotFound:
            raise HTTPException(404, "no such article") from None
        except reviews_store.ValidationError as exc:
            return _article_response(request, db, article_id, add_errors=exc.errors,
                                     add_values={**{k: str(v) for k, v in form.items()}}, status_code=422)
        return RedirectResponse(f"/articles/{article_id}?" + urlencode({"msg": f"Claim {claim_id} added."}),
                                status_code=303)

    @pages.post("/articles/{article_id}/reviewed")
    async def reviewed_form(request: Request, article_id: int, db=Depends(get_db)):
        form = await request.form()
        done = str(form.get("done", "1")) in ("1", "true", "on")
        try:
            reviews_store.mark_article_reviewed(db, _row_id(article_id, "article"), done)
        except reviews_store.NotFound:
            raise HTTPException(404, "no such article") from None
        msg = "Article marked reviewed." if done else "Article no longer marked reviewed."
        return RedirectResponse(f"/articles/{article_id}?" + urlencode({"msg": msg}), status_code=303)

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
            values = {k: str(form.get(k, "")) for k in EDIT_FORM_FIELDS if k in form}
        note = str(form.get("note") or "")
        try:
            reviews_store.decide(db, claim_id, action, config.reviewer, values, note=note)
        except reviews_store.ValidationError as exc:
            return _queue_response(request, db, flt, claim_id, edit_errors=exc.errors,
                                   edit_values={**(values or {}), "note": note}, status_code=422)
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
                _, changed = reviews_store.decide_event(db, event_id, action, config.reviewer,
                                                        note=str(form.get("note") or ""))
                msg = f"Event {event_id}: {changed} claim(s) {action}ed."
                target = _after(db, flt, current_id) if current_id else None
            elif action == "split":
                new_event = reviews_store.split(db, event_id, [current_id] if current_id else [], config.reviewer,
                                                note=str(form.get("note") or ""))
                msg, target = f"Claim {current_id} split off into event {new_event}.", current_id
            elif action == "merge":
                other = _id_param(str(form.get("other_event", "")).strip().lstrip("#"), "event")
                if other is None:
                    raise reviews_store.ValidationError({"events": "give the number of the event to merge"})
                reviews_store.merge(db, event_id, [other], config.reviewer, note=str(form.get("note") or ""))
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

    @api_read.get("/articles", summary="Stored articles, newest first, with their claim counts")
    def api_articles(source: str | None = None, date_from: str | None = None, date_to: str | None = None,
                     q: str | None = Query(None, description="full-text search over the articles"),
                     no_claim: bool = Query(False, description="only articles without any claim"),
                     limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0), db=Depends(get_db)):
        if offset > SQL_INT_MAX:
            raise HTTPException(400, f"offset must be at most {SQL_INT_MAX}")
        aflt = _article_filter_from({"source": source, "date_from": date_from, "date_to": date_to, "q": q,
                                     "no_claim": "1" if no_claim else ""})
        return {"total": article_list.count_articles(db, aflt),
                "articles": article_list.list_articles(db, aflt, limit=limit, offset=offset)}

    @api_read.get("/articles/{article_id}/prefill",
                  summary="Claim values the extractor reads in the article text between two offsets")
    def api_prefill(article_id: int, start: int = Query(..., ge=0, le=SQL_INT_MAX),
                    end: int = Query(..., ge=0, le=SQL_INT_MAX),
                    page: bool = Query(False, description="offsets counted in the text as the page shows it"),
                    db=Depends(get_db)):
        article = claims_store.get_article(db, _row_id(article_id, "article"))
        if article is None:
            raise HTTPException(404, "no such article")
        text = article["text"] or ""
        if page:
            start, end = page_offsets(text, start, end)
        if not start < end <= len(text):
            raise HTTPException(422, {"errors": {"start": f"the selection is outside the article text "
                                                          f"(0-{len(text)})"}})
        return prefill(text[start:end], article["published"])

    @api_read.get("/timeline", summary="Accepted figures per month and outlet")
    def api_timeline(db=Depends(get_db)):
        return {"rows": claims_store.accepted_per_month(db)}

    @api_read.get("/stats", summary="Claims per status")
    def api_stats(db=Depends(get_db)):
        return claims_store.count_by_status(db)

    def _api_decide(db, claim_id: int, action: str, values=None, note: str | None = None):
        _row_id(claim_id, "claim")
        try:
            batch = reviews_store.decide(db, claim_id, action, config.reviewer, values, note=note)
        except reviews_store.ValidationError as exc:
            raise HTTPException(422, {"errors": exc.errors}) from exc
        except reviews_store.NotFound:
            raise HTTPException(404, "no such claim") from None
        return {"batch": batch, "claim": _claim_json(claims_store.get_claim(db, claim_id))}

    @api_write.post("/claims/{claim_id}/accept", summary="Accept a claim (optional body: {note})")
    def api_accept(claim_id: int, body: Decision | None = None, db=Depends(get_db)):
        return _api_decide(db, claim_id, "accept", note=body.note if body else None)

    @api_write.post("/claims/{claim_id}/reject", summary="Reject a claim (optional body: {note})")
    def api_reject(claim_id: int, body: Decision | None = None, db=Depends(get_db)):
        return _api_decide(db, claim_id, "reject", note=body.note if body else None)

    @api_write.post("/claims/{claim_id}/edit", summary="Correct a claim's values (and accept it)")
    def api_edit(claim_id: int, values: EditValues, db=Depends(get_db)):
        given = values.model_dump(exclude_unset=True)
        note = given.pop("note", None)
        return _api_decide(db, claim_id, "edit", given, note=note)

    @api_write.post("/articles/{article_id}/claims", status_code=201,
                    summary="Add a claim the extractor missed (accepted, origin 'reviewer', with its offsets)")
    def api_add_claim(article_id: int, body: NewClaim, db=Depends(get_db)):
        _row_id(article_id, "article")
        given = body.model_dump(exclude_unset=True)
        note = given.pop("note", None)
        if note is not None and not isinstance(note, str):
            raise HTTPException(422, {"errors": {"note": "must be text"}, "message": "note: must be text"})
        try:
            claim_id = reviews_store.add_claim(db, article_id, _new_claim_values(given), config.reviewer, note=note)
        except reviews_store.NotFound:
            raise HTTPException(404, "no such article") from None
        except reviews_store.ValidationError as exc:
            raise HTTPException(422, {"errors": exc.errors, "message": str(exc)}) from exc
        return {"claim": _claim_json(claims_store.get_claim(db, claim_id))}

    @api_write.post("/articles/{article_id}/reviewed", summary="Mark an article reviewed (finished), or clear it")
    def api_reviewed(article_id: int, body: Finished, db=Depends(get_db)):
        try:
            reviews_store.mark_article_reviewed(db, _row_id(article_id, "article"), body.done)
        except reviews_store.NotFound:
            raise HTTPException(404, "no such article") from None
        (reviewed_at,) = db.execute("select reviewed_at from articles where id = ?", [article_id]).fetchone()
        return {"article_id": article_id, "reviewed_at": reviewed_at}

    @api_write.post("/undo", summary="Undo the latest decision not undone yet")
    def api_undo(db=Depends(get_db)):
        try:
            undone = reviews_store.undo(db, config.reviewer)
        except reviews_store.ReviewError as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"undone": undone}

    @api_write.post("/events/{event_id}/accept", summary="Accept every claim of an event (optional body: {note})")
    def api_event_accept(event_id: int, body: Decision | None = None, db=Depends(get_db)):
        return _api_event(db, event_id, "accept", body.note if body else None)

    @api_write.post("/events/{event_id}/reject", summary="Reject every claim of an event (optional body: {note})")
    def api_event_reject(event_id: int, body: Decision | None = None, db=Depends(get_db)):
        return _api_event(db, event_id, "reject", body.note if body else None)

    def _api_event(db, event_id: int, action: str, note: str | None = None):
        _row_id(event_id, "event")
        try:
            batch, changed = reviews_store.decide_event(db, event_id, action, config.reviewer, note=note)
        except reviews_store.NotFound:
            raise HTTPException(404, "no such event") from None
        except reviews_store.ValidationError as exc:
            raise HTTPException(422, {"errors": exc.errors}) from exc
        return {"batch": batch, "changed": changed}

    @api_write.post("/events/{event_id}/split", summary="Move claims out of an event into a new one")
    def api_split(event_id: int, body: SplitRequest, db=Depends(get_db)):
        _row_id(event_id, "event")
        try:
            return {"event_id": reviews_store.split(db, event_id, body.claim_ids, config.reviewer, note=body.note)}
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
            return {"event_id": reviews_store.merge(db, event_id, body.event_ids, config.reviewer, note=body.note)}
        except reviews_store.NotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except reviews_store.ValidationError as exc:
            raise HTTPException(422, {"errors": exc.errors}) from exc

    app.include_router(api_read)
    app.include_router(api_write)
    app.include_router(report_router(get_db, templates, config.reviewer))
    return app
