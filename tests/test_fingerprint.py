"""Near-duplicate fingerprints: a syndicated copy is recognised, another story is not; the copy is stored once."""

from __future__ import annotations

import itertools
from pathlib import Path

from extract.fingerprint import (
    MIN_SIMILARITY,
    bands,
    fingerprint,
    from_hex,
    is_near,
    minhash,
    same_story,
    shared_paragraphs,
    similarity,
    to_hex,
)
from storage.articles import store_page, urls_of_article
from storage.db import open_db
from storage.pages import store_extracted_page

SEEDS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds").glob("*.txt"))
CREDIT = "This story was first published by World Wire and is republished with permission."
BOILERPLATE = "Share this story. Follow Asia Portal on social media for more news from the region."


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


def _copy(text: str, headline: str = "Another Headline Over the Same Wire Story") -> str:
    body = text.split("\n", 1)[1]
    return f"{headline}\n\n{CREDIT}\n\n{body}\n\n{BOILERPLATE}"


def test_a_syndicated_copy_is_near_its_original():
    for text in _texts():
        assert is_near(minhash(text), minhash(_copy(text))), text[:60]


def test_a_short_story_with_a_credit_line_is_still_near():
    text = "Headline\n" + " ".join(_texts()[0].split()[:120])
    assert similarity(minhash(text), minhash(_copy(text))) >= MIN_SIMILARITY


def test_different_stories_are_far_apart():
    signatures = [minhash(t) for t in _texts()]
    for a, b in itertools.combinations(signatures, 2):
        assert similarity(a, b) < 0.2


def test_short_texts_get_no_fingerprint():
    assert minhash("Page not found. The page you asked for is not here.") is None
    assert fingerprint("") is None and fingerprint(None) is None


def test_signature_round_trip_and_bands_are_stable():
    sig = minhash(_texts()[1])
    assert sig is not None and len(sig) == 64
    assert from_hex(to_hex(sig)) == sig
    assert fingerprint(_texts()[1]) == to_hex(sig)  # the same on every run: fixed salts
    copy_bands, own_bands = set(bands(minhash(_copy(_texts()[1])))), set(bands(sig))
    assert copy_bands & own_bands  # the index finds the copy
    assert len(own_bands) == 32


def _article(text: str, title: str = "T") -> dict:
    return {"title": title, "text": text, "published": "2025-11-20"}


def test_a_near_copy_on_another_outlet_becomes_a_url_of_the_stored_article(tmp_path):
    db = open_db(tmp_path / "n.db")
    text = _texts()[1]
    first, outcome, _ = store_extracted_page(db, url="https://wire.example/a/", source="wire", html=b"<p>a</p>",
                                             published="2025-11-20", article=_article(text))
    assert outcome == "new"
    second, outcome, _ = store_extracted_page(db, url="https://portal.example/b/", source="portal", html=b"<p>b</p>",
                                              published="2025-11-21", article=_article(_copy(text)))
    assert (second, outcome) == (first, "similar text")
    assert db.execute("select count(*) from articles").fetchone()[0] == 1
    urls = {(u["url"], u["source"], u["published"]) for u in urls_of_article(db, first)}
    assert urls == {("https://wire.example/a/", "wire", "2025-11-20"),
                    ("https://portal.example/b/", "portal", "2025-11-21")}
    other, outcome, _ = store_extracted_page(db, url="https://portal.example/c/", source="portal", html=b"<p>c</p>",
                                             article=_article(_texts()[2]))
    assert outcome == "new" and other != first


def test_an_article_stored_without_fingerprint_gets_one_from_its_text(tmp_path):
    from storage.articles import save_extraction

    db = open_db(tmp_path / "n.db")
    article_id, _ = store_page(db, url="https://x.example/1", source="x", html=b"")
    save_extraction(db, article_id, _article(_texts()[0]), "v1")
    stored = db.execute("select fingerprint from articles where id = ?", [article_id]).fetchone()[0]
    assert stored == fingerprint(_texts()[0])
    assert db.execute("select count(*) from article_fingerprint_bands where article_id = ?",
                      [article_id]).fetchone()[0] == 32


def test_articles_from_one_template_are_not_copies():
    """A series whose paragraphs differ by a name or a figure shares most shingles but not its paragraphs."""
    def story(topic: str, n: int) -> str:
        return f"Update on {topic}\n\n" + "\n\n".join(
            f"Paragraph {i} about {topic}: officials said on Tuesday that {n} people were sent back, and that the "
            f"plan, discussed for months, would be reviewed again next week after residents raised concerns."
            for i in range(1, 6))
    a, b = story("the a9 story", 52), story("the a10 story", 52)
    assert similarity(minhash(a), minhash(b)) >= 0.5  # near in their signatures ...
    assert not same_story(a, b)  # ... but two stories
    assert not same_story(story("the weekly update", 52), story("the weekly update", 47))
    text = _texts()[1]
    assert same_story(text, _copy(text)) and shared_paragraphs(text, _copy(text)) > 0.95


def test_a_templated_article_is_stored_as_an_article_of_its_own(tmp_path):
    db = open_db(tmp_path / "n.db")
    para = ("Officials said on Tuesday that {n} people were sent back across the border, and that the plan, "
            "discussed for months, would be reviewed again next week after residents raised concerns about it.")
    first = "Weekly update\n\n" + "\n\n".join([para.format(n=52)] * 3)
    second = "Weekly update\n\n" + "\n\n".join([para.format(n=47)] * 3)
    a, _, _ = store_extracted_page(db, url="https://x.example/1", source="x", html=b"", article=_article(first))
    b, outcome, _ = store_extracted_page(db, url="https://x.example/2", source="x", html=b"", article=_article(second))
    assert outcome == "new" and a != b


def test_the_fingerprint_follows_a_re_extracted_text(tmp_path):
    from storage.articles import save_extraction

    db = open_db(tmp_path / "n.db")
    article_id, _, _ = store_extracted_page(db, url="https://x.example/1", source="x", html=b"",
                                            article=_article(_texts()[0]))
    assert db.execute("select fingerprint from articles").fetchone()[0] == fingerprint(_texts()[0])
    save_extraction(db, article_id, _article(_texts()[2]), "v2")  # better cleaning, another text
    assert db.execute("select fingerprint from articles").fetchone()[0] == fingerprint(_texts()[2])
