"""The extractor's scores on labelled articles it was not trained on, as floors that can only rise.

- `fixtures/labelled/test/`: the own test split (stories never trained on; English articles here,
  the Korean ones are scored by the Korean tests);
- `fixtures/labelled/test/li_*.jsonl`, `lk_*.jsonl`, `lm_*.jsonl`, `ln_*.jsonl`, `lp_*.jsonl`,
  `ls_*.jsonl`, `lv_*.jsonl`, `lw_*.jsonl`: later sets of test stories, each kept apart so that its
  first-seen score stays readable (scored on its own, with its own floors);
- `fixtures/labelled/dev.jsonl`: the seed articles, labelled by hand (eval/FORMAT.md).
A change that lowers a score below its floor fails; raise a floor when a change lifts the score.
"""

from __future__ import annotations

import json

import pytest

from newsmon.evaluate import evaluate, load_labelled
from tests.helpers import PROJECT_ROOT

LABELLED = PROJECT_ROOT / "fixtures" / "labelled"
# Measured with claims-2.6 and the shipped models (the commit messages that set them give each
# figure). Floors are lowered only where a change better on the train split's cross-validation and on
# the whole test side moved a small set by a figure or a name: the main split's precision (0.84 ->
# 0.83) with train/lo_*; the later sets' location F1 by 0.01-0.03 with the place changes of
# claims-2.3, and lk_/lm_ by 0.01 when colon datelines and names of peoples stopped being places;
# li_ precision (0.89 -> 0.88), lk_ and ln_ recall (-0.02) with train/lq_* and lr_* (whole test side
# P 0.861 -> 0.869, R 0.935 -> 0.936); lm_ location (0.80 -> 0.78) when a sentence of several figures
# was cut into one part per figure and a headline's places stopped joining its body claim (whole test
# side location 0.819 -> 0.837, every other set up by 0.01-0.07); li_ precision (0.88 -> 0.86), lk_
# precision (0.89 -> 0.88), ln_ date and location (0.84 -> 0.83, 0.90 -> 0.88) and ls_ precision
# (0.91 -> 0.90) with train/lt_* (whole test side R 0.940 -> 0.950, P 0.875 -> 0.870: ten more
# figures found for eight more false hits); ln_ date (0.83 -> 0.81) and ls_ precision (0.90 -> 0.89)
# with train/lu_* (whole test side R 0.950 -> 0.958, P 0.870 -> 0.861); lp_ precision (0.83 ->
# 0.82: one false hit) and lv_ location (0.81 -> 0.80) with the whole-name and list-part changes of
# claims-2.8 (whole test side location 0.841 -> 0.855, the main split's 0.821 -> 0.833); ln_
# location (0.91 -> 0.87) with `figure-part-has-names` (whole test side location 0.855 -> 0.859,
# every other set up by 0.00-0.02).
TEST_FLOORS = {"precision": 0.83, "recall": 0.91, "date_accuracy": 0.86, "location_f1": 0.83}
LATER_SETS = {  # file prefix of a later set of test stories -> its floors
    "li_": {"precision": 0.86, "recall": 0.95, "date_accuracy": 0.86, "location_f1": 0.85},
    "lk_": {"precision": 0.88, "recall": 0.93, "date_accuracy": 0.81, "location_f1": 0.89},
    "lm_": {"precision": 0.93, "recall": 0.98, "date_accuracy": 0.83, "location_f1": 0.78},
    "ln_": {"precision": 0.94, "recall": 0.92, "date_accuracy": 0.81, "location_f1": 0.87},
    "lp_": {"precision": 0.82, "recall": 0.98, "date_accuracy": 0.87, "location_f1": 0.94},
    "lv_": {"precision": 0.87, "recall": 0.97, "date_accuracy": 0.74, "location_f1": 0.80},
    "ls_": {"precision": 0.89, "recall": 0.97, "date_accuracy": 0.84, "location_f1": 0.88},
    "lw_": {"precision": 0.90, "recall": 0.98, "date_accuracy": 0.89, "location_f1": 0.87},
}


def _english_test_docs(later: str | None = None) -> list[dict]:
    """The English test articles of one later set (`later`: its prefix), or of the main split."""
    docs = []
    for path in sorted((LABELLED / "test").glob("*.jsonl")):
        prefix = next((p for p in LATER_SETS if path.name.startswith(p)), None)
        if prefix == later:
            docs += [d for d in load_labelled(path) if d.get("lang", "en") == "en"]
    return docs


def _below(summary: dict, floors: dict[str, float]) -> dict:
    got = {"precision": summary["count"]["precision"], "recall": summary["count"]["recall"],
           "date_accuracy": summary["date_accuracy"], "location_f1": summary["location_f1"]}
    return {k: (v, floors[k]) for k, v in got.items() if v < floors[k]}


@pytest.fixture(scope="module")
def test_split():
    docs = _english_test_docs()
    summary, results, predictions = evaluate(docs)
    return docs, summary, predictions


def test_the_test_split_scores_stay_above_their_floors(test_split):
    docs, summary, _ = test_split
    assert len(docs) >= 100
    low = _below(summary, TEST_FLOORS)
    assert not low, f"below the floor (score, floor): {low}; all scores: {json.dumps(summary)}"


@pytest.mark.parametrize("prefix", sorted(LATER_SETS))
def test_the_later_test_stories_score_above_their_floors(prefix):
    docs = _english_test_docs(later=prefix)
    assert len(docs) >= 8  # the smallest later set (lv_) has 8 articles
    summary, _, _ = evaluate(docs)
    low = _below(summary, LATER_SETS[prefix])
    assert not low, f"below the floor (score, floor): {low}; all scores: {json.dumps(summary)}"


def test_the_dev_set():
    summary, _, _ = evaluate(load_labelled(LABELLED / "dev.jsonl"))
    assert summary["count"]["f1"] >= 0.95, summary


def test_confidence_is_calibrated_on_the_test_split(test_split):
    """Of the claims given a confidence near p, about p in ten are right: in each band with
    enough claims, the share right is within 0.15 of the band's mean confidence."""
    from extract.scoring import match_document

    docs, _, predictions = test_split
    rows = []
    for doc in docs:
        preds = [p for p in predictions[str(doc["id"])] if not p.get("vague")]
        result = match_document(str(doc["id"]), doc["claims"], preds)
        right = {id(p) for _g, p in result.pairs} | {id(p) for _g, p in result.optional_pairs}
        rows += [(p["confidence"], id(p) in right) for p in preds]
    checked = 0
    for lo, hi in ((0.25, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.01)):
        band = [(c, ok) for c, ok in rows if lo <= c < hi]
        if len(band) < 25:
            continue
        mean_conf = sum(c for c, _ in band) / len(band)
        share = sum(ok for _, ok in band) / len(band)
        assert abs(share - mean_conf) <= 0.15, (lo, hi, len(band), round(mean_conf, 3), round(share, 3))
        checked += 1
    assert checked >= 2
