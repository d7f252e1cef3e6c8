"""`newsmon demo`: the main job on the bundled demo outlets, served on 127.0.0.1."""

from __future__ import annotations

import sys

import click

from crawler.demo_server import serve_sites
from newsmon.context import AppContext, common_options, pass_app
from newsmon.jobs import JobError, crawl, extract_stored, select_sources
from newsmon.lock import AlreadyRunning, RunLock
from newsmon.settings import FIXTURES_DIR
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
                click.echo(f"newsmon demo: {len(sources)} demo outlets served on 127.0.0.1, crawling into {app.db_path}")
                results = crawl(sources, app.db_path, app.settings.get("crawl", {}), echo=click.echo)
            finally:
                for server in servers.values():
                    server.stop()
            summary = extract_stored(app.db_path, app.config_dir, echo=click.echo)
            db = open_db(app.db_path)
            total_articles, statuses = count_articles(db), count_by_status(db)
            db.close()
    except (AlreadyRunning, JobError, StorageError, FileNotFoundError) as exc:
        click.echo(f"newsmon demo: {exc}", err=True)
        sys.exit(1)
    requests = sum(r.requests for r in results)
    new = sum(r.new_articles for r in results)
    click.echo("")
    click.echo(f"Outlets: {len(results)}   pages fetched: {requests}   "
               f"articles stored: {total_articles} ({new} new this run)")
    click.echo("Claims: " + ", ".join(f"{n} {status}" for status, n in statuses.items())
               + f"   ({summary.claims} from this run's articles)")
    click.echo(f"Look at them: newsmon serve --db {app.db_path}   |   "
               f"newsmon export --format csv --db {app.db_path}")
