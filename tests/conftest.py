"""Shared fixtures: a real SQLite database filled through the storage functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.articles import save_extraction, store_page
from storage.claims import replace_machine_claims
from storage.db import open_db

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def claim_at(text: str, evidence: str, count: int, qualifier: str = "exact", *, date: str | None = None,
             locations: list[str] | None = None, who: str = "North Koreans", kind: str = "event",
             confidence: float = 0.9) -> dict:
    """A machine claim whose evidence is found in `text` (offsets computed, so text[start:end] == evidence)."""
    start = text.index(evidence)
    return {"count": count, "qualifier": qualifier, "who": who, "date": date, "date_end": None, "kind": kind,
            "locations": locations or [], "evidence": evidence, "start": start, "end": start + len(evidence),
            "confidence": confidence}


def add_article(db, *, url: str, source: str, title: str, text: str, published: str | None,
                claims: list[dict] | None = None, version: str = "test-1") -> int:
    """Store an article as a crawl and an extraction would, then its machine claims."""
    article_id, _outcome = store_page(db, url=url, source=source,
                                      html=f"<html><body><p>{text}</p></body></html>".encode(), published=published)
    save_extraction(db, article_id, {"title": title, "text": text, "published": published}, version)
    if claims is not None:
        replace_machine_claims(db, article_id, claims, version)
    return article_id


HRW_TEXT = ("China Forcibly Returns More than 500 to North Korea\n\n"
            "Human Rights Watch said that the Chinese authorities had forcefully returned more than 500 North Koreans "
            "to North Korea on October 9.\n\nThe group also said 80 people were sent back from China on August 29.")
RIGHTS_TEXT = ("Escapees sent back\n\nChinese authorities have recently forcibly repatriated over 500 individuals "
               "who had escaped from North Korea.\n\n"
               "Similar forced returns took place in September, with 40 individuals.")
TALLY_TEXT = ("A grim tally\n\n"
              "The current figure of 406 brings the total number of documented repatriations since 2020 "
              "to at least 1,076.\n\n"
              "In April 2024, 60 individuals were repatriated from Jilin and Liaoning provinces.")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "newsmon.db"


@pytest.fixture
def sample_db(db_path):
    """Three outlets, three articles, seven pending claims; the "more than 500" of October is on two outlets."""
    db = open_db(db_path)
    fill_sample(db)
    yield db
    db.close()


def fill_sample(db) -> None:
    add_article(db, url="https://wire.example/2023/10/china-returns-500/", source="demo-world-wire",
                title="China Forcibly Returns More than 500 to North Korea", text=HRW_TEXT, published="2023-10-17",
                claims=[
                    claim_at(HRW_TEXT, "the Chinese authorities had forcefully returned more than 500 North Koreans "
                             "to North Korea on October 9", 500, "more_than", date="2023-10-09",
                             locations=["North Korea"]),
                    claim_at(HRW_TEXT, "80 people were sent back from China on August 29", 80, date="2023-08-29",
                             locations=["China"], who="people"),
                ])
    add_article(db, url="https://rights.example/escapees-sent-back/", source="demo-rights-monitor",
                title="Escapees sent back", text=RIGHTS_TEXT, published="2023-10-20",
                claims=[
                    claim_at(RIGHTS_TEXT, "Chinese authorities have recently forcibly repatriated over 500 individuals "
                             "who had escaped from North Korea", 500, "more_than", date="2023-10",
                             who="individuals who had escaped from North Korea"),
                    claim_at(RIGHTS_TEXT, "Similar forced returns took place in September, with 40 individuals",
                             40, date="2023-09", who="individuals"),
                ])
    add_article(db, url="https://blog.example/2024/tally/", source="demo-ngo-blog",
                title="A grim tally", text=TALLY_TEXT, published="2024-06-03",
                claims=[
                    claim_at(TALLY_TEXT, "The current figure of 406", 406, "at_least", date="2024"),
                    claim_at(TALLY_TEXT, "to at least 1,076", 1076, "at_least", date="2020", kind="cumulative"),
                    claim_at(TALLY_TEXT, "In April 2024, 60 individuals were repatriated from Jilin and Liaoning "
                             "provinces", 60, date="2024-04", locations=["Jilin", "Liaoning"]),
                ])


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> Path:
    """A database filled by `newsmon demo` (the real crawl and extraction of the demo outlets), made once."""
    from tests.helpers import run_newsmon

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run_newsmon("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def demo_db_path(demo_db_file, tmp_path) -> Path:
    """A fresh copy of the demo database for one test."""
    import sqlite3

    target = tmp_path / "demo-copy.db"
    source = sqlite3.connect(str(demo_db_file))
    dest = sqlite3.connect(str(target))
    source.backup(dest)
    source.close()
    dest.close()
    return target
