"""Bytes to text for HTML pages: never raises.

Order: a byte-order mark; the charset the page declares (`<meta charset>`,
`<meta http-equiv="Content-Type">`, an XML declaration) when Python knows it
and the bytes decode with it; UTF-8; then charset-normalizer's guess when it is
installed; else Windows-1252, which maps every byte. Bytes that are UTF-8
but for a stray byte or two (fewer than the non-ASCII characters that decode,
or one in a thousand bytes) are read as UTF-8, the stray bytes replaced by U+FFFD.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
# Labels pages use for encodings that Python names differently (WHATWG rules).
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
            "us-ascii": "cp1252", "ascii": "cp1252", "x-sjis": "shift_jis",
            "gb2312": "gb18030", "gbk": "gb18030", "unicode": "utf-16"}


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first 4 KB, if Python knows it."""
    m = _DECLARED.search(data[:4096])
    if not m:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii", "ignore").strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    declared = declared_charset(data)
    if declared and declared not in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text, replaced = decode_utf8(data)
    if 0 < replaced and (replaced <= len(text) - len(text.encode("ascii", "ignore")) - replaced
                         or replaced <= max(1, len(data) // 1000)):
        return text  # UTF-8 with a stray byte or two: its other characters decode
    guess = _guess(data)
    if guess:
        try:
            return data.decode(guess, errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


def decode_utf8(data: bytes) -> tuple[str, int]:
    """`data` as UTF-8, what is not UTF-8 replaced by U+FFFD; and how many U+FFFD were put in."""
    text = data.decode("utf-8", errors="replace")
    return text, replaced_count(data, text)


def replaced_count(data: bytes, text: str) -> int:
    """How many characters of `text` (decoded from `data`) are U+FFFD put in for bytes that did not decode."""
    return max(0, text.count("\ufffd") - data.count("\ufffd".encode()))


def _guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional
        return None
    try:
        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - a guess must never break decoding
        return None
    return best.encoding if best else None
