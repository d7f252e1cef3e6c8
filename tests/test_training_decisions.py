"""Reviewers' decisions train the extractor: decisions on half of one outlet's articles, exported
as labelled and learnt with `newsmon train --with`, raise the extractor's score on the other half.

The outlet ("Border Log") writes its figures in a style the shipped model passes over: "the
repatriation figure from Tumen on 2 June was 23". The extractor proposes such a figure as a
candidate but rejects it; a reviewer adds the claim it missed, accepts what it found, and marks
each article finished.
"""

from __future__ import annotations

import io
import json

import pytest

from extract.claims import find_claims
from newsmon.evaluate import evaluate
from storage.articles import set_reviewed_at
from storage.db import open_db
from storage.exports import export
from storage.reviews import decide
from tests.conftest import add_article
from tests.helpers import run_newsmon

pytestmark = pytest.mark.slow  # trains the models on the whole training set (a minute or two)

PLACES = ["Tumen", "Dandong", "Hunchun", "Changbai", "Ji'an", "Nanping", "Sanhe", "Linjiang", "Helong", "Longjing",
          "Yanji", "Kaishantun"]
SOURCES = ["a trader in Yanji", "a church worker", "a relative of one detainee", "a border resident", "two smugglers",
           "a local official"]
LEADS = [
    "The repatriation figure from {place} on {d} June was {n}, {source} told Border Log.",
    "The {d} June repatriation figure from {place} was {n}, {source} said.",
    "{place}'s repatriation figure on {d} June was {n}, {source} said.",
]


def border_log() -> list[dict]:
    """Twelve articles of the outlet, labelled: one return each, beside figures that are no claim."""
    docs = []
    for i, place in enumerate(PLACES):
        n, d = 23 + 7 * i, 2 + i
        lead = LEADS[i % 3].format(place=place, d=d, n=n, source=SOURCES[i % len(SOURCES)])
        text = (f"Border Log: {place}\n\n{lead}\n\n"
                f"Border Log has followed the {place} crossing since 2019 with {3 + i % 4} correspondents on both "
                f"banks of the river.\n\n"
                f"Relatives said the detainees had been held for {2 + i % 5} weeks before the transfer, most of them "
                f"women.")
        evidence = lead.split(", ")[0]
        docs.append({"id": f"borderlog-{i}", "url": f"https://borderlog.example/2025/06/{i}/",
                     "published": f"2025-06-{d + 2:02d}", "title": f"Border Log: {place}", "text": text,
                     "claims": [{"count": n, "qualifier": "exact", "who": "North Koreans", "date": f"2025-06-{d:02d}",
                                 "date_end": None, "kind": "event", "locations": [], "evidence": evidence,
                                 "optional": False}]})
    return docs


def _review(db, doc: dict) -> None:
    """What a reviewer does with one article: accept the right claims, reject the wrong, add the missed; finish."""
    found = [c.to_dict() for c in find_claims(doc["text"], doc["published"])]
    article_id = add_article(db, url=doc["url"], source="border-log", title=doc["title"], text=doc["text"],
                             published=doc["published"], claims=found, version="shipped")
    wanted = {c["count"] for c in doc["claims"]}
    for claim_id, count in db.execute("select id, count from claims where article_id = ?", [article_id]).fetchall():
        decide(db, claim_id, "accept" if count in wanted else "reject", "ana")
    have = {c for (c,) in db.execute("select count from claims where article_id = ? and status = 'accepted'",
                                     [article_id]).fetchall()}
    for gold in doc["claims"]:
        if gold["count"] in have:
            continue
        start = doc["text"].index(gold["evidence"])
        db.execute(
            "insert into claims (article_id, count, qualifier, who, date, kind, locations, evidence, start, \"end\", "
            "status, origin, reviewed_by, reviewed_at) values (?, ?, ?, ?, ?, 'event', '[]', ?, ?, ?, 'accepted', "
            "'reviewer', 'ana', '2026-01-05T10:00:00+00:00')",
            [article_id, gold["count"], gold["qualifier"], gold["who"], gold["date"], gold["evidence"], start,
             start + len(gold["evidence"])])
        db.conn.commit()
    set_reviewed_at(db, article_id, "2026-01-05T10:05:00+00:00")


def test_reviewer_decisions_raise_the_outlets_score_on_its_other_articles(tmp_path):
    docs = border_log()
    reviewed, held_out = docs[0::2], docs[1::2]
    before = evaluate(held_out)[0]["count"]
    assert before["recall"] < 0.5, f"the shipped model already reads this outlet: {before}"

    db = open_db(tmp_path / "newsmon.db")
    for doc in reviewed:
        _review(db, doc)
    export_file = tmp_path / "decisions.jsonl"
    with export_file.open("w", encoding="utf-8") as out:
        assert export(db, "labelled", out) == len(reviewed)
    probe = io.StringIO()
    export(db, "labelled", probe)
    labels = [c for line in probe.getvalue().splitlines() for c in json.loads(line)["claims"]]
    assert sum(1 for c in labels if c["origin"] == "reviewer") >= len(reviewed) // 2  # what the extractor missed
    db.close()

    models = tmp_path / "config" / "models"
    result = run_newsmon("train", "--with", str(export_file), "--out", str(models))
    assert result.returncode == 0, result.stderr
    trained_on = {s["file"] for s in json.loads((models / "claims-en.json").read_text())["trained_on"]}
    assert "decisions.jsonl" in trained_on and len(trained_on) > 1  # the own training set, and the decisions

    after = evaluate(held_out, str(tmp_path / "config"))[0]["count"]
    assert after["recall"] > before["recall"] and after["f1"] > before["f1"], (before, after)
    assert after["precision"] >= 0.8
