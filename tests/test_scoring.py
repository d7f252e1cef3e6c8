"""Scoring per eval/FORMAT.md on small hand-made files whose right scores are known."""

import json
from pathlib import Path

import pytest

from extract.scoring import date_matches, match_document, normalise_location, score

FIX = Path(__file__).parent / "fixtures_eval"


def _load(name):
    return [json.loads(line) for line in (FIX / name).read_text().splitlines() if line.strip()]


def test_small_file_scores():
    gold = _load("gold_small.jsonl")
    preds = {d["id"]: d["claims"] for d in _load("pred_small.jsonl")}
    summary, results = score(gold, preds)
    # a: 1200 matched. b: 80 matched (qualifier wrong, XXXX year matches), 500 optional, vague ignored.
    # c: a false hit. d: 60 matched (year granularity, footnote mark, "province"), 7 missed.
    assert summary == {
        "documents": 4,
        "count": {"precision": 0.75, "recall": 0.75, "f1": 0.75, "tp": 3, "fp": 1, "fn": 1},
        "qualifier_accuracy": 0.6667,
        "date_accuracy": 1.0,
        "location_f1": 0.8571,
    }
    by_id = {r.id: r for r in results}
    assert [c["count"] for c in by_id["c"].false_hits] == [300]
    assert [c["count"] for c in by_id["d"].misses] == [7]
    assert len(by_id["b"].optional_pairs) == 1 and len(by_id["b"].ignored) == 1


def test_optional_label_counts_neither_way():
    gold = [{"id": "x", "claims": [{"count": 5, "optional": True}]}]
    assert score(gold, {"x": []})[0]["count"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 0, "fp": 0, "fn": 0}
    assert score(gold, {"x": [{"count": 5}]})[0]["count"]["fp"] == 0


def test_best_agreement_wins_among_equal_counts():
    gold = [{"count": 500, "qualifier": "about", "date": None, "optional": True},
            {"count": 500, "qualifier": "more_than", "date": None}]
    pred = [{"count": 500, "qualifier": "more_than", "date": None}]
    r = match_document("x", gold, pred)
    assert len(r.pairs) == 1 and r.pairs[0][0]["qualifier"] == "more_than" and not r.misses


def test_non_optional_label_is_matched_first():
    gold = [{"count": 500, "qualifier": "more_than", "optional": True},
            {"count": 500, "qualifier": "about"}]
    r = match_document("x", gold, [{"count": 500, "qualifier": "more_than"}])
    assert len(r.pairs) == 1 and not r.misses


def test_empty_file():
    summary, _ = score([], {})
    assert summary["documents"] == 0 and summary["qualifier_accuracy"] is None


@pytest.mark.parametrize("gold,pred,ok", [
    (None, None, True), (None, "2024", False), ("2024", None, False), ("2024", "2024-05-03", True),
    ("2024-05", "2024-05-03", True), ("2024-05-03", "2024-05", False), ("XXXX-08-29", "2023-08-29", True),
    ("XXXX-08-29", "2023-08-28", False), ("2023-08-29", "XXXX-08-29", True), ("XXXX-08", "XXXX-08-01", True),
    ("2020", "2021", False), ("2024-04", "2024-05", False),
])
def test_date_matches(gold, pred, ok):
    assert date_matches(gold, pred) is ok


@pytest.mark.parametrize("raw,norm", [
    ("China1", "china"), ("China12", "china"), ("Jilin Province", "jilin"), ("Liaoning provinces", "liaoning"),
    ("  North  Korea ", "north korea"), ("the Philippines", "philippines"), ("DPRK", "dprk"),
])
def test_normalise_location(raw, norm):
    assert normalise_location(raw) == norm
