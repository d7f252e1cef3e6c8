"""`crawler.pages`: which bodies are HTML pages worth keeping (pure checks, no server)."""

from __future__ import annotations

import random

import pytest

from crawler.pages import binary_kind, meta_refresh_target, page_problem
from tests.servers import article_html, filler

PAGE = article_html("A story", filler(4, "a story")).encode()
RNG = random.Random(11)


@pytest.mark.parametrize("body, reason", [
    (RNG.randbytes(20_000), "not html (binary data)"),
    (b"\x00" * 5_000, "not html (binary data)"),
    (b"<html>" + b"\x00" * 5_000 + b"<p>x</p></html>", "not html (binary data)"),
    (b"\x7fELF\x02\x01\x01" + RNG.randbytes(500), "not html (executable)"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + RNG.randbytes(500), "not html (executable)"),
    (b"\xcf\xfa\xed\xfe" + RNG.randbytes(500), "not html (executable)"),
    (b"%PDF-1.7\n" + b"0" * 100, "not html (pdf)"),
    (b"\x00\x00\x00\x18ftypmp42" + RNG.randbytes(500), "not html (media)"),
    (b'<meta http-equiv="refresh" content="0; url=file:///etc/passwd">', "meta refresh to a non-http(s) URL"),
    (b"<META HTTP-EQUIV=Refresh CONTENT='1;URL=javascript:go()'>", "meta refresh to a non-http(s) URL"),
    (b"   \n", "empty page"),
])
def test_no_pages(body, reason):
    assert page_problem(body, "text/html; charset=utf-8", "http://example.org/news/a/") == reason


@pytest.mark.parametrize("name, body", [
    ("utf-8", PAGE),
    ("padded with NULs", PAGE + b"\x00" * 100_000),
    ("a NUL run inside", PAGE[:500] + b"\x00" * 3_000 + PAGE[500:]),
    ("a stray control byte", PAGE[:500] + b"\x08" + PAGE[500:]),
    ("utf-16 with BOM", PAGE.decode().encode("utf-16")),
    ("utf-16-le without BOM", PAGE.decode().encode("utf-16-le")),
    ("utf-16-be without BOM", PAGE.decode().encode("utf-16-be")),
    ("utf-32 with BOM", PAGE.decode().encode("utf-32")),
    ("windows-1252", article_html("Café", ["Señor Müller said the café would reopen. " * 6]).encode("cp1252")),
    ("shift_jis", article_html("送還", ["北朝鮮に送還された人々。" * 20]).encode("shift_jis")),
    ("iso-2022-jp", article_html("送還", ["北朝鮮に送還された人々。" * 20]).encode("iso2022_jp")),
    ("a slow refresh", b'<meta http-equiv="refresh" content="300; url=javascript:reload()">' + PAGE),
    ("a refresh to a page", b'<meta http-equiv="refresh" content="0; url=/news/b/">' + PAGE),
])
def test_pages(name, body):
    assert binary_kind(body) is None, name
    assert page_problem(body, "text/html", "http://example.org/news/a/") is None, name


def test_content_type_and_magic_numbers():
    assert page_problem(PAGE, "application/pdf", "http://x/") == "not html (pdf)"
    assert page_problem(PAGE, "image/webp", "http://x/") == "not html (image)"
    assert page_problem(b"\x89PNG\r\n\x1a\n" + b"0" * 100, "text/html", "http://x/") == "not html (image)"
    assert page_problem(b"just words", None, "http://x/") == "not html (no content type)"


def test_meta_refresh_target():
    assert meta_refresh_target(b'<meta http-equiv="refresh" content="0;URL=\'/x\'">', "http://h/a/") == "http://h/x"
    assert meta_refresh_target(b'<meta http-equiv="refresh" content="5">', "http://h/a/") is None
    assert meta_refresh_target(PAGE, "http://h/a/") is None
