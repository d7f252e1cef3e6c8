"""One return reported in Korean and in English is one event: places compare by their
canonical (gazetteer) names, 지린성/투먼 and Jilin/Tumen alike."""

from __future__ import annotations

from extract.claims import find_claims
from storage.claims import claims_of_article
from storage.events import same_return
from tests.conftest import add_article

KO_TEXT = ("중국, 탈북민 100여 명 강제북송\n\n"
           "중국 당국이 지난 12일 밤 지린성 투먼 세관을 통해 탈북민 100여 명을 북한으로 강제북송했다고 "
           "대북 인권단체들이 14일 밝혔다.")
EN_TEXT = ("China sends back more than 100 North Koreans\n\n"
           "Chinese authorities forcibly returned more than 100 North Korean escapees to North Korea through the "
           "Tumen customs post in Jilin province on the night of Nov. 12, rights groups said on Friday.")


def _store(db, url, source, text, published):
    claims = [c.to_dict() for c in find_claims(text, published)]
    article_id = add_article(db, url=url, source=source, title=text.split("\n")[0], text=text,
                             published=published, claims=claims)
    return [c for c in claims_of_article(db, article_id) if c["count"] == 100]


def test_a_korean_and_an_english_report_of_one_return_are_one_event(db_path):
    from storage.db import open_db

    db = open_db(db_path)
    try:
        ko = _store(db, "https://ko.example/a", "demo-asia-portal", KO_TEXT, "2025-11-14")
        en = _store(db, "https://en.example/b", "demo-world-wire", EN_TEXT, "2025-11-14")
        assert len(ko) == 1 and len(en) == 1
        assert ko[0]["language"] == "ko" and en[0]["language"] == "en"
        assert "투먼" in ko[0]["locations"] and "Tumen" in en[0]["locations"]
        assert ko[0]["event_id"] == en[0]["event_id"]
    finally:
        db.close()


def test_korean_and_english_names_of_one_place_do_not_contradict():
    base = {"count": 600, "article_id": 1, "date": "2023-10-09", "published": "2023-10-12", "who": ""}
    ko = {**base, "locations": ["중국", "지린성"]}
    assert same_return(ko, {**base, "article_id": 2, "locations": ["Jilin province"]})
    assert same_return(ko, {**base, "article_id": 2, "locations": ["China"]})
    assert not same_return(ko, {**base, "article_id": 2, "locations": ["Thailand"]})
