"""`newsmon status`: per-outlet health from the `crawl_runs` table."""

from __future__ import annotations

import json
import sys

import click

from crawler.sources import load_sources
from newsmon.context import AppContext, common_options, pass_app
from storage.db import StorageError, open_db
from storage.runs import source_health, sources_with_runs


@click.command("status")
@click.option("--runs", "window", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many recent runs of each outlet to sum up.")
@click.option("--streak", default=3, show_default=True, type=click.IntRange(1, 1000),
              help="Warn when an outlet failed, found no article link or found nothing new this many runs in a row.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per outlet, one per line.")
@common_options
@pass_app
def status_command(app: AppContext, window: int, streak: int, as_json: bool) -> None:
    """Per outlet: last run and its status, new articles, errors and skipped links over recent runs, and warnings.

    "skipped" counts article links left aside (already stored, off-site,
    refused by robots.txt, over the cap, …), not notes such as an ignored
    canonical link. An outlet whose last run had requests fail or refused gets a
    "why" line: the reasons counted (refused by robots.txt, http 404,
    timeout, …). Warnings name outlets failing, finding no article link (a
    layout change?) or finding nothing new several runs in a row.
    """
    try:
        db = open_db(app.db_path)
    except StorageError as exc:
        click.echo(f"newsmon status: {exc}", err=True)
        sys.exit(1)
    loaded = load_sources(app.config_dir)
    configured = {s.name: s for s in loaded.sources}
    try:
        names = sorted(set(sources_with_runs(db)) | {n for n, s in configured.items() if s.enabled and not s.demo})
        rows = [source_health(db, name, window=window, streak_warn=streak) for name in names]
    finally:
        db.close()
    for row in rows:
        config = configured.get(row["source"])
        row["config"] = ("missing" if config is None else "demo" if config.demo
                         else "enabled" if config.enabled else "disabled")
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, sort_keys=True))
        return
    if not rows:
        click.echo("no outlet has been crawled yet: run `newsmon run`")
        return
    from storage.runs import describe_reasons

    click.echo(f"{'outlet':<26} {'last run (UTC)':<20} {'status':<7} {'new':>5} {'errors':>6} {'skipped':>7}  "
               f"(over the last {window} runs)")
    for row in rows:
        last = (row["last_run"] or "never")[:19].replace("T", " ")
        config_note = "" if row["config"] in ("enabled", "demo") else f"  [config {row['config']}]"
        click.echo(f"{row['source']:<26} {last:<20} {row['last_status'] or '-':<7} {row['new_articles']:>5} "
                   f"{row['errors']:>6} {row['skipped']:>7}{config_note}")
        if row["reasons"]:
            click.echo(f"{'':<26} why (last run): {describe_reasons(row['reasons'], limit=6)}")
    warned = [(row["source"], w) for row in rows for w in row["warnings"]
              if row["config"] in ("enabled", "demo") or w != "never crawled"]
    if warned:
        click.echo("")
        for name, warning in warned:
            click.echo(f"WARNING {name}: {warning}")
    if loaded.errors:
        click.echo("")
        click.echo(f"{len(loaded.errors)} config error(s): run `newsmon sources check`")
