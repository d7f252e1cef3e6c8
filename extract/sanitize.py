"""Characters no text of newsmon may carry: C0 controls, NUL, U+FFFE/U+FFFF, lone surrogates.

libxml2 (under lxml and trafilatura) stops at a C0 control character and gives
an empty document, or raises; a lone surrogate (a stray byte read with
`surrogateescape`) cannot be written as UTF-8, so it raises when the text is
printed or stored. Tab, line feed and carriage return are kept.

- `sanitize_text` is for text made fresh (a page before parsing): vertical tab
  and form feed become a space, U+FFFE/U+FFFF and the other controls go, a lone
  surrogate becomes U+FFFD (the replacement character).
- `same_length` is for text that offsets point into (the claims pipeline): each
  such character becomes one space (a surrogate U+FFFD), so that every offset
  into the text stays valid.

Both return the very same string when there is nothing to do (one regex search).
"""

from __future__ import annotations

import re

_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_KEPT = "\t\n\r"
_REMOVED: dict[int, int | None] = {c: None for c in range(0x20) if chr(c) not in _KEPT}
_REMOVED.update({0xFFFE: None, 0xFFFF: None, 0x0B: 0x20, 0x0C: 0x20})  # vertical tab, form feed: spaces
_SAME_LENGTH: dict[int, int | None] = {c: 0x20 for c in range(0x20) if chr(c) not in _KEPT}
_SAME_LENGTH.update({0xFFFE: 0x20, 0xFFFF: 0x20})
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_bad_characters(text: str) -> bool:
    """Whether `text` has a character that `sanitize_text` would change."""
    return _BAD.search(text) is not None


def sanitize_text(text: str) -> str:
    """`text` without C0 controls (but tab, CR, LF), NUL and U+FFFE/U+FFFF; lone surrogates as U+FFFD."""
    if _BAD.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text.translate(_REMOVED))


def same_length(text: str) -> str:
    """`sanitize_text` that keeps every character's offset: each bad one becomes a space (a surrogate U+FFFD)."""
    if _BAD.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text.translate(_SAME_LENGTH))
