"""Fuzzing with fixed seeds: short hostile texts and pages through `extract.article` and the claims.

Each input is a few pieces drawn from pools of trouble (control characters, lone
surrogates, figures of up to 40 digits, impossible dates, runs of punctuation, binary
garbage, broken markup) mixed with pieces of return reports, so that the parser sees
them. Whatever comes in: no exception, no character that cannot be stored, claims whose
offsets hold, counts that are ints of at most 10^9, dates that are real dates.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from extract.article import clean_text, extract_article
from extract.claims import find_claims, find_claims_many
from extract.sanitize import has_bad_characters, same_length

SEEDS = range(6)
PER_SEED = 50  # 300 inputs in all

REPORT = [
    "Pakistan deported 1,200 Afghan refugees", "Authorities repatriated 350 North Koreans to Sinuiju",
    "some 4,000 migrants were sent back across the border", "returned 87 people to Kabul on Monday",
    "officials said", "Iran expelled more than 15,000 Afghans", "were deported", "the ministry said",
    "Between 400 and 600 Rohingya were pushed back", "repatriation of 2 million refugees",
]
DATES = [
    "on June 31", "on February 30, 2023", "on 2024-13-01", "on 2024-02-30", "on 2024-00-00", "on 31/02/2024",
    "on Feb 29, 2023", "on the 0th of May", "in Month 13", "on 32 March", "since 2024-06-31", "on 9999-99-99",
    "this week", "last week", "two years ago today", "1000000 years ago", "between 2025 and 2019",
]


def _hostile(rnd: random.Random) -> str:
    kind = rnd.randrange(8)
    if kind == 0:
        return "".join(chr(rnd.choice([*range(0x20), 0xFFFE, 0xFFFF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF]))
                       for _ in range(rnd.randint(1, 6)))
    if kind == 1:
        return rnd.choice(["1" * rnd.randint(10, 40), "1," * rnd.randint(4, 15) + "000", "1e26",
                           "100000000000000000000000000", "9" * 19, "1.5 billion", "10 trillion", "-5"])
    if kind == 2:
        return rnd.choice(DATES)
    if kind == 3:
        return rnd.choice(":.-,;!?*#=|/\\\"'()[]…—") * rnd.randint(20, 600)
    if kind == 4:
        return bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 40))).decode("latin-1")
    if kind == 5:
        return rnd.choice(["<p", "</div>", "<![CDATA[", "&#0;", "&#xD800;", "&#1114112;", "<script>", "<!--",
                           "<sup>1</sup>", "&nbsp;" * 30])
    if kind == 6:
        return "a" * rnd.randint(100, 3000) + rnd.choice([" b", "", " 5"])
    return rnd.choice(["\u202e", "\u200b" * 10, "\ufeff", "ﬁ", "Ⅻ", "١٢٣", "𝟏𝟐𝟑", "\r\r\r", "\t" * 20])


def hostile_texts(seed: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(PER_SEED):
        pieces = [rnd.choice(REPORT) if rnd.random() < 0.5 else _hostile(rnd) for _ in range(rnd.randint(3, 9))]
        seps = [rnd.choice([" ", " ", "\n", "\n\n", "", ". ", ", "]) for _ in pieces]
        body = "".join(p + s for p, s in zip(pieces, seps, strict=True))
        out.append(f"{rnd.choice(REPORT)}\n\n{body}")
    return out


DATE_RE = re.compile(r"^(\d{4}|XXXX)(-(\d{2})(-(\d{2}))?)?$")


def assert_sound(text: str, claims) -> None:
    for c in claims:
        assert text[c.start:c.end] == c.evidence
        c.evidence.encode("utf-8")
        assert type(c.count) is int and 0 < c.count <= 10**9
        assert c.count_high is None or (type(c.count_high) is int and c.count_high <= 10**9)
        for d in (c.date, c.date_end):
            if d is None:
                continue
            m = DATE_RE.match(d)
            assert m, d
            if m.group(3):
                assert 1 <= int(m.group(3)) <= 12, d
            if m.group(5) and m.group(1) != "XXXX":
                dt.date.fromisoformat(d)


@pytest.mark.parametrize("seed", SEEDS)
def test_hostile_texts_through_the_claims(seed):
    texts = hostile_texts(seed)
    failed: list[tuple[int, Exception]] = []
    found = list(find_claims_many([(t, "2024-07-09") for t in texts], on_error=lambda i, e: failed.append((i, e))))
    assert failed == []
    assert len(found) == len(texts)
    for text, claims in zip(texts, found, strict=True):
        assert_sound(same_length(text), claims)
    assert any(found), "the pieces of reports must give claims, or the parser saw nothing"


@pytest.mark.parametrize("seed", SEEDS)
def test_hostile_pages_through_the_article_and_its_claims(seed):
    rnd = random.Random(1000 + seed)
    texts = hostile_texts(1000 + seed)
    articles = []
    for text in texts:
        paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
        html = f"<html><head><title>{text[:40]}</title></head><body><article>{paragraphs}</article></body></html>"
        data: str | bytes = html.encode("utf-8", "surrogatepass") if rnd.random() < 0.5 else html
        selectors = rnd.choice([(), ("p:nth-child(2)",), ("div", "p.x"), ("[", "p >> q")])
        art = extract_article(data, "https://example.org/a", drop_selectors=selectors)
        assert not has_bad_characters(art.text)
        art.text.encode("utf-8")
        plain = clean_text(text)
        assert not has_bad_characters(plain)
        articles.append(art.text)
    found = list(find_claims_many([(t, None) for t in articles]))
    for text, claims in zip(articles, found, strict=True):
        assert_sound(text, claims)  # on the text that is stored, offsets hold exactly


def test_one_by_one_as_in_a_batch():
    texts = hostile_texts(99)[:12]
    batch = list(find_claims_many([(t, "2024-07-09") for t in texts]))
    assert [[c.to_dict() for c in cs] for cs in batch] == [
        [c.to_dict() for c in find_claims(t, "2024-07-09")] for t in texts]
