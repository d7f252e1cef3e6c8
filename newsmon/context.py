"""What every command shares: the database path and the config folder (`--db`, `--config`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from newsmon.settings import load_settings, resolve_config, resolve_db


@dataclass
class AppContext:
    db_option: str | None = None
    config_option: str | None = None
    _settings: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        return resolve_db(self.db_option)

    @property
    def config_dir(self) -> Path:
        return resolve_config(self.config_option)

    @property
    def settings(self) -> dict[str, Any]:
        if self._settings is None:
            self._settings = load_settings(self.config_dir)
        return self._settings


def _store(key: str):
    def callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            setattr(ctx.ensure_object(AppContext), key, value)
    return callback


def common_options(func: Callable) -> Callable:
    """Add `--db` and `--config` to a command; the value lands in the shared `AppContext`."""
    func = click.option("--config", "config_option", metavar="DIR", expose_value=False, is_eager=True,
                        callback=_store("config_option"),
                        help="Config folder (else NEWSMON_CONFIG, else config/).")(func)
    func = click.option("--db", "db_option", metavar="PATH", expose_value=False, is_eager=True,
                        callback=_store("db_option"),
                        help="SQLite database (else NEWSMON_DB, else data/newsmon.db).")(func)
    return func


def pass_app(func: Callable) -> Callable:
    """Give a command the shared `AppContext` as its first argument."""
    @functools.wraps(func)
    @click.pass_context
    def wrapper(ctx: click.Context, *args, **kwargs):
        return ctx.invoke(func, ctx.ensure_object(AppContext), *args, **kwargs)
    return wrapper
