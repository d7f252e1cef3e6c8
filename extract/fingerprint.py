"""Near-duplicate fingerprints of article texts: MinHash over word shingles.

A syndicated copy carries the wire story's body under another headline, with a
credit line ("This story first appeared on …") and the other outlet's
boilerplate around it. Its words in order are not the original's, so an exact
hash misses it, but most of its 3-word shingles are the original's: the
Jaccard similarity of the two shingle sets stays high, while two different
stories share next to none. A MinHash signature (64 minima of salted hashes)
estimates that similarity without keeping the shingles.

`bands` cuts a signature into 32 bands of 2 minima; two texts of similarity s
share each band with probability s². A store finds the candidates by equality
on an index and keeps those sharing `MIN_SHARED_BANDS` (5) bands or more: a
copy at the threshold (s = 0.6) has them with probability 0.997, while texts
that merely share common phrases and a template (s = 0.2 to 0.3) are kept
with 0.008 to 0.16, so the signatures compared stay few however large the
archive (sharing one band, most of a templated archive was a candidate).

The signature finds candidates; `same_story` confirms one: a copy differs
from its original by whole lines added or dropped (headline, credit line,
boilerplate), not by words changed inside its sentences, so most of the words
of the shorter text lie in paragraphs the other has word for word. Two articles
written from one template (a weekly update with other figures and dates, a
series whose paragraphs differ by a name) share most shingles but few
paragraphs, and stay two articles.

(A 64-bit SimHash was measured first on the demo texts: 20 words of credit
and boilerplate added to a 600-word story moved it by up to 7 bits while
unrelated stories came as close as 22, too narrow a margin to set a threshold.)
"""

from __future__ import annotations

import hashlib
import re

SHINGLE = 3  # words per shingle
PERMUTATIONS = 64
ROWS_PER_BAND = 2
MIN_SHARED_BANDS = 5  # bands a candidate must share (see the module docstring)
MIN_WORDS = 60  # shorter texts (stubs, notices) get no fingerprint: too few shingles to tell copies apart
MIN_SIMILARITY = 0.6  # estimated Jaccard similarity from which two texts may be copies of one story
MIN_SHARED_PARAGRAPHS = 0.8  # share of the shorter text's words in paragraphs both texts have word for word
_WORD = re.compile(r"\w+", re.UNICODE)
_PRIME = (1 << 61) - 1
_MAX32 = (1 << 32) - 1


def _salts() -> list[tuple[int, int]]:
    """Fixed (a, b) pairs of the universal hashes (a*x + b) mod p: the same on every machine and run."""
    out = []
    for i in range(PERMUTATIONS):
        digest = hashlib.blake2b(f"newsmon-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % (_PRIME - 1) + 1
        b = int.from_bytes(digest[8:], "big") % _PRIME
        out.append((a, b))
    return out


_SALTS = _salts()


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text or "")]


def shingles(text: str | None) -> set[str]:
    return _shingles_of(words(text or ""))


def _shingles_of(tokens: list[str]) -> set[str]:
    return {" ".join(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")


def minhash(text: str | None) -> list[int] | None:
    """The 64 minima (32-bit) of the text's word 3-shingles; None for a text under 60 words."""
    tokens = words(text or "")
    if len(tokens) < MIN_WORDS:
        return None
    hashes = [_hash(s) for s in _shingles_of(tokens)]
    return [min(((a * h + b) % _PRIME) & _MAX32 for h in hashes) for a, b in _SALTS]


def similarity(a: list[int], b: list[int]) -> float:
    """The estimated Jaccard similarity of two signatures: the share of minima they agree on."""
    if len(a) != len(b) or not a:
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def is_near(a: list[int] | None, b: list[int] | None, min_similarity: float = MIN_SIMILARITY) -> bool:
    return a is not None and b is not None and similarity(a, b) >= min_similarity


def to_hex(signature: list[int]) -> str:
    return "".join(f"{v:08x}" for v in signature)


def from_hex(value: str) -> list[int]:
    return [int(value[i:i + 8], 16) for i in range(0, len(value), 8)]


def bands(signature: list[int]) -> list[str]:
    """The signature's bands as "index:hex…" keys: a near copy shares at least one with high probability."""
    return [f"{i // ROWS_PER_BAND}:" + to_hex(signature[i:i + ROWS_PER_BAND])
            for i in range(0, len(signature), ROWS_PER_BAND)]


def fingerprint(text: str | None) -> str | None:
    """The signature of a text as stored (hex), or None when the text is too short to have one."""
    signature = minhash(text)
    return None if signature is None else to_hex(signature)


def _paragraphs(text: str) -> list[tuple[str, int]]:
    """(the paragraph's words joined, how many) for each non-empty line of a text."""
    out = []
    for line in (text or "").splitlines():
        tokens = words(line)
        if tokens:
            out.append((" ".join(tokens), len(tokens)))
    return out


def shared_paragraphs(a: str | None, b: str | None) -> float:
    """The share of the shorter text's words that lie in paragraphs the other text has word for word."""
    pa, pb = _paragraphs(a or ""), _paragraphs(b or "")
    if sum(n for _, n in pa) > sum(n for _, n in pb):
        pa, pb = pb, pa
    total = sum(n for _, n in pa)
    if not total:
        return 0.0
    others = {p for p, _ in pb}
    return sum(n for p, n in pa if p in others) / total


def same_story(a: str | None, b: str | None) -> bool:
    """Whether two texts near in their signatures are one story (a copy), not two stories from one template."""
    return shared_paragraphs(a, b) >= MIN_SHARED_PARAGRAPHS
