"""URL normalisation: one spelling per page, so that a page is never fetched twice.

`normalise_url` lower-cases the scheme and host, drops default ports, the
fragment and tracking parameters (utm_*, fbclid, gclid, …), and gives an
empty path as "/". The query keeps its order: many sites serve different
pages for `?a=1&b=2` and `?b=2&a=1` only in theory, but reordering could merge
pages that differ, which would silently miss articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a reader came from.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
    "vero_id", "wickedid", "rb_clickid", "s_cid", "ncid", "cmpid", "at_medium", "at_campaign",
    "ocid", "sr_share", "smid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters that need no percent-encoding in a path (RFC 3986 pchar and "/").
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_PCT_RE = re.compile(r"%[0-9a-fA-F]{2}")


def is_tracking_param(name: str, extra: Iterable[str] = ()) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES) or lowered in extra


def normalise_url(url: str, *, drop_params: Iterable[str] = ()) -> str | None:
    """The canonical spelling of an http(s) URL, or None for anything else (mailto:, javascript:, junk)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _normalise_path(parts.path or "/")
    extra = {p.lower() for p in drop_params}
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not is_tracking_param(k, extra)]
    query = urlencode(query_pairs, doseq=True) if query_pairs else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def _normalise_path(path: str) -> str:
    # Upper-case percent escapes, decode those of unreserved characters, encode the rest.
    path = _PCT_RE.sub(lambda m: m.group(0).upper(), path)
    if "%2F" not in path:  # an encoded "/" must stay encoded
        try:
            path = quote(unquote(path, errors="strict"), safe="/:@!$&'()*+,;=-._~")
        except UnicodeDecodeError:  # escapes of a legacy charset: leave them as they are
            path = quote(path, safe=_PATH_SAFE)
    else:
        path = quote(path, safe=_PATH_SAFE)
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(segments) > 1:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    result = "/".join(segments)
    if path.endswith(("/.", "/..")):
        result += "/"
    return result if result.startswith("/") else "/" + result


def same_site(url: str, hosts: Iterable[str]) -> bool:
    """Whether the host of `url` is one of `hosts` or a subdomain of one."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return any(host == h or host.endswith("." + h) for h in (h.lower() for h in hosts))
