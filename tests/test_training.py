"""`newsmon train`: the shipped decision models are the ones the shipped data and code build,
and the command builds models from any labelled files (reviewers' exports too)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsmon.training import build_korean_models, build_models, default_training_files, places_path_for
from tests.helpers import PROJECT_ROOT, run_newsmon

MODELS = PROJECT_ROOT / "config" / "models"


@pytest.fixture(scope="module")
def rebuilt():
    return build_models(default_training_files())


@pytest.fixture(scope="module")
def rebuilt_korean():
    return build_korean_models(default_training_files())


def _shipped(kind: str, lang: str = "en") -> dict:
    return json.loads((MODELS / f"{kind}-{lang}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind,index", [("claims", 0), ("places", 1)])
def test_the_shipped_korean_model_is_the_one_the_shipped_data_and_code_build(rebuilt_korean, kind, index):
    shipped, built = _shipped(kind, "ko"), rebuilt_korean[index]
    assert shipped["trained_on"] == built["trained_on"], (
        f"config/models/{kind}-ko.json was built from other labelled files: run `newsmon train` and commit it")
    assert shipped["features_version"] == built["features_version"]
    assert set(shipped["weights"]) == set(built["weights"]), "the Korean features changed: run `newsmon train`"
    worst = max(abs(shipped["weights"][k] - built["weights"][k]) for k in built["weights"])
    assert worst < 1e-3, f"weights differ by up to {worst}: run `newsmon train` and commit the models"
    assert abs(shipped["bias"] - built["bias"]) < 1e-3
    assert abs(shipped["threshold"] - built["threshold"]) <= 0.02
    assert all(Path(s["file"]).name.startswith(("ko_", "kb_", "kd_")) for s in shipped["trained_on"])


@pytest.mark.parametrize("kind,index", [("claims", 0), ("places", 1)])
def test_the_shipped_model_is_the_one_the_shipped_data_and_code_build(rebuilt, kind, index):
    shipped, built = _shipped(kind), rebuilt[index]
    assert shipped["trained_on"] == built["trained_on"], (
        f"config/models/{kind}-en.json was built from other labelled files: run `newsmon train` and commit it")
    assert shipped["features_version"] == built["features_version"]
    assert set(shipped["weights"]) == set(built["weights"]), "the features changed: run `newsmon train`"
    worst = max(abs(shipped["weights"][k] - built["weights"][k]) for k in built["weights"])
    assert worst < 1e-3, f"weights differ by up to {worst}: run `newsmon train` and commit the models"
    assert abs(shipped["bias"] - built["bias"]) < 1e-3
    assert abs(shipped["threshold"] - built["threshold"]) <= 0.02


def test_the_models_record_their_training_files():
    for kind in ("claims", "places"):
        files = {Path(s["file"]).name for s in _shipped(kind)["trained_on"]}
        assert files == {p.name for p in default_training_files()}
        assert not any(Path(s["file"]).is_absolute() for s in _shipped(kind)["trained_on"])


def test_no_test_article_is_trained_on():
    """Training reads fixtures/labelled/train only; no story is on both sides of the split."""
    def stories(side):
        out = set()
        for path in (PROJECT_ROOT / "fixtures" / "labelled" / side).glob("*.jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    doc = json.loads(line)
                    out.add(doc.get("story") or doc["id"])
        return out
    assert all(p.parent.name == "train" for p in default_training_files())
    assert not stories("train") & stories("test")


def english_docs(n: int) -> list[dict]:
    """`n` labelled English articles, one deportation each, beside a figure that is no claim."""
    return [
        {"id": f"d{i}", "story": f"s{i}", "published": "2025-06-10",
         "text": f"Pakistan deported {100 + i} Afghans on Monday, police in Lahore said. "
                 f"{10 + i} officers escorted them.",
         "claims": [{"count": 100 + i, "qualifier": "exact", "date": "2025-06-09", "locations": ["Pakistan"],
                     "evidence": f"Pakistan deported {100 + i} Afghans on Monday", "kind": "event"}]}
        for i in range(n)
    ]


def test_train_command_builds_models_from_given_files(tmp_path):
    labelled = tmp_path / "reviewed.jsonl"
    docs = english_docs(12)
    labelled.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    out = tmp_path / "models" / "claims-en.json"
    result = run_newsmon("train", str(labelled), "-o", str(out))
    assert result.returncode == 0, result.stderr
    model = json.loads(out.read_text())
    assert model["training"]["positives"] == 12 and model["training"]["examples"] >= 24
    assert places_path_for(out).exists()
    assert "built in" in result.stdout


def test_train_command_builds_the_korean_models_beside_the_english_ones(tmp_path):
    labelled = tmp_path / "reviewed.jsonl"
    docs = english_docs(12) + [
        {"id": f"k{i}", "story": f"k{i}", "lang": "ko", "published": "2025-06-10",
         "text": f"단신\n\n중국이 지난 9일 투먼 세관을 통해 탈북민 {20 + i}명을 북한으로 강제북송했다. "
                 f"현장에는 공안 {5 + i}명이 배치됐다.",
         "claims": [{"count": 20 + i, "qualifier": "exact", "date": "2025-06-09", "locations": ["투먼", "북한"],
                     "evidence": f"중국이 지난 9일 투먼 세관을 통해 탈북민 {20 + i}명을 북한으로 강제북송했다.",
                     "kind": "event"}]}
        for i in range(12)
    ]
    labelled.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    out = tmp_path / "models" / "claims-en.json"
    result = run_newsmon("train", str(labelled), "-o", str(out))
    assert result.returncode == 0, result.stderr
    ko = json.loads((tmp_path / "models" / "claims-ko.json").read_text(encoding="utf-8"))
    assert ko["training"]["positives"] == 12 and ko["features_version"].startswith("ko-")
    assert (tmp_path / "models" / "places-ko.json").exists()
    assert json.loads(out.read_text())["training"]["positives"] == 12  # the English model learns English only


def test_train_command_says_what_is_wrong_with_a_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\nnot json\n', encoding="utf-8")
    result = run_newsmon("train", str(bad), "-o", str(tmp_path / "m.json"))
    assert result.returncode == 2
    assert f"{bad}:2: not JSON" in result.stderr
    assert not (tmp_path / "m.json").exists()


def test_the_models_are_the_same_built_in_one_process_or_several(tmp_path):
    docs = english_docs(12)
    files = []
    for k in range(3):  # three files: the workers share them out
        path = tmp_path / f"part{k}.jsonl"
        path.write_text("\n".join(json.dumps(d) for d in docs[k::3]) + "\n", encoding="utf-8")
        files.append(path)
    from newsmon.training import _examples_of_files

    assert list(_examples_of_files(files, None, 1)) == list(_examples_of_files(files, None, 2))  # in file order
    assert build_models(files, workers=1) == build_models(files, workers=2)


def test_a_bad_file_read_by_a_worker_is_named(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(json.dumps(d) for d in english_docs(4)) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\nnot json\n', encoding="utf-8")
    result = run_newsmon("train", str(good), str(bad), "-o", str(tmp_path / "m.json"))
    assert result.returncode == 2
    assert f"{bad}:2: not JSON" in result.stderr
    assert not (tmp_path / "m.json").exists()


def _spawned_workers(parent: int) -> list[int]:
    """Pids of the `multiprocessing` workers `parent` started (not its resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue  # the process ended while it was read
        if ppid == parent and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_a_killed_training_worker_ends_the_run_with_a_clear_error_and_no_model(tmp_path):
    out = tmp_path / "m.json"
    proc = subprocess.Popen([sys.executable, "-m", "newsmon", "train", *map(str, default_training_files()),
                             "-o", str(out)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while not workers and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _spawned_workers(proc.pid)
        assert workers, "newsmon train started no worker process"
        os.kill(workers[0], signal.SIGKILL)
        _stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, stderr
    assert "a worker parsing the labelled files died" in stderr and "Traceback" not in stderr
    assert not out.exists() and not places_path_for(out).exists()


def test_train_help_says_what_it_does():
    result = run_newsmon("train", "--help")
    assert result.returncode == 0 and "Build the claim-decision and place models" in result.stdout
