"""Running the review app: address, access token, reviewer name; uvicorn in the foreground or a thread."""

from __future__ import annotations

import getpass
import ipaddress
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

from review.app import LOOPBACK, ReviewConfig, create_app
from storage.db import StorageError, open_db

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServeError(Exception):
    pass


def is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_reviewer() -> str:
    try:
        return os.environ.get("NEWSMON_REVIEWER") or getpass.getuser()
    except (KeyError, OSError, ImportError):  # no login name (some containers): no passwd entry, no pwd module
        return "reviewer"


def build_config(db_path: Path, settings: dict[str, Any], *, host: str, reviewer: str | None = None,
                 token: str | None = None) -> ReviewConfig:
    """The app's config for `host`: beyond loopback a token is required (given, from env/settings, or generated)."""
    reviewer = reviewer or settings.get("reviewer") or default_reviewer()
    if is_loopback(host):
        token = token or os.environ.get("NEWSMON_TOKEN") or None
        # Only this computer's names are answered: a page elsewhere cannot reach the server by DNS rebinding.
        allowed = ["127.0.0.1", "localhost", "::1", "[::1]"]
    else:
        token = token or os.environ.get("NEWSMON_TOKEN") or settings.get("token") or secrets.token_urlsafe(24)
        allowed = ["*"]
    return ReviewConfig(db_path=Path(db_path), reviewer=reviewer, token=token, allowed_hosts=allowed)


def _prepare_db(db_path: Path) -> None:
    try:
        open_db(db_path).close()  # create or migrate once, before serving
    except StorageError as exc:
        raise ServeError(str(exc)) from exc


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


def serve(db_path: Path, settings: dict[str, Any], *, host: str | None = None, port: int | None = None,
          reviewer: str | None = None, token: str | None = None, echo: Callable[[str], None] = print) -> None:
    """Serve the review page in the foreground until interrupted; print its address first."""
    host = host or settings.get("host") or DEFAULT_HOST
    if port is None:
        port = DEFAULT_PORT if settings.get("port") is None else int(settings["port"])
    _prepare_db(db_path)
    config = build_config(db_path, settings, host=host, reviewer=reviewer, token=token)
    sock = _bind(host, port)
    actual_port = sock.getsockname()[1]
    url = _url(host, actual_port)
    echo(f"newsmon serve: review page at {url} (database {db_path}, reviewing as {config.reviewer})")
    if config.token:
        echo(f"access token: {config.token}")
        echo(f"open {url}?token={config.token}")
    echo("keys: a accept, r reject, e edit, j/k next/previous, u undo; JSON API under /api (schema /openapi.json)")
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", access_log=False))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class BackgroundServer:
    """The review app served from a thread (for tests and scripts): `with BackgroundServer(...) as s: s.url`."""

    def __init__(self, db_path: Path, *, host: str = DEFAULT_HOST, reviewer: str = "tester", token: str | None = None,
                 settings: dict[str, Any] | None = None):
        _prepare_db(db_path)
        self.config = build_config(db_path, settings or {}, host=host, reviewer=reviewer, token=token)
        self.sock = _bind(host, 0)
        self.url = _url(host, self.sock.getsockname()[1])
        self.server = uvicorn.Server(uvicorn.Config(create_app(self.config), log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise ServeError("the review server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
