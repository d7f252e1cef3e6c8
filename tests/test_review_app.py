"""The review server over HTTP (a real uvicorn on 127.0.0.1, a real database): API, CSRF, token, escaping."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

from review.app import ReviewConfig, create_app
from review.server import BackgroundServer, build_config
from storage.claims import get_claim
from storage.db import open_db
from tests.conftest import add_article, claim_at, fill_sample
from tests.helpers import PROJECT_ROOT


@pytest.fixture
def server(db_path):
    db = open_db(db_path)
    fill_sample(db)
    db.close()
    with BackgroundServer(db_path, reviewer="ana") as srv:
        yield srv


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        csrf = c.get("/api/csrf").json()["csrf_token"]
        c.headers["X-CSRF-Token"] = csrf
        yield c


def db_claim(db_path, claim_id):
    db = open_db(db_path)
    try:
        return get_claim(db, claim_id)
    finally:
        db.close()


def test_api_queue_and_decisions(client, db_path):
    queue = client.get("/api/claims").json()
    assert queue["total"] == 7 and [c["id"] for c in queue["claims"]] == sorted(c["id"] for c in queue["claims"])
    first = queue["claims"][0]["id"]
    assert client.post(f"/api/claims/{first}/accept").json()["claim"]["status"] == "accepted"
    assert db_claim(db_path, first)["reviewed_by"] == "ana"
    edited = client.post(f"/api/claims/{first + 1}/edit", json={"count": 85, "locations": ["China", "Dandong"]})
    assert edited.status_code == 200 and edited.json()["claim"]["count"] == 85
    bad = client.post(f"/api/claims/{first + 2}/edit", json={"date": "2023-02-30"})
    assert bad.status_code == 422 and "date" in bad.json()["detail"]["errors"]
    assert client.post("/api/undo").json()["undone"]["claim_ids"] == [first + 1]
    assert db_claim(db_path, first + 1)["count"] == 80
    assert client.get("/api/claims", params={"status": "accepted"}).json()["total"] == 1
    assert client.get("/api/claims", params={"q": "Jilin", "status": "all"}).json()["total"] == 3
    assert client.get("/api/claims/99999").status_code == 404


def test_api_events(client, db_path):
    claim = client.get("/api/claims").json()["claims"][0]
    detail = client.get(f"/api/claims/{claim['id']}").json()
    event = detail["event"]
    assert event["outlet_count"] == 2 and event["first_report"]["source"] == "demo-world-wire"
    assert client.post(f"/api/events/{event['id']}/reject").json()["changed"] == 2
    other = event["reports"][1]["id"]
    new_event = client.post(f"/api/events/{event['id']}/split", json={"claim_ids": [other]}).json()["event_id"]
    assert client.get(f"/api/events/{event['id']}").json()["outlet_count"] == 1
    client.post(f"/api/events/{event['id']}/merge", json={"event_ids": [new_event]})
    assert client.get(f"/api/events/{event['id']}").json()["outlet_count"] == 2
    assert client.get(f"/api/events/{new_event}").status_code == 404


def test_openapi_describes_the_api(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/claims", "/api/claims/{claim_id}/accept", "/api/claims/{claim_id}/reject",
                 "/api/claims/{claim_id}/edit", "/api/undo", "/api/events/{event_id}/accept",
                 "/api/events/{event_id}/split", "/api/events/{event_id}/merge", "/api/timeline"):
        assert path in paths, path
    assert not any(not p.startswith("/api/") for p in paths)


def _routes(routes, prefix=""):
    for route in routes:
        inner = getattr(route, "original_router", None)  # an included router (recent FastAPI keeps it apart)
        if inner is not None:
            yield from _routes(inner.routes, prefix + route.include_context.prefix)
        elif getattr(route, "methods", None):
            yield prefix + route.path, route.methods


def write_routes():
    app = create_app(ReviewConfig(db_path=PROJECT_ROOT / "unused.db", reviewer="x"))
    for path, methods in _routes(app.routes):
        for method in set(methods) - {"GET", "HEAD", "OPTIONS"}:
            yield method, re.sub(r"\{action\}", "accept", re.sub(r"\{[a-z_]*id\}", "1", path))


def test_every_write_needs_the_csrf_token(server, db_path):
    routes = list(write_routes())
    assert len(routes) == 15  # 5 page forms (2 on articles), 10 API writes (2 on articles)
    with httpx.Client(base_url=server.url) as c:
        c.get("/")  # has the cookie, but sends no token
        for method, path in routes:
            r = c.request(method, path, data={"csrf_token": "wrong", "count": "1"})
            assert r.status_code == 403, (method, path, r.status_code)
            r = c.request(method, path, json={"count": 1}, headers={"X-CSRF-Token": "wrong"})
            assert r.status_code == 403, (method, path)
        # a cross-site form post carries the token field but not the cookie: refused
    with httpx.Client(base_url=server.url) as fresh:
        assert fresh.post("/claims/1/accept", data={"csrf_token": "x"}).status_code == 403
    with httpx.Client(base_url=server.url) as c:
        c.get("/")
        token = c.cookies["newsmon_csrf"]
        evil = c.post("/claims/1/accept", data={"csrf_token": token}, headers={"Origin": "http://evil.example"})
        assert evil.status_code == 403
    db = open_db(db_path)
    assert db.execute("select count(*) from reviews").fetchone()[0] == 0
    assert db.execute("select count(*) from claims where status != 'pending'").fetchone()[0] == 0
    db.close()


def test_form_decision_redirects_to_the_next_claim(client, db_path):
    client.get("/")
    token = client.cookies["newsmon_csrf"]
    r = client.post("/claims/1/reject", data={"csrf_token": token, "status": "pending", "source": "demo-world-wire"})
    assert r.status_code == 303 and r.headers["location"].startswith("/?status=pending&source=demo-world-wire&claim=2")
    assert db_claim(db_path, 1)["status"] == "rejected"
    page = client.get(r.headers["location"]).text
    assert 'data-claim-id="2"' in page and "Claim 1 rejected." in page


def test_only_loopback_names_are_answered(server):
    with httpx.Client(base_url=server.url) as c:
        assert c.get("/", headers={"Host": "attacker.example"}).status_code == 400
        assert c.get("/", headers={"Host": "localhost"}).status_code == 200


def test_a_token_is_required_beyond_loopback(db_path, tmp_path):
    config = build_config(db_path, {}, host="0.0.0.0")
    assert config.token and len(config.token) >= 20
    assert build_config(db_path, {"token": "from-settings"}, host="192.0.2.7").token == "from-settings"
    assert build_config(db_path, {}, host="127.0.0.1").token is None
    open_db(db_path).close()
    with BackgroundServer(db_path, token="s3cret-token") as srv:
        with httpx.Client(base_url=srv.url) as c:
            assert c.get("/").status_code == 401
            assert c.get("/api/claims").status_code == 401
            assert c.get("/api/claims", headers={"Authorization": "Bearer wrong"}).status_code == 401
            assert c.get("/api/claims", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
            assert c.get("/", params={"token": "s3cret-token"}).status_code == 200
            assert c.get("/timeline").status_code == 200  # the token cookie was set


def test_scraped_text_is_escaped(db_path):
    db = open_db(db_path)
    text = "Title <script>alert(1)</script>\n\nPolice deported 35 people <img src=x onerror=alert(1)> to China."
    add_article(db, url="javascript:alert(9)", source="demo-asia-portal", title="<script>alert(1)</script>",
                text=text, published="2024-03-05",
                claims=[claim_at(text, "Police deported 35 people <img src=x onerror=alert(1)> to China", 35)])
    db.close()
    with BackgroundServer(db_path) as srv, httpx.Client(base_url=srv.url) as c:
        page = c.get("/").text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert 'href="javascript:' not in page
        assert "script-src 'self'" in c.get("/").headers["content-security-policy"]


def test_serve_command_prints_its_address(db_path):
    open_db(db_path).close()
    proc = subprocess.Popen([sys.executable, "-m", "newsmon", "serve", "--port", "0", "--db", str(db_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
                            env={**os.environ, "NEWSMON_TOKEN": ""})
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        assert httpx.get(match.group(0) + "api/stats", timeout=30).json()["pending"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_merge_from_the_page(server, db_path):
    db = open_db(db_path)
    wire, rights = [i for (i,) in db.execute("select id from claims where count = 500 order by id")]
    db.close()
    with httpx.Client(base_url=server.url) as c:
        c.get("/")
        token = c.cookies["newsmon_csrf"]
        event_id = db_claim(db_path, wire)["event_id"]
        r = c.post(f"/events/{event_id}/split", data={"csrf_token": token, "claim_id": str(rights)})
        assert r.status_code == 303
        split_event = db_claim(db_path, rights)["event_id"]
        assert split_event != event_id
        page = c.get(f"/?claim={wire}").text
        assert f'name="other_event" value="{split_event}"' in page  # offered: same figure, another event
        r = c.post(f"/events/{event_id}/merge", data={"csrf_token": token, "claim_id": str(wire),
                                                      "other_event": str(split_event)})
        assert r.status_code == 303 and "merged" in c.get(r.headers["location"]).text
        assert db_claim(db_path, rights)["event_id"] == event_id


BEYOND_SQLITE = str(2**64)  # SQLite integers are 64-bit: no row has such an id, and it cannot be bound


@pytest.mark.parametrize("method, path, body", [
    ("get", f"/api/claims/{BEYOND_SQLITE}", None),
    ("get", f"/api/claims/-{BEYOND_SQLITE}", None),
    ("get", f"/api/events/{BEYOND_SQLITE}", None),
    ("get", f"/api/claims?offset={BEYOND_SQLITE}", None),
    ("get", f"/?claim={BEYOND_SQLITE}", None),
    ("post", f"/api/claims/{BEYOND_SQLITE}/accept", None),
    ("post", f"/api/claims/{BEYOND_SQLITE}/reject", None),
    ("post", f"/api/claims/{BEYOND_SQLITE}/edit", {"count": 3}),
    ("post", f"/api/events/{BEYOND_SQLITE}/accept", None),
    ("post", f"/api/events/{BEYOND_SQLITE}/reject", None),
    ("post", f"/api/events/{BEYOND_SQLITE}/split", {"claim_ids": [1]}),
    ("post", f"/api/events/{BEYOND_SQLITE}/merge", {"event_ids": [1]}),
    ("post", "/api/events/1/merge", {"event_ids": [int(BEYOND_SQLITE)]}),
    ("form", f"/claims/{BEYOND_SQLITE}/accept", {}),
    ("form", f"/events/{BEYOND_SQLITE}/accept", {}),
    ("form", "/events/1/merge", {"other_event": BEYOND_SQLITE}),
    ("form", "/events/1/split", {"claim_id": BEYOND_SQLITE}),
])
def test_ids_and_offsets_beyond_64_bits_are_answered_400_or_404(client, db_path, method, path, body):
    if method == "form":
        response = client.post(path, data={**body, "csrf_token": client.headers["X-CSRF-Token"]})
    else:
        response = client.request(method.upper(), path, json=body)
    assert response.status_code in (400, 404), (response.status_code, response.text[:300])
    assert "Traceback" not in response.text and "Internal Server Error" not in response.text
    # The connection and the server are still fine, and nothing was decided.
    assert client.get("/api/stats").json() == {"pending": 7, "accepted": 0, "rejected": 0}


def test_a_korean_claim_page_says_its_language_and_highlights_its_evidence(db_path):
    db = open_db(db_path)
    evidence = "중국 당국이 지난 26일 탈북민 60여 명을 투먼 세관을 거쳐 북한으로 강제북송했다."
    text = "중국, 탈북민 60여 명 강제북송\n\n" + evidence
    claim = {**claim_at(text, evidence, 60, "more_than", locations=["투먼", "북한"]), "language": "ko"}
    add_article(db, url="https://ko.example/1", source="demo-asia-portal", title="중국, 탈북민 60여 명 강제북송",
                text=text, published="2024-04-29", claims=[claim])
    db.close()
    with BackgroundServer(db_path) as srv, httpx.Client(base_url=srv.url) as c:
        page = c.get("/").text
        assert re.search(r'id="article-text" lang="ko"', page)
        assert f'<mark id="evidence">{evidence}</mark>' in page
        css = c.get("/static/review.css").text
        assert '"Noto Sans KR"' in css and '"Malgun Gothic"' in css
