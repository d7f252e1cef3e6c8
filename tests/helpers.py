"""Small shared helpers for tests: run the real `newsmon` command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "fixtures"


def run_newsmon(*args: str, env: dict[str, str] | None = None, timeout: float = 600,
                cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`newsmon ARGS…` in a fresh Python process (Twisted's reactor starts once per process)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "newsmon", *args],
        capture_output=True, text=True, timeout=timeout, env=full_env, cwd=cwd or PROJECT_ROOT,
    )


def expected_pages() -> list[dict]:
    """The demo outlets' pages and what their clean text must and must not hold."""
    return json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
