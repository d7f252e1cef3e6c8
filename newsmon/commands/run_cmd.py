"""`newsmon run`, `newsmon crawl`, `newsmon extract`: the main job and its two stages."""

from __future__ import annotations

import sys

import click

from newsmon.context import AppContext, common_options, pass_app
from newsmon.jobs import JobError, crawl, extract_stored, select_sources
from newsmon.lock import AlreadyRunning, RunLock
from storage.db import StorageError


@click.command("run")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this outlet (repeatable).")
@click.option("--max-articles", type=click.IntRange(min=1), help="At most N new articles per outlet.")
@common_options
@pass_app
def run_command(app: AppContext, sources: tuple[str, ...], max_articles: int | None) -> None:
    """Crawl every enabled outlet, extract claims from new articles, queue them for review.

    Meant for cron: one run at a time (a second one exits at once), one line
    per outlet, exit status 0 unless nothing could run.
    """
    try:
        with RunLock(app.db_path):
            selected = select_sources(app.config_dir, sources, echo=click.echo)
            crawl(selected, app.db_path, app.settings.get("crawl", {}), max_articles=max_articles, echo=click.echo)
            summary = extract_stored(app.db_path, app.config_dir, echo=click.echo)
            click.echo(f"extracted {summary.articles} new article(s): {summary.claims} claim(s) queued")
    except (AlreadyRunning, JobError, StorageError) as exc:
        click.echo(f"newsmon run: {exc}", err=True)
        sys.exit(1)


@click.command("crawl")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this outlet (repeatable).")
@click.option("--max-articles", type=click.IntRange(min=1), help="At most N new articles per outlet.")
@common_options
@pass_app
def crawl_command(app: AppContext, sources: tuple[str, ...], max_articles: int | None) -> None:
    """Crawl outlets and store new articles, without extracting claims."""
    try:
        with RunLock(app.db_path):
            selected = select_sources(app.config_dir, sources, echo=click.echo)
            crawl(selected, app.db_path, app.settings.get("crawl", {}), max_articles=max_articles, echo=click.echo)
    except (AlreadyRunning, JobError, StorageError) as exc:
        click.echo(f"newsmon crawl: {exc}", err=True)
        sys.exit(1)


@click.command("extract")
@click.option("--all", "everything", is_flag=True, help="Re-extract every stored article, not only new ones.")
@click.option("--article", "article_id", type=int, metavar="ID", help="Re-extract one article.")
@common_options
@pass_app
def extract_command(app: AppContext, everything: bool, article_id: int | None) -> None:
    """(Re-)extract clean text and claims from stored articles.

    Only unreviewed machine claims are replaced; reviewed claims keep their
    decision and values.
    """
    try:
        summary = extract_stored(app.db_path, app.config_dir, everything=everything, article_id=article_id,
                                 echo=click.echo)
    except StorageError as exc:
        click.echo(f"newsmon extract: {exc}", err=True)
        sys.exit(1)
    click.echo(f"extracted {summary.articles} article(s): {summary.claims} claim(s) queued"
               + (f", {summary.failed} failed" if summary.failed else ""))
