"""`crawler.fetch`: one-off fetches against misbehaving local servers."""

from __future__ import annotations

import gzip

import pytest

from crawler.fetch import FetchError, fetch, fetch_page
from tests.servers import Route, SiteServer, SilentServer, article_html, filler, redirect

PAGE = article_html("A page", filler(2))


@pytest.fixture(scope="module")
def server():
    with SiteServer({
        "/ok": Route(PAGE),
        "/chain": redirect("/chain2"),
        "/chain2": redirect("/ok", 301),
        "/loop": redirect("/loop2"),
        "/loop2": redirect("/loop"),
        "/big": Route("x" * 50_000),
        "/stream": Route(stream_bytes=500_000),
        "/pdf": Route(b"%PDF-1.4 ...", content_type="application/pdf"),
        "/gone": Route("gone", status=404),
        "/gz": Route(gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"}),
        "/hang": Route(hang=True),
        "/latin1": Route(PAGE.encode("utf-8"), content_type="text/html; charset=ISO-8859-1"),
    }, hang_limit=5) as s:
        yield s


def test_page_redirects_and_user_agent(server):
    body, final = fetch_page(server.url("/chain"), user_agent="newsmon-test (+mailto:t@example.org)")
    assert body.decode() == PAGE and final == server.url("/ok")
    assert server.hits[-1].headers["User-Agent"] == "newsmon-test (+mailto:t@example.org)"
    page = fetch(server.url("/latin1"))
    assert page.content_type == "text/html" and page.charset == "iso-8859-1"


def test_gzip_content_encoding(server):
    assert fetch(server.url("/gz")).body.decode() == PAGE


@pytest.mark.parametrize("path, message", [
    ("/loop", "too many redirects"),
    ("/big", "larger than 10000 bytes"),
    ("/stream", "larger than 10000 bytes"),
    ("/gone", "HTTP 404"),
])
def test_failures_are_one_line(server, path, message):
    with pytest.raises(FetchError) as err:
        fetch(server.url(path), max_bytes=10_000)
    assert message in str(err.value) and "\n" not in str(err.value) and path in str(err.value)


def test_not_html(server):
    assert fetch(server.url("/pdf")).content_type == "application/pdf"
    with pytest.raises(FetchError, match="not an HTML page"):
        fetch_page(server.url("/pdf"))


def test_never_answering_servers_time_out(server):
    with pytest.raises(FetchError):
        fetch(server.url("/hang"), timeout=1)
    with SilentServer() as silent, pytest.raises(FetchError):
        fetch(silent.base + "/", timeout=1)


def test_not_http():
    with pytest.raises(FetchError, match="not an http"):
        fetch("file:///etc/passwd")
