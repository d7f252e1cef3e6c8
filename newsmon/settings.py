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
    """A settings file that cannot be used; each problem is one line naming the file, its line and the key.

    `problems` holds every line; the message is the first (and how many more there are).
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        more = len(self.problems) - 1
        super().__init__(self.problems[0] + (f" (and {more} more problem(s): see `newsmon sources check`)"
                                             if more else ""))


def resolve_db(option: str | None) -> Path:
    return Path(option or os.environ.get("NEWSMON_DB") or DEFAULT_DB)


def resolve_config(option: str | None) -> Path:
    if option or os.environ.get("NEWSMON_CONFIG"):
        return Path(option or os.environ["NEWSMON_CONFIG"])
    if DEFAULT_CONFIG.is_dir():
        return DEFAULT_CONFIG
    return PROJECT_ROOT / "config"  # run from elsewhere: the config shipped with the project


def load_settings(config_dir: Path) -> dict[str, Any]:
    """The parsed and checked `settings.toml` of `config_dir` ({} when there is none). Raises SettingsError."""
    path = config_dir / "settings.toml"
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        raise SettingsError(f"{path}:{line}: not UTF-8 text: {exc.reason}") from exc
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    from crawler.toml_lines import key_lines, line_of, syntax_error

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = syntax_error(text, exc)
        raise SettingsError(f"{path}:{line}: not valid TOML: {message}") from exc
    problems = settings_problems(data)
    if problems:
        lines = key_lines(text)
        raise SettingsError([f"{path}:{line_of(lines, where) or 1}: {what}" for where, what in problems])
    return data


REVIEW_KEYS = {"host": str, "port": int, "reviewer": str, "token": str}


def settings_problems(data: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """Every problem of a parsed settings.toml: (key path, "[table] key: what is wrong")."""
    from crawler.settings import crawl_problems

    problems: list[tuple[tuple[str, ...], str]] = []
    for table in sorted(set(data) - {"crawl", "review"}):
        problems.append(((table,), f"{table}: unknown table or key (settings.toml has [crawl] and [review])"))
    for key, message in crawl_problems(data.get("crawl", {})):
        problems.append((("crawl", key) if key else ("crawl",), f"[crawl] {key}: {message}" if key
                         else f"[crawl]: {message}"))
    review = data.get("review", {})
    if not isinstance(review, dict):
        return [*problems, (("review",), f"[review]: must be a table (got {review!r})")]
    for key in sorted(review):
        kind = REVIEW_KEYS.get(key)
        value = review[key]
        if kind is None:
            problems.append((("review", key), f"[review] {key}: unknown key (known: {', '.join(REVIEW_KEYS)})"))
        elif not isinstance(value, kind) or isinstance(value, bool):
            problems.append((("review", key), f"[review] {key}: must be a {'whole number' if kind is int else 'string'}"
                                              f" (got {value!r})"))
        elif key == "port" and not 0 <= value <= 65535:
            problems.append((("review", key), f"[review] port: must be 0-65535 (got {value!r})"))
    return problems
