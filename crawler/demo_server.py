"""Serve the bundled demo outlets (`fixtures/sites/NAME/`) on 127.0.0.1, one port per outlet.

Feeds, sitemaps and robots.txt carry the placeholder `{{BASE}}`, replaced on
the fly by the outlet's real address, so the same files work on any port.
"""

from __future__ import annotations

import errno
import hashlib
import http.server
import threading
import zlib
from functools import partial
from pathlib import Path

PLACEHOLDER = b"{{BASE}}"
# Each outlet prefers a port derived from its name, so that its URLs (which
# name the port) stay the same from one demo run to the next; a busy port
# falls back to any free one.
PREFERRED_PORTS = range(18000, 20000)
TEMPLATED_SUFFIXES = {".xml", ".json", ".txt"}
CONTENT_TYPES = {".xml": "application/xml", ".json": "application/feed+json", ".txt": "text/plain; charset=utf-8"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    base_url = ""

    def log_message(self, format: str, *args) -> None:  # quiet: the crawl reports what matters
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_file() and path.suffix in TEMPLATED_SUFFIXES:
            body = path.read_bytes().replace(PLACEHOLDER, self.base_url.encode())
            # Feeds and sitemaps answer conditional requests, as most real servers do.
            etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
            if etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return None
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPES[path.suffix])
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            from io import BytesIO

            return BytesIO(body)
        return super().send_head()


class DemoSite:
    """One outlet's static files served on a free port of 127.0.0.1 in a background thread."""

    def __init__(self, root: Path, port: int | None = None):
        self.root = root
        class Handler(_Handler):  # a class of its own: it learns this site's base URL below
            pass

        handler = Handler
        factory = partial(handler, directory=str(root))
        if port is None:
            port = PREFERRED_PORTS[zlib.crc32(root.name.encode()) % len(PREFERRED_PORTS)]
        try:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), factory)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
        self.server.daemon_threads = True
        handler.base_url = self.base_url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> DemoSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_sites(sites_dir: Path, names: list[str]) -> dict[str, DemoSite]:
    """Start a server for each named outlet folder below `sites_dir`."""
    servers = {}
    for name in names:
        root = sites_dir / name
        if not root.is_dir():
            raise FileNotFoundError(f"{root}: no such demo outlet folder")
        servers[name] = DemoSite(root).start()
    return servers
