"""The benchmarks run (a smoke test at a small size): no timing is asserted here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import PROJECT_ROOT

pytestmark = pytest.mark.slow

PIPELINE_KEYS = {
    "end_to_end_articles_per_s", "trafilatura_only_articles_per_s", "spacy_full_articles_per_s",
    "reextract_articles_per_s", "ratio_to_trafilatura", "reextract_ratio_to_trafilatura", "peak_rss_mb",
}


def test_pipeline_benchmark_runs_end_to_end_and_reports_its_figures():
    proc = subprocess.run(
        [sys.executable, "benchmarks/pipeline.py", "--articles", "40", "--spacy-sample", "5", "--json"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert PIPELINE_KEYS <= set(result)
    assert result["articles"] == result["stored_articles"] == 40
    assert result["claims"] >= 1  # the corpus has return stories: the pipeline must find them
    assert all(result[key] > 0 for key in PIPELINE_KEYS)


def test_outlets_benchmark_runs_as_cron_would_and_reports_its_figures():
    proc = subprocess.run(
        [sys.executable, "benchmarks/outlets.py", "--outlets", "5", "--articles-per-outlet", "1", "--json"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["behaviours"] == {"ok": 3, "slow": 1, "failing": 1}
    first, unchanged, fresh = (result["runs"][k] for k in ("first", "unchanged", "1% new"))
    assert first["articles"] == first["article_requests"] == 4  # every answering outlet's one article
    assert first["outlet_statuses"] == {"ok": 4, "failed": 1}
    assert unchanged["article_requests"] == 0 and unchanged["articles"] == 4  # nothing new, nothing fetched
    assert unchanged["not_modified"].get("feed", 0) + unchanged["not_modified"].get("sitemap", 0) >= 1
    assert fresh["article_requests"] == 1 and fresh["articles"] == 5
    for run in (first, unchanged, fresh):
        assert run["wall_s"] > 0 and run["peak_pss_mb"] > 0 and run["db_mb"] > 0
