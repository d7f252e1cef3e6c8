"""Fetch one page (for `newsmon claims URL` / `newsmon text URL`): urllib, a timeout, a size cap."""

from __future__ import annotations

import urllib.error
import urllib.request

USER_AGENT = "newsmon/0.1 (+news monitoring for human-rights research)"
MAX_BYTES = 10 * 1024 * 1024


class FetchError(RuntimeError):
    """One line naming the URL and what went wrong."""


def fetch_page(url: str, timeout: float = 20.0, max_bytes: int = MAX_BYTES) -> tuple[bytes, str]:
    """Return (html bytes, final URL after redirects). Raises FetchError."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"{url}: not an http(s) URL")
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http(s) only, checked above)
            data = resp.read(max_bytes + 1)
            final = resp.geturl()
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: {exc.reason}") from None
    except (TimeoutError, OSError, ValueError) as exc:
        raise FetchError(f"{url}: {exc or type(exc).__name__}") from None
    if len(data) > max_bytes:
        raise FetchError(f"{url}: page larger than {max_bytes} bytes")
    return data, final
