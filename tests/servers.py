"""Local HTTP servers that misbehave on purpose, for crawl tests (127.0.0.1 only).

`SiteServer` serves a dict of routes: path -> a `Route` (a status, headers and
body, or a behaviour: fail N times then answer, hang, redirect, stream too
much). Every request is logged with its headers. Servers run in a daemon
thread and stop by themselves: a hanging handler gives up after `hang_limit`
seconds, and `stop()` (or leaving the `with` block) shuts everything down.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Route:
    body: bytes | str = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0  # answer `fail_status` this many times first
    fail_status: int = 503
    hang: bool = False  # accept the request and never answer
    stream_bytes: int = 0  # send this many bytes without Content-Length (size cap tests)
    etag: bool = False  # send an ETag and answer If-None-Match with 304
    last_modified: str | None = None  # send it and answer a matching If-Modified-Since with 304
    gzip_body: bool = False  # gzip the body (a .gz file, not a Content-Encoding)
    handler: Callable | None = None  # full control: handler(request_handler) -> None
    delay: float = 0.0  # seconds before answering (to see how many requests are in flight at once)

    def data(self, base: str) -> bytes:
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        body = body.replace(b"{{BASE}}", base.encode())
        return gzip.compress(body) if self.gzip_body else body


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


class SiteServer:
    """A small site on 127.0.0.1: `routes` maps a path (with query) to a Route; anything else is 404.

    `host` puts it on another loopback address (127.0.0.2: another host name for the crawler).
    """

    def __init__(self, routes: dict[str, Route] | None = None, *, hang_limit: float = 15.0, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = dict(routes or {})
        self.hits: list[Hit] = []
        self.hang_limit = hang_limit
        self._stop = threading.Event()
        self._fails: dict[str, int] = {}
        self.inflight = 0
        self.max_inflight = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # quiet
                pass

            def do_GET(self):
                outer._handle(self)

            def do_HEAD(self):
                outer._handle(self)

        self.httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def requested(self, path: str) -> int:
        with self._lock:
            return sum(1 for h in self.hits if h.path == path)

    def paths(self) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits]

    def clear(self) -> None:
        with self._lock:
            self.hits.clear()

    # -- answering ---------------------------------------------------------
    def _handle(self, req: http.server.BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.hits.append(Hit(req.path, {k: v for k, v in req.headers.items()}, time.monotonic()))
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            self._answer(req)
        finally:
            with self._lock:
                self.inflight -= 1

    def _answer(self, req: http.server.BaseHTTPRequestHandler) -> None:
        route = self.routes.get(req.path)
        if route is None:
            return self._send(req, 404, {"Content-Type": "text/html"}, b"<html><body>not found</body></html>")
        if route.handler is not None:
            return route.handler(req)
        if route.fail_first:
            with self._lock:
                done = self._fails.get(req.path, 0)
                self._fails[req.path] = done + 1
            if done < route.fail_first:
                return self._send(req, route.fail_status, {"Content-Type": "text/html", "Retry-After": "0"},
                                  b"<html><body>try later</body></html>")
        if route.delay:
            self._stop.wait(route.delay)
        if route.hang:
            self._stop.wait(self.hang_limit)  # never answers; gives up when the server stops
            req.close_connection = True
            return None
        headers = dict(route.headers)
        if route.content_type:
            headers["Content-Type"] = route.content_type
        if route.stream_bytes:
            return self._stream(req, headers, route.stream_bytes)
        body = route.data(self.base)
        if route.etag:
            etag = f'"{hashlib.sha1(body).hexdigest()[:12]}"'
            headers["ETag"] = etag
            if req.headers.get("If-None-Match") == etag:
                return self._send(req, 304, {"ETag": etag}, b"")
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
            if req.headers.get("If-Modified-Since") == route.last_modified:
                return self._send(req, 304, {}, b"")
        return self._send(req, route.status, headers, body)

    @staticmethod
    def _send(req, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            req.send_response(status)
            for k, v in headers.items():
                req.send_header(k, v)
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            if req.command != "HEAD" and status != 304:
                req.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _stream(self, req, headers: dict[str, str], total: int) -> None:
        """Send `total` bytes with no Content-Length (connection close marks the end)."""
        req.close_connection = True
        try:
            req.send_response(200)
            for k, v in headers.items():
                req.send_header(k, v)
            req.send_header("Connection", "close")
            req.end_headers()
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            sent = 0
            while sent < total and not self._stop.is_set():
                req.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


class SilentServer:
    """Accepts TCP connections (the kernel does) and never answers a byte."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)

    @property
    def base(self) -> str:
        host, port = self.sock.getsockname()
        return f"http://{host}:{port}"

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()


def closed_port() -> str:
    """The address of a port on 127.0.0.1 that nothing listens on (connection refused)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    host, port = s.getsockname()
    s.close()
    return f"http://{host}:{port}"


def trickle(body: bytes, *, headers_too: bool = False, every: float = 2.0, total: int = 200) -> Callable:
    """A Route handler that sends one byte of `body` every `every` seconds (the status line and headers too,
    if asked), `total` bytes in all. `handler.stop.set()` ends it early."""
    stop = threading.Event()

    def handler(req) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % total
        data = (body * (total // max(1, len(body)) + 1))[:total]
        req.close_connection = True
        try:
            if not headers_too:
                req.wfile.write(head)
                req.wfile.flush()
                head = b""
            for byte in head + data:
                if stop.wait(every):
                    return
                req.wfile.write(bytes([byte]))
                req.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    handler.stop = stop
    return handler


def redirect(location: str, status: int = 302) -> Route:
    return Route(status=status, content_type=None, headers={"Location": location})


def article_html(title: str, paragraphs: list[str], *, canonical: str | None = None, charset: str | None = "utf-8",
                 extra_head: str = "") -> str:
    head = f'<meta charset="{charset}">' if charset else ""
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head>{head}{extra_head}<title>{title}</title></head><body>"
            f"<header><nav><a href='/'>Home</a></nav></header>"
            f"<article><h1>{title}</h1>{body}</article><footer>Contact us</footer></body></html>")


def filler(n: int, topic: str = "the city council") -> list[str]:
    """`n` distinct, plausible paragraphs (long enough for the cleaner to keep them)."""
    return [
        f"Paragraph {i} about {topic}: officials said on Tuesday that the plan, discussed for months, "
        f"would be reviewed again next week after residents raised concerns about costs and delays "
        f"in the northern district, where work number {i} has already started."
        for i in range(1, n + 1)
    ]


def listing_html(links: list[str], next_url: str | None = None) -> str:
    items = "".join(f'<li><a href="{u}">Story {i}</a></li>' for i, u in enumerate(links))
    nxt = f'<a rel="next" href="{next_url}">Older posts</a>' if next_url else ""
    return f"<html><head><title>News</title></head><body><ul>{items}</ul>{nxt}</body></html>"


def rss(items: list[str]) -> str:
    entries = "".join(f"<item><title>t</title><link>{u}</link><pubDate>Tue, 10 Oct 2023 08:00:00 GMT</pubDate></item>"
                      for u in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{entries}</channel></rss>'


def atom(items: list[str]) -> str:
    entries = "".join(f'<entry><title>t</title><link rel="alternate" href="{u}"/>'
                      '<updated>2023-10-11T08:00:00Z</updated></entry>' for u in items)
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>{entries}</feed>'


def json_feed(items: list[str]) -> str:
    import json

    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "x",
                       "items": [{"id": u, "url": u, "date_published": "2023-10-12T08:00:00Z"} for u in items]})


def sitemap(urls: list[str], *, news: bool = False) -> str:
    if news:
        entries = "".join(
            f"<url><loc>{u}</loc><news:news><news:publication><news:name>x</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>2023-10-13T08:00:00Z</news:publication_date>"
            f"<news:title>t</news:title></news:news></url>" for u in urls)
        return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>')
    entries = "".join(f"<url><loc>{u}</loc><lastmod>2023-10-13</lastmod></url>" for u in urls)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def sitemap_index(urls: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<rss version="2.0"><channel><item><link>&lol9;</link></item></channel></rss>'
)


FAST_SETTINGS = """
[crawl]
user_agent = "newsmon-test/0.1 (+mailto:tests@example.org)"
download_timeout = 2
max_page_bytes = 200000
retry_times = 2
retry_backoff = 0.3
retry_backoff_max = 1.0
autothrottle = false
max_redirects = 4
"""


def write_config(root, sources: dict[str, str], settings: str = FAST_SETTINGS):
    """A config folder below `root`: settings.toml and one `sources/NAME.toml` per entry; returns its path."""
    from pathlib import Path

    config = Path(root) / "config"
    (config / "sources").mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(settings, encoding="utf-8")
    for name, text in sources.items():
        (config / "sources" / f"{name}.toml").write_text(text, encoding="utf-8")
    return config


def outlet_toml(name: str, base: str, *, feeds=(), sitemaps=(), start_urls=(), extra: str = "",
                article_pattern: str = r"/news/[^/]+/$", deny=("/tag/",)) -> str:
    """An outlet config for a test server: no delay, articles under /news/<slug>/."""
    def arr(values):
        return "[" + ", ".join(repr(v) for v in values) + "]"

    return (f'name = "{name}"\nfeeds = {arr(base + f for f in feeds)}\nsitemaps = {arr(base + s for s in sitemaps)}\n'
            f'start_urls = {arr(base + s for s in start_urls)}\n'
            f"article_url_patterns = ['{article_pattern}']\ndeny_url_patterns = {arr(deny)}\n{extra}\n"
            f"[politeness]\ndownload_delay = 0.0\nconcurrency = 4\n")
