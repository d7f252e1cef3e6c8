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
