"""Where the database and the config live, and what `config/settings.toml` says.

Order of precedence: the command-line option, then the environment variable
(`NEWSMON_DB`, `NEWSMON_CONFIG`), then the default (`data/newsmon.db`, `config/`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

DEFAULT_DB = Path("data/newsmon.db")
DEFAULT_CONFIG = Path("config")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIR = PROJECT_ROOT / "fixtures"


class SettingsError(Exception):
    """A settings file that cannot be read; the message is one line naming it."""


def resolve_db(option: str | None) -> Path:
    return Path(option or os.environ.get("NEWSMON_DB") or DEFAULT_DB)


def resolve_config(option: str | None) -> Path:
    if option or os.environ.get("NEWSMON_CONFIG"):
        return Path(option or os.environ["NEWSMON_CONFIG"])
    if DEFAULT_CONFIG.is_dir():
        return DEFAULT_CONFIG
    return PROJECT_ROOT / "config"  # run from elsewhere: the config shipped with the project


def load_settings(config_dir: Path) -> dict[str, Any]:
    """The parsed `settings.toml` of `config_dir` ({} when there is none)."""
    path = config_dir / "settings.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
