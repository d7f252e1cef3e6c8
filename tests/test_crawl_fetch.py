"""`crawler.fetch`: one-off fetches against misbehaving local servers."""

from __future__ import annotations

import gzip
import socket
import threading

import pytest

from crawler.fetch import FetchError, fetch, fetch_page
from extract.article import extract_article
from tests.servers import Route, SilentServer, SiteServer, article_html, filler, redirect, trickle

PAGE = article_html("A page", filler(2))
POLISH = article_html("Łódź odsyła", ["Zażółć gęślą jaźń: władze Łodzi odesłały 40 osób do kraju. " * 4], charset=None)


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
        "/trickle": Route(handler=trickle(PAGE.encode())),
        "/trickle-headers": Route(handler=trickle(PAGE.encode(), headers_too=True)),
        "/polish": Route(POLISH.encode("iso-8859-2"), content_type="text/html; charset=ISO-8859-2"),
        "/elf": Route(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20),
        "/random": Route(bytes((i * 7919 + 13) % 251 for i in range(20_000))),
    }, hang_limit=5) as s:
        yield s
        for route in s.routes.values():
            if route.handler is not None:
                route.handler.stop.set()


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


def test_a_redirect_to_another_scheme_is_refused():
    # urllib's opener would follow a redirect to ftp:// (outside the deadline's watch): it is refused unopened.
    with socket.create_server(("127.0.0.1", 0)) as ftp:
        target = f"ftp://127.0.0.1:{ftp.getsockname()[1]}/file"
        with SiteServer({"/to-ftp": redirect(target)}) as site, pytest.raises(FetchError) as err:
            fetch(site.url("/to-ftp"), timeout=2)
        assert str(err.value) == f"{site.url('/to-ftp')}: redirected to a URL that is not http(s): {target}"
        ftp.setblocking(False)
        with pytest.raises(BlockingIOError):
            ftp.accept()  # nothing connected to it


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_the_timeout_covers_the_whole_download(server, path):
    # One byte every 2 s: each read is quick, the page would take 400 s.
    outcome: list = []

    def attempt() -> None:
        try:
            outcome.append(fetch(server.url(path), timeout=3))
        except FetchError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(60)  # generous: the bound is 3 s, the fault 400 s
    assert not worker.is_alive(), "the fetch outlived its timeout"
    (error,) = outcome
    assert isinstance(error, FetchError) and "timed out after 3 s" in str(error) and path in str(error)


def test_the_charset_of_the_content_type_header_is_used(server):
    html, _final = fetch_page(server.url("/polish"))
    assert "Zażółć gęślą jaźń" in extract_article(html, server.url("/polish")).text


@pytest.mark.parametrize("path, kind", [("/elf", "executable"), ("/random", "binary data")])
def test_files_served_as_html_are_no_pages(server, path, kind):
    with pytest.raises(FetchError, match=rf"not an HTML page \({kind}\)"):
        fetch_page(server.url(path))
