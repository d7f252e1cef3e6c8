"""`newsmon eval` and `newsmon claims` through click's CliRunner."""

import json
from pathlib import Path

from click.testing import CliRunner

from newsmon.cli import cli

FIX = Path(__file__).parent / "fixtures_eval"


def test_eval_json_on_known_file():
    r = CliRunner().invoke(cli, ["eval", str(FIX / "extractor_small.jsonl"), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output.strip().splitlines()[-1])
    assert set(out) == {"documents", "count", "qualifier_accuracy", "date_accuracy", "location_f1"}
    assert out["documents"] == 3
    assert out["count"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 2, "fp": 0, "fn": 0}
    assert out["qualifier_accuracy"] == 1.0 and out["date_accuracy"] == 1.0


def test_eval_predictions_and_verbose(tmp_path):
    out = tmp_path / "pred.jsonl"
    r = CliRunner().invoke(cli, ["eval", str(FIX / "gold_small.jsonl"), "--predictions", str(out), "--verbose"])
    assert r.exit_code == 0, r.output
    assert "missed" in r.output and "d: 1 matched, 1 missed" in r.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", "c", "d"]
    claim = lines[0]["claims"][0]
    for key in ("count", "qualifier", "who", "date", "date_end", "kind", "locations", "evidence", "start", "end",
                "confidence"):
        assert key in claim


def test_eval_bad_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    r = CliRunner().invoke(cli, ["eval", str(bad)])
    assert r.exit_code == 2


def test_claims_stdin_json():
    text = "Pakistan deported 1,200 Afghans through Torkham on Monday.\n\nPolice arrested 30 people."
    r = CliRunner().invoke(cli, ["claims", "-", "--published", "2024-05-02", "--json"], input=text)
    assert r.exit_code == 0, r.output
    claims = json.loads(r.output)
    assert len(claims) == 1
    c = claims[0]
    assert c["count"] == 1200 and c["date"] == "2024-04-29" and c["locations"] == ["Pakistan", "Torkham"]
    assert text[c["start"]:c["end"]] == c["evidence"]
    assert 0 <= c["confidence"] <= 1


def test_claims_text_and_html_files(tmp_path):
    doc = json.loads((FIX / "extractor_small.jsonl").read_text().splitlines()[1])
    page = tmp_path / "page.html"
    page.write_text(doc["html"])
    r = CliRunner().invoke(cli, ["claims", str(page), "--json"])
    assert r.exit_code == 0, r.output
    found = json.loads(r.output)
    assert [c["count"] for c in found if not c["vague"]] == [2300]
    assert all(c["count"] == 1000 for c in found if c["vague"])  # "thousands of Afghans" in the headline
    txt = tmp_path / "a.txt"
    txt.write_text("Some 60 North Koreans were repatriated from Dandong last week.")
    r = CliRunner().invoke(cli, ["claims", str(txt), "--published", "2024-05-02"])
    assert r.exit_code == 0 and "60" in r.output and "Dandong" in r.output


def test_claims_bad_url_is_one_line():
    r = CliRunner().invoke(cli, ["claims", "http://127.0.0.1:9/nothing"])
    assert r.exit_code == 1
    assert "http://127.0.0.1:9/nothing" in (r.output + (r.stderr if hasattr(r, "stderr") else ""))


def test_claims_bad_published():
    r = CliRunner().invoke(cli, ["claims", "-", "--published", "May 2"], input="x")
    assert r.exit_code != 0
