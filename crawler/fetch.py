"""Fetch one page outside a crawl (`newsmon text URL`, `newsmon claims URL`): urllib, limits, one-line errors.

No Scrapy here: a one-off fetch must not start Twisted's reactor, which can
run only once per process. The limits are those of a crawl: a timeout over
the whole download (a server that trickles bytes forever included), a size
cap, a bounded number of redirects, and the user agent of settings.toml.
"""

from __future__ import annotations

import gzip
import time
import urllib.error
import urllib.request
import zlib
from typing import NamedTuple

from crawler.settings import DEFAULTS

USER_AGENT = DEFAULTS["user_agent"]
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10
CHUNK = 64 * 1024


class FetchError(RuntimeError):
    """One line naming the URL and what went wrong."""


class FetchedPage(NamedTuple):
    body: bytes
    final_url: str
    content_type: str  # the media type, lower-case, without parameters ("" when the server sent none)
    charset: str | None = None  # the charset the Content-Type header names, if any


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS


def fetch(url: str, *, timeout: float = 20.0, max_bytes: int = MAX_BYTES, user_agent: str | None = None) -> FetchedPage:
    """GET `url`; return the body, the final URL after redirects and the content type. Raises FetchError."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"{url}: not an http(s) URL")
    request = urllib.request.Request(url, headers={
        "User-Agent": user_agent or USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
    })
    opener = urllib.request.build_opener(_Redirects())
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as resp:  # noqa: S310 (http(s) only, checked above)
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url}: page larger than {max_bytes} bytes ({declared} announced)")
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: timed out after {timeout:g} s")
                chunk = resp.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url}: page larger than {max_bytes} bytes")
                chunks.append(chunk)
            body = _decode_content(b"".join(chunks), resp.headers.get("Content-Encoding", ""), max_bytes, url)
            final = resp.geturl()
            ctype = resp.headers.get_content_type() if resp.headers.get("Content-Type") else ""
            charset = resp.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307, 308):
            raise FetchError(f"{url}: too many redirects (chain or loop)") from None
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: {exc.reason}") from None
    except FetchError:
        raise
    except (TimeoutError, OSError, ValueError) as exc:
        raise FetchError(f"{url}: {exc or type(exc).__name__}") from None
    return FetchedPage(body, final, ctype.lower(), charset)


def fetch_page(url: str, timeout: float = 20.0, max_bytes: int = MAX_BYTES, *,
               user_agent: str | None = None) -> tuple[bytes, str]:
    """Return (html bytes, final URL after redirects) of an HTML page. Raises FetchError.

    A PDF, an image or any other file where a page was expected is an error
    ("not an HTML page"); use `fetch` for the content type itself.
    """
    page = fetch(url, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
    if page.content_type and page.content_type not in ("text/html", "application/xhtml+xml", "text/plain"):
        raise FetchError(f"{url}: not an HTML page ({page.content_type})")
    if page.body.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise FetchError(f"{url}: not an HTML page (a binary file)")
    return page.body, page.final_url


def _decode_content(body: bytes, encoding: str, max_bytes: int, url: str) -> bytes:
    encoding = encoding.strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(body)) as fh:
                data = fh.read(max_bytes + 1)
        elif encoding == "deflate":
            d = zlib.decompressobj()
            data = d.decompress(body, max_bytes + 1)
        else:
            return body
    except (OSError, zlib.error, EOFError) as exc:
        raise FetchError(f"{url}: bad {encoding} content: {exc}") from None
    if len(data) > max_bytes:
        raise FetchError(f"{url}: page larger than {max_bytes} bytes once decompressed")
    return data
