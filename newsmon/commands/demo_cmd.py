"""`newsmon demo`: the main job on the bundled demo outlets, served on 127.0.0.1."""

from __future__ import annotations

import sys

import click

from crawler.demo_server import serve_sites
from newsmon.context import AppContext, common_options, pass_app
from newsmon.jobs import JobError, crawl_and_extract, select_sources
from newsmon.lock import AlreadyRunning, LockError, RunLock
from newsmon.settings import FIXTURES_DIR, SettingsError
from storage.articles import count_articles
from storage.claims import count_by_status
from storage.db import StorageError, open_db


@click.command("demo")
@common_options
@pass_app
def demo_command(app: AppContext) -> None:
    """Serve the demo outlets on 127.0.0.1 and run the main job on them.

    Crawls every demo outlet of config/sources (those with `demo = true`),
    extracts claims into the database of --db, and prints a summary. Run twice
    on one database, the second run stores no new article.
    """
    try:
        with RunLock(app.db_path):
            demo_sources = select_sources(app.config_dir, demo=True, echo=click.echo)
            if not demo_sources:
                raise JobError(f"no demo outlet in {app.config_dir / 'sources'}")
            servers = serve_sites(FIXTURES_DIR / "sites", [s.name for s in demo_sources])
            try:
                sources = [s.with_base(servers[s.name].base_url) for s in demo_sources]
                click.echo(f"newsmon demo: {len(sources)} demo outlets served on 127.0.0.1, "
                           f"crawling into {app.db_path}")
                results, summary = crawl_and_extract(sources, app.db_path, app.config_dir,
                                                      app.settings.get("crawl", {}), echo=click.echo,
                                                      progress=sys.stderr)
            finally:
                for server in servers.values():
                    server.stop()
            total_articles, statuses = _counts(app)
    except (AlreadyRunning, LockError, JobError, StorageError, FileNotFoundError, SettingsError) as exc:
        click.echo(f"newsmon demo: {exc}", err=True)
        sys.exit(1)
    requests = sum(r.requests for r in results)
    new = sum(r.new_articles for r in results)
    click.echo("")
    click.echo(f"Outlets: {len(results)}   pages fetched: {requests}   "
               f"articles stored: {total_articles} ({new} new this run)")
    click.echo("Claims: " + ", ".join(f"{n} {status}" for status, n in statuses.items())
               + f"   ({summary.claims} new this run)")
    click.echo(f"Look at them: newsmon serve --db {app.db_path}   |   "
               f"newsmon export --format csv --db {app.db_path}")


def _counts(app: AppContext) -> tuple[int, dict[str, int]]:
    """Articles stored, and claims by review status."""
    db = open_db(app.db_path)
    try:
        return count_articles(db), count_by_status(db)
    finally:
        db.close()
