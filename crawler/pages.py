"""What a fetched response is: an HTML page worth keeping or not, and the charset its header gave.

Pure checks of bytes already fetched, shared by the spider and by one-off
fetches (`crawler.fetch`). A server may label anything `text/html`: a PDF, an
executable, random bytes, a file of NUL bytes. Those are no pages and must
not be stored as articles with an empty text (which would also mark their URL
as done for good).
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import urljoin, urlsplit

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Magic numbers of files served where an HTML page was expected.
MAGIC = (
    (b"%PDF", "pdf"), (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"),
    (b"RIFF", "media"), (b"PK\x03\x04", "archive"), (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "archive"), (b"Rar!\x1a\x07", "archive"), (b"\xfd7zXZ\x00", "archive"),
    (b"\x7fELF", "executable"), (b"\xfe\xed\xfa\xce", "executable"), (b"\xfe\xed\xfa\xcf", "executable"),
    (b"\xce\xfa\xed\xfe", "executable"), (b"\xcf\xfa\xed\xfe", "executable"), (b"\xca\xfe\xba\xbe", "executable"),
    (b"\x00asm", "executable"),
)
# Bytes that never occur in text (WHATWG MIME sniffing's "binary data bytes"); NUL is counted apart.
CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
MAX_CONTROL_SHARE = 0.01  # random bytes have about 10 %; a page with a stray control byte or two stays a page
MIN_TEXT_BESIDE_NULS = 64  # visible characters a mostly-NUL body needs to still count as a page
_TAG = re.compile(rb"<[^>]*>")
_META_REFRESH = re.compile(rb"<meta\b[^>]*\bhttp-equiv\s*=\s*[\"']?\s*refresh\b[^>]*>", re.I)
_CONTENT = re.compile(rb"\bcontent\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_REFRESH = re.compile(r"^\s*(\d*(?:\.\d*)?)\s*[;,]?\s*(?:url\s*=\s*)?[\"']?([^\"']*)", re.I)
REFRESH_MAX_DELAY = 100  # seconds: a slower refresh is no redirect (Scrapy's METAREFRESH_MAXDELAY)


def binary_kind(body: bytes) -> str | None:
    """What kind of file `body` is when it is no text at all ("executable", "pdf", "binary data"…); None for text.

    Text is any ASCII-compatible charset or UTF-16/32 with its byte-order mark.
    Random bytes and compiled code have many control bytes; a body of NUL
    bytes with hardly any text beside them is padding, not a page. NUL runs
    inside a real page are left to the extractor, which skips them.
    """
    for magic, kind in MAGIC:
        if body.startswith(magic):
            return kind
    if body.startswith(b"MZ") and b"\x00" in body[2:64]:  # a Windows executable's DOS header
        return "executable"
    if body[4:8] == b"ftyp":  # MP4, MOV, HEIF
        return "media"
    wide = _wide_text(body)
    if wide is not None:
        controls = len(_CONTROL_CHARS.findall(wide))
        return "binary data" if controls > len(wide) * MAX_CONTROL_SHARE else None
    rest = body.replace(b"\x00", b"")
    if len(rest) - len(rest.translate(None, CONTROL_BYTES)) > len(rest) * MAX_CONTROL_SHARE:
        return "binary data"
    nuls = len(body) - len(rest)
    if nuls > len(rest) and len(b"".join(_TAG.sub(b" ", rest).split())) < MIN_TEXT_BESIDE_NULS:
        return "binary data"
    return None


def _wide_text(body: bytes) -> str | None:
    """The text of a UTF-16 or UTF-32 body (by its byte-order mark, or `<` as its first character), else None."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    head = body.lstrip(b"\x00 \t\r\n")[:2]
    if body[:2] == b"<\x00" or (body[:2] == b"\x00<" and head == b"<\x00"):
        encoding = "utf-16-le" if body[:2] == b"<\x00" else "utf-16-be"
        return body.decode(encoding, errors="replace")
    return None


def meta_refresh_target(body: bytes, url: str) -> str | None:
    """The URL a `<meta http-equiv="refresh">` sends the reader to at once (absolute), if any.

    A refresh after REFRESH_MAX_DELAY seconds or more is a page meant to be
    read (a front page reloading itself), not a redirect: None.
    """
    match = _META_REFRESH.search(body[:65536])
    if not match:
        return None
    content = _CONTENT.search(match.group(0))
    if not content:
        return None
    value = next(g for g in content.groups() if g is not None).decode("latin-1")
    refresh = _REFRESH.match(value)
    if not refresh or not refresh.group(2).strip():
        return None
    delay = refresh.group(1)
    if delay and delay != "." and float(delay) >= REFRESH_MAX_DELAY:
        return None
    return urljoin(url, refresh.group(2).strip())


def page_problem(body: bytes, content_type: bytes | str | None, url: str) -> str | None:
    """Why a 200 response is no HTML page worth keeping (None: it is one).

    The reasons are those counted in `crawl_runs.skipped`: "not html (pdf)",
    "not html (executable)", "not html (binary data)", "empty page",
    "meta refresh to a non-http(s) URL" (a page that only sends the reader to
    a file: or other URL, which is not followed).
    """
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    ctype = (content_type or "").split(";")[0].strip().lower()
    kind = binary_kind(body)
    if kind and kind != "binary data":  # a file known by its magic number
        return f"not html ({kind})"
    if ctype and ctype not in HTML_TYPES:
        ckind = ctype.split("/")[0] if ctype.startswith(("image/", "audio/", "video/")) else ctype
        return f"not html ({'pdf' if ctype == 'application/pdf' else ckind})"
    if kind:
        return f"not html ({kind})"
    if not body.strip():
        return "empty page"
    if not ctype and b"<" not in body[:2048]:
        return "not html (no content type)"
    target = meta_refresh_target(body, url)
    if target is not None and urlsplit(target).scheme.lower() not in ("http", "https"):
        return "meta refresh to a non-http(s) URL"
    return None


def keep_http_charset(body: bytes, content_type: bytes | str | None) -> bytes:
    """The page, made to declare the charset its HTTP header gave when it declares none itself.

    Raw pages are stored without their headers; a page in a legacy charset that
    only the header names would otherwise be guessed at when extracted. Only
    a page that is not valid UTF-8, declares nothing and decodes cleanly with
    the header's charset gets a `<meta charset>` line in front.
    """
    from extract.encoding import declared_charset

    if isinstance(content_type, str):
        content_type = content_type.encode("latin-1", "replace")
    match = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type or b"", re.I)
    if not match or body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body
    if re.search(rb"<meta[^>]+charset|<\?xml[^>]+encoding", body[:4096], re.I) or declared_charset(body):
        return body
    label = match.group(1).decode("ascii", "ignore").lower()
    try:
        body.decode("utf-8")
        return body  # valid UTF-8: decoded right without help
    except UnicodeDecodeError:
        pass
    try:
        name = codecs.lookup(label).name
        body.decode(name)
    except (LookupError, UnicodeDecodeError):
        return body
    return f'<meta charset="{name}">\n'.encode("ascii") + body
