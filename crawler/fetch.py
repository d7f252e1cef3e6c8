"""Fetch one page outside a crawl (`newsmon text URL`, `newsmon claims URL`): urllib, limits, one-line errors.

With `robots` (a `RobotsRules`), the page and every redirect on the way are
checked against their host's robots.txt first, read as a crawl reads it
(RFC 9309: 4xx is no rules, 5xx is nothing allowed), for the user agent sent.

No Scrapy here: a one-off fetch must not start Twisted's reactor, which can
run only once per process. The limits are those of a crawl: a timeout over
the whole download (a server that trickles bytes forever included), a size
cap, a bounded number of redirects, and the user agent of settings.toml.
"""

from __future__ import annotations

import gzip
import http.client
import socket
import threading
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from crawler.pages import binary_kind, keep_http_charset
from crawler.settings import DEFAULTS

USER_AGENT = DEFAULTS["user_agent"]
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10
CHUNK = 64 * 1024


class FetchError(RuntimeError):
    """One line naming the URL and what went wrong; `status` is the HTTP status when the server gave one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class RobotsRefused(FetchError):
    """The host's robots.txt disallows the URL for our user agent (or could not be read: a 5xx)."""


class FetchedPage(NamedTuple):
    body: bytes
    final_url: str
    content_type: str  # the media type, lower-case, without parameters ("" when the server sent none)
    charset: str | None = None  # the charset the Content-Type header names, if any


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, check: Callable[[str], None] | None = None):
        super().__init__()
        self.check = check

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """Follow http(s) redirects only (urllib would follow one to ftp:// too), each checked by `check`."""
        if not newurl.lower().startswith(("http://", "https://")):
            fp.close()
            raise FetchError(f"{req.full_url}: redirected to a URL that is not http(s): {newurl}")
        if self.check is not None:
            try:
                self.check(urljoin(req.full_url, newurl))
            except FetchError:
                fp.close()
                raise
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Deadline:
    """Shuts down every connection of one fetch when its time is up.

    A socket timeout bounds each read, not the download: a server sending a
    byte every few seconds never trips it. This timer does, whatever phase the
    fetch is in (TLS handshake, headers, body): the blocked read returns, and
    `fetch` reports the timeout.
    """

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> socket.socket:
        """Keep a duplicate of `sock` (it outlives a TLS wrap of the original) to shut down on expiry."""
        with self._lock:
            self._sockets.append(sock.dup())
            if self.expired:
                self._shutdown()
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _opener(deadline: _Deadline, check: Callable[[str], None] | None = None) -> urllib.request.OpenerDirector:
    """urllib's opener, its connections watched by `deadline`."""
    def connect(*args, **kwargs) -> socket.socket:
        return deadline.watch(socket.create_connection(*args, **kwargs))

    class WatchedHTTPConnection(http.client.HTTPConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class WatchedHTTPSConnection(http.client.HTTPSConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(WatchedHTTPConnection, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):  # made without a context: http.client's default one
        def https_open(self, req):
            return self.do_open(WatchedHTTPSConnection, req)

    return urllib.request.build_opener(HTTPHandler(), HTTPSHandler(), _Redirects(check))


def fetch(url: str, *, timeout: float = 20.0, max_bytes: int = MAX_BYTES, user_agent: str | None = None,
          robots: RobotsRules | None = None) -> FetchedPage:
    """GET `url`; return the body, the final URL after redirects and the content type. Raises FetchError.

    `timeout` bounds the whole fetch, from connecting to the last byte (name
    resolution aside). With `robots`, a URL (or a redirect) its robots.txt
    disallows raises RobotsRefused before it is requested.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"{url}: not an http(s) URL")
    check = None
    if robots is not None:
        def check(target: str) -> None:
            robots.check(target, url, user_agent=user_agent or USER_AGENT, timeout=timeout)

        check(url)
    deadline = _Deadline(timeout)
    try:
        page = _download(url, _opener(deadline, check), timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
    except FetchError:
        if deadline.expired:
            raise FetchError(f"{url}: timed out after {timeout:g} s") from None
        raise
    finally:
        deadline.close()
    if deadline.expired:  # the connection was cut short: what was read is not the page
        raise FetchError(f"{url}: timed out after {timeout:g} s")
    return page


def _download(url: str, opener, *, timeout: float, max_bytes: int, user_agent: str | None) -> FetchedPage:
    request = urllib.request.Request(url, headers={  # noqa: S310 - http(s) only: fetch checks it, _Redirects too
        "User-Agent": user_agent or USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
    })
    try:
        with opener.open(request, timeout=timeout) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url}: page larger than {max_bytes} bytes ({declared} announced)")
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = resp.read1(CHUNK)
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
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}", status=exc.code) from None
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: {exc.reason}") from None
    except FetchError:
        raise
    except (TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
        raise FetchError(f"{url}: {exc or type(exc).__name__}") from None
    return FetchedPage(body, final, ctype.lower(), charset)


def fetch_page(url: str, timeout: float = 20.0, max_bytes: int = MAX_BYTES, *,
               user_agent: str | None = None, robots: RobotsRules | None = None) -> tuple[bytes, str]:
    """Return (html bytes, final URL after redirects) of an HTML page. Raises FetchError.

    A PDF, an image, an executable or any other file where a page was
    expected is an error ("not an HTML page"); use `fetch` for the content
    type itself. A page that declares no charset of its own gets the one of
    its Content-Type header, as a crawl stores it (`keep_http_charset`).
    `robots`: see `fetch`.
    """
    page = fetch(url, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent, robots=robots)
    if page.content_type and page.content_type not in ("text/html", "application/xhtml+xml", "text/plain"):
        raise FetchError(f"{url}: not an HTML page ({page.content_type})")
    kind = binary_kind(page.body)
    if kind:
        raise FetchError(f"{url}: not an HTML page ({kind})")
    if page.charset:
        return keep_http_charset(page.body, f"{page.content_type}; charset={page.charset}"), page.final_url
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


ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: a crawler may stop reading after 500 KiB


class RobotsRules:
    """The robots.txt rules of each host met, fetched once per host (`newsmon text URL URL…`).

    Read as a crawl reads them (`crawler.middlewares.RobotsTxtRfcMiddleware`):
    2xx gives the file's rules, 4xx no rules, 5xx nothing allowed; a
    robots.txt that cannot be fetched at all (no answer) is no rules: the
    page's own request then fails the same way and says why.
    """

    def __init__(self) -> None:
        self._rules: dict[str, object] = {}  # "scheme://host:port" -> a Protego parser, None (no rules) or a status

    def check(self, url: str, asked: str, *, user_agent: str, timeout: float = 20.0) -> None:
        """Raise RobotsRefused naming `asked` when `url` (`asked` or a redirect of it) may not be fetched."""
        parts = urlsplit(url)
        root = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if root not in self._rules:
            self._rules[root] = self._read(root + "/robots.txt", user_agent, timeout)
        rules = self._rules[root]
        via = "" if url == asked else f" (redirected to {url})"
        if isinstance(rules, int):
            raise RobotsRefused(f"{asked}: refused: robots.txt unavailable (HTTP {rules}) at {root}/robots.txt, "
                                f"nothing may be fetched there{via}")
        if rules is not None and not rules.can_fetch(url, user_agent):  # type: ignore[attr-defined]  # Protego
            raise RobotsRefused(f"{asked}: refused by robots.txt ({root}/robots.txt disallows it){via}")

    @staticmethod
    def _read(robots_url: str, user_agent: str, timeout: float) -> object:
        from protego import Protego

        try:
            page = fetch(robots_url, timeout=timeout, max_bytes=ROBOTS_MAX_BYTES, user_agent=user_agent)
        except FetchError as exc:
            if exc.status is not None and exc.status >= 500:
                return exc.status
            return None  # 4xx: no robots.txt; no answer (or an oversized file): no rules
        return Protego.parse(page.body.decode("utf-8", errors="replace"))
